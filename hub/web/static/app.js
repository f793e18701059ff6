// Settings page enhancements. Everything works without this file; it only
// adds a Copy button next to a newly created key.
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
  document.querySelectorAll('input[data-select]').forEach(function (f) {
    f.addEventListener('focus', function () { f.select(); });
  });
})();
