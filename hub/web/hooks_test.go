package web_test

import (
	"context"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/web"
)

var storeWebhooks = store.WebhookFilter{Kind: hub.KindWebhook}

// addHook saves a webhook URL through the settings page and returns the
// endpoint's ID and the page it leads to.
func (b *browser) addHook(u string, extra ...string) (string, resp) {
	b.e.t.Helper()
	form := url.Values{"csrf_token": {b.csrf()}, "url": {u}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	r := b.post(web.PathWebhooks, form).status(http.StatusSeeOther)
	m := regexp.MustCompile(`^/settings/webhooks/(wh_[0-9a-z]+)\?done=validated$`).FindStringSubmatch(r.h.Get("Location"))
	if m == nil {
		b.e.t.Fatalf("Location %q", r.h.Get("Location"))
	}
	return m[1], b.get(r.h.Get("Location")).status(http.StatusOK).html()
}

func (e *env) hook(id string) hub.Webhook {
	e.t.Helper()
	w, err := e.st.GetWebhook(context.Background(), e.acct.ID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

func TestWebhookInThePage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		rcv := newReceiver(t)
		b := e.signIn(hub.RoleAdmin)
		b.get(web.PathSettings).status(http.StatusOK).html().
			contains("No webhook yet.", `id="new-hook-url"`, "Save and validate", "No deliveries yet")

		t.Run("a bad URL is refused next to the field", func(t *testing.T) {
			for name, u := range map[string]string{"empty": "", "not https": "http://example.com/hook", "private": "https://10.0.0.5/hook", "ftp": "ftp://example.com/"} {
				t.Run(name, func(t *testing.T) {
					r := b.post(web.PathWebhooks, url.Values{"csrf_token": {b.csrf()}, "url": {u}}).status(http.StatusUnprocessableEntity).html()
					r.contains(`id="new-hook-error"`, `aria-invalid="true"`)
				})
			}
			b.post(web.PathWebhooks, url.Values{"csrf_token": {b.csrf()}, "url": {rcv.url()}, "secret": {"nope"}}).
				status(http.StatusUnprocessableEntity).html().contains(`id="new-hook-secret-error"`, "<details class=\"more\" open>")
			if ws, _, _ := e.st.ListWebhooks(context.Background(), e.acct.ID, storeWebhooks, hub.Page{Limit: 10}); len(ws) != 0 {
				t.Fatalf("a refused form saved %d webhooks", len(ws))
			}
		})

		rcv.answer(http.StatusInternalServerError, "down for maintenance")
		id, page := b.addHook(rcv.url())
		t.Run("a failing validation says why and offers a retry", func(t *testing.T) {
			page.contains("Visage sent a signed validation request", "Validation failed", "HTTP 500", "Retry validation")
			if got := rcv.types(t); len(got) != 1 || got[0] != hub.EventValidation {
				t.Fatalf("receiver got %v, want one validation request", got)
			}
			b.get(web.PathSettings).status(http.StatusOK).html().contains(rcv.url(), "Validation failed", "/settings/webhooks/"+id+"/deliveries").lacks("No webhook yet.")
		})
		rcv.answer(http.StatusOK, `{"ok":true}`)
		t.Run("retry validation makes it active", func(t *testing.T) {
			r := b.post(web.PathWebhooks+"/"+id+"/validate", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusSeeOther)
			b.get(r.h.Get("Location")).status(http.StatusOK).html().contains("the webhook is active").lacks("Retry validation")
			if w := e.hook(id); w.Status != hub.WebhookActive || rcv.count() != 2 {
				t.Fatalf("status %s after %d requests", w.Status, rcv.count())
			}
		})

		t.Run("event types and job filter", func(t *testing.T) {
			job, err := e.st.CreateJob(context.Background(), e.acct.ID, hub.Job{Title: "Staff Engineer"})
			if err != nil {
				t.Fatal(err)
			}
			page := b.get(web.PathWebhooks + "/" + id).status(http.StatusOK).html()
			page.contains(`name="events" value="candidate.interested"`, "Candidate Marked Interested", `<option value="`+job.ID+`">Staff Engineer</option>`)
			save := func(job string, events ...string) resp {
				return b.post(web.PathWebhooks+"/"+id, url.Values{"csrf_token": {b.csrf()}, "url": {rcv.url()}, "events": events, "job_id": {job}, "description": {"ATS"}})
			}
			save("job_nope", "candidate.interested").status(http.StatusUnprocessableEntity).html().
				contains(`id="hook-job-error"`, "No job with this ID in your account.", `value="candidate.interested" checked`)
			save("", "candidate.hired").status(http.StatusUnprocessableEntity).html().contains("Unknown event type")
			r := save(job.ID, "candidate.interested", "job.closed").status(http.StatusSeeOther)
			b.get(r.h.Get("Location")).status(http.StatusOK).html().contains("Your changes are saved.", `value="job.closed" checked`, `value="`+job.ID+`"`)
			w := e.hook(id)
			if len(w.Events) != 2 || w.JobID == nil || *w.JobID != job.ID || w.Description != "ATS" || w.Status != hub.WebhookActive {
				t.Fatalf("saved %+v", w)
			}
			if rcv.count() != 2 {
				t.Fatal("saving without changing the URL validated again")
			}
			save("").status(http.StatusSeeOther)
			if w := e.hook(id); len(w.Events) != 0 || w.JobID != nil {
				t.Fatalf("unchecking everything should mean all events, all jobs: %+v", w)
			}
		})

		t.Run("secret: reveal and rotate", func(t *testing.T) {
			old := e.hook(id).Secret
			page := b.get(web.PathWebhooks + "/" + id).status(http.StatusOK).html()
			page.contains("Reveal secret").lacks(old, attrEscaped(old))
			shown := b.post(web.PathWebhooks+"/"+id+"/secret", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusOK).html().
				contains(`data-copy="hook-secret-value"`)
			if got := shown.inputValue("hook-secret-value"); got != old {
				t.Fatalf("revealed %q, want the stored secret", got)
			}
			b.post(web.PathWebhooks+"/"+id+"/rotate", url.Values{"csrf_token": {b.csrf()}, "secret": {"whsec_bad"}}).
				status(http.StatusUnprocessableEntity).html().contains(`id="rotate-error"`)
			r := b.post(web.PathWebhooks+"/"+id+"/rotate", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusOK).html()
			w := e.hook(id)
			if w.Secret == old || w.PreviousSecret != old {
				t.Fatalf("rotation: secret changed %v, previous kept %v", w.Secret != old, w.PreviousSecret == old)
			}
			r.contains("The old secret keeps signing beside the new one for 24 hours")
			if got := r.inputValue("hook-secret-value"); got != w.Secret {
				t.Fatalf("shown %q, want the new secret", got)
			}
		})

		t.Run("disable and enable", func(t *testing.T) {
			r := b.post(web.PathWebhooks+"/"+id+"/disable", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusSeeOther)
			b.get(r.h.Get("Location")).status(http.StatusOK).html().contains("The webhook is disabled", "Enable webhook").lacks("Disable webhook")
			if w := e.hook(id); w.Status != hub.WebhookDisabled {
				t.Fatalf("status %s", w.Status)
			}
			b.post(web.PathWebhooks+"/"+id+"/validate", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusConflict).html().contains("enable it")
			r = b.post(web.PathWebhooks+"/"+id+"/enable", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusSeeOther)
			b.get(r.h.Get("Location")).status(http.StatusOK).html().contains("the webhook is active", "Disable webhook")
		})

		t.Run("test event shows the answer and is logged", func(t *testing.T) {
			rcv.answer(http.StatusAccepted, `{"received":"<b>yes</b>"}`)
			r := b.post(web.PathWebhooks+"/"+id+"/test", url.Values{"csrf_token": {b.csrf()}, "event_type": {"job.created"}}).status(http.StatusSeeOther)
			loc := r.h.Get("Location")
			if !strings.Contains(loc, "?tested=dlv_") || !strings.HasSuffix(loc, "#test-result") {
				t.Fatalf("Location %q", loc)
			}
			page := b.get(loc).status(http.StatusOK).html()
			page.contains("Test result: delivered", "HTTP 202", " ms", "&lt;b&gt;yes&lt;/b&gt;", `<option value="job.created" selected>`).lacks("<b>yes</b>")
			if got := rcv.types(t); got[len(got)-1] != "job.created" {
				t.Fatalf("receiver got %v", got)
			}
			b.get(web.PathWebhooks+"/"+id+"/deliveries").status(http.StatusOK).html().contains("New Job", "Test", "Succeeded", "HTTP 202")
			b.post(web.PathWebhooks+"/"+id+"/test", url.Values{"csrf_token": {b.csrf()}, "event_type": {"job.deleted"}}).
				status(http.StatusUnprocessableEntity).html()
		})

		t.Run("another account's or an unknown webhook is not found", func(t *testing.T) {
			other, err := e.st.CreateAccount(context.Background(), "Globex")
			if err != nil {
				t.Fatal(err)
			}
			theirs := hub.Webhook{ID: hub.NewID(hub.PrefixWebhook), AccountID: other.ID, Kind: hub.KindWebhook, URL: "https://globex.example/hook",
				Events: []string{}, Status: hub.WebhookActive, Secret: e.hook(id).Secret, CreatedAt: hub.Now(), UpdatedAt: hub.Now()}
			if err := e.st.CreateWebhook(context.Background(), theirs); err != nil {
				t.Fatal(err)
			}
			for _, wid := range []string{theirs.ID, hub.NewID(hub.PrefixWebhook), "nonsense"} {
				b.get(web.PathWebhooks + "/" + wid).status(http.StatusNotFound).html().lacks("globex")
				b.get(web.PathWebhooks + "/" + wid + "/deliveries").status(http.StatusNotFound).html()
				b.post(web.PathWebhooks+"/"+wid+"/disable", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusNotFound).html()
				b.post(web.PathWebhooks+"/"+wid+"/secret", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusNotFound).html().lacks(theirs.Secret)
			}
			if w, _ := e.st.GetWebhook(context.Background(), other.ID, theirs.ID); w.Status != hub.WebhookActive {
				t.Fatal("another account's webhook was changed")
			}
		})

		t.Run("delete asks first", func(t *testing.T) {
			b.get(web.PathWebhooks + "/" + id).status(http.StatusOK).html().contains(`href="/settings/webhooks/` + id + `/delete"`)
			b.get(web.PathWebhooks+"/"+id+"/delete").status(http.StatusOK).html().contains("Delete this webhook?", rcv.url(), "Cancel")
			if _, err := e.st.GetWebhook(context.Background(), e.acct.ID, id); err != nil {
				t.Fatalf("the confirmation page deleted the webhook: %v", err)
			}
			r := b.post(web.PathWebhooks+"/"+id+"/delete", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusSeeOther)
			b.get(r.h.Get("Location")).status(http.StatusOK).html().contains("The webhook is deleted.", "No webhook yet.").lacks(rcv.url())
			if _, err := e.st.GetWebhook(context.Background(), e.acct.ID, id); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("still stored: %v", err)
			}
			b.get(web.PathWebhooks + "/" + id).status(http.StatusNotFound).html()
		})
	})
}

// inputValue returns the unescaped value of the input with the given id.
func (r resp) inputValue(id string) string {
	r.t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*value="([^"]*)"`).FindStringSubmatch(r.body)
	if m == nil {
		r.t.Fatalf("no input %q in %s", id, r.body)
	}
	return html.UnescapeString(m[1])
}

// attrEscaped is s as html/template writes it in an attribute.
func attrEscaped(s string) string {
	return strings.ReplaceAll(template.HTMLEscapeString(s), "+", "&#43;")
}
