// Settings page enhancements. Everything works without this file; it only
// adds Copy buttons next to a new key or a revealed secret, and says
// "Sending…" while a form waits for a webhook endpoint to answer.
(function () {
  'use strict';

  function setup(button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    var status = document.getElementById(button.getAttribute('data-status'));
    if (!field) { return; }
    function say(text) { if (status) { status.textContent = text; } }
    function fallback() {
      field.focus();
      field.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      say(ok ? 'Copied to the clipboard.' : 'The key is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    }
    button.hidden = false;
    button.addEventListener('click', function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = 'Copied';
          say('Copied to the clipboard.');
        }, fallback);
      } else {
        fallback();
      }
    });
  }

  document.querySelectorAll('[data-copy]').forEach(setup);

  // Forms that send a request to the endpoint (validation, test event)
  // wait for its answer; say so, and keep the button from being pressed
  // twice.
  document.querySelectorAll('form[data-sending]').forEach(function (form) {
    form.addEventListener('submit', function () {
      var status = form.querySelector('.sending') || (form.parentElement && form.parentElement.querySelector('.sending'));
      if (status) { status.textContent = form.getAttribute('data-sending'); }
      var button = form.querySelector('button[type=submit]');
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
  document.querySelectorAll('input[data-select]').forEach(function (f) {
    f.addEventListener('focus', function () { f.select(); });
  });
})();
