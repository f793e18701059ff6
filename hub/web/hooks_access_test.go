package web_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/web"
)

// hookForms are every webhook form of the page, for a webhook and a
// delivery, with a body that would change something if accepted.
func hookForms(hookID, deliveryID, url0 string) []struct {
	path string
	form url.Values
} {
	h := web.PathWebhooks + "/" + hookID
	return []struct {
		path string
		form url.Values
	}{
		{web.PathWebhooks, url.Values{"url": {url0 + "?another"}}},
		{h, url.Values{"url": {url0 + "?changed"}, "events": {"job.closed"}, "description": {"changed"}}},
		{h + "/validate", nil},
		{h + "/enable", nil},
		{h + "/disable", nil},
		{h + "/secret", nil},
		{h + "/rotate", nil},
		{h + "/test", url.Values{"event_type": {"job.created"}}},
		{h + "/delete", nil},
		{web.PathDelivery + "/" + deliveryID + "/retry", nil},
	}
}

// failedDelivery sets up an active webhook whose test event failed, and
// returns both IDs with the webhook as stored.
func failedDelivery(t *testing.T, e *env, rcv *receiver) (hub.Webhook, string) {
	t.Helper()
	admin := e.signIn(hub.RoleAdmin)
	id, _ := admin.addHook(rcv.url())
	rcv.answer(http.StatusServiceUnavailable, "<h1>Service Unavailable</h1><script>alert(1)</script>")
	r := admin.post(web.PathWebhooks+"/"+id+"/test", url.Values{"csrf_token": {admin.csrf()}}).status(http.StatusSeeOther)
	loc, _ := url.Parse(r.h.Get("Location"))
	return e.hook(id), loc.Query().Get("tested")
}

// unchanged fails if the webhook or delivery changed, or the receiver was
// called, since before.
func unchanged(t *testing.T, e *env, rcv *receiver, before hub.Webhook, calls int, deliveryID string, attempts int) {
	t.Helper()
	after := e.hook(before.ID)
	if after.URL != before.URL || after.Status != before.Status || after.Secret != before.Secret || !reflect.DeepEqual(after.Events, before.Events) {
		t.Fatalf("a refused form changed the webhook: %+v", after)
	}
	if n := rcv.count(); n != calls {
		t.Fatalf("a refused form sent %d requests", n-calls)
	}
	d, err := e.st.GetDelivery(context.Background(), e.acct.ID, deliveryID)
	if err != nil || d.AttemptCount != attempts || d.Status != hub.DeliveryFailed {
		t.Fatalf("a refused form changed the delivery: %+v %v", d, err)
	}
	ws, _, _ := e.st.ListWebhooks(context.Background(), e.acct.ID, storeWebhooks, hub.Page{Limit: 10})
	if len(ws) != 1 {
		t.Fatalf("%d webhooks", len(ws))
	}
}

func TestMembersCannotManageWebhooks(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		rcv := newReceiver(t)
		w, dlv := failedDelivery(t, e, rcv)
		calls := rcv.count()
		m := e.signIn(hub.RoleMember)
		t.Run("sees the webhook and its log, no controls, no secret", func(t *testing.T) {
			m.get(web.PathSettings).status(http.StatusOK).html().contains(w.URL, "View").lacks(`action="/settings/webhooks"`, "Save and validate")
			page := m.get(web.PathWebhooks + "/" + w.ID).status(http.StatusOK).html()
			page.contains(w.URL, "Only account admins can see or rotate the secret", "only account admins can change the webhook").
				lacks(`method="post" action="/settings/webhooks`, "Send test event", "Reveal secret", "Rotate secret", "Disable webhook", w.Secret, attrEscaped(w.Secret))
			m.get(web.PathWebhooks + "/" + w.ID + "/deliveries").status(http.StatusOK).html().contains("Failed")
			m.get(web.PathDelivery+"/"+dlv).status(http.StatusOK).html().contains("HTTP 503").lacks("Retry now", "/retry")
			m.get(web.PathWebhooks + "/" + w.ID + "/delete").status(http.StatusForbidden).html()
		})
		csrf := m.csrf()
		for _, f := range hookForms(w.ID, dlv, rcv.url()) {
			t.Run("posting "+f.path+" is refused", func(t *testing.T) {
				form := url.Values{"csrf_token": {csrf}}
				for k, v := range f.form {
					form[k] = v
				}
				r := m.post(f.path, form).status(http.StatusForbidden).html().contains("Only account admins can do this")
				r.lacks(w.Secret, attrEscaped(w.Secret))
			})
		}
		unchanged(t, e, rcv, w, calls, dlv, 1)
	})
}

func TestWebhookFormsNeedCSRF(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		rcv := newReceiver(t)
		w, dlv := failedDelivery(t, e, rcv)
		calls := rcv.count()
		b := e.signIn(hub.RoleAdmin)
		good := b.csrf()
		other := e.signIn(hub.RoleAdmin).csrf()
		tokens := []struct {
			name    string
			form    url.Values
			headers []string
		}{
			{"missing", url.Values{}, nil},
			{"forged", url.Values{"csrf_token": {strings.Repeat("x", len(good))}}, nil},
			{"another session's", url.Values{"csrf_token": {other}}, nil},
			{"posted from another site", url.Values{"csrf_token": {good}}, []string{"Sec-Fetch-Site", "cross-site"}},
		}
		for _, tok := range tokens {
			for _, f := range hookForms(w.ID, dlv, rcv.url()) {
				t.Run(tok.name+" "+f.path, func(t *testing.T) {
					form := url.Values{}
					for k, v := range f.form {
						form[k] = v
					}
					for k, v := range tok.form {
						form[k] = v
					}
					b.post(f.path, form, tok.headers...).status(http.StatusForbidden).html().contains("This form has expired").lacks(w.Secret)
				})
			}
		}
		unchanged(t, e, rcv, w, calls, dlv, 1)
	})
}

func TestWebhookPagesSignOutEndedSessions(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		rcv := newReceiver(t)
		w, dlv := failedDelivery(t, e, rcv)
		calls := rcv.count()
		b := e.signIn(hub.RoleAdmin)
		csrf := b.csrf()
		gets := []string{web.PathWebhooks + "/" + w.ID, web.PathWebhooks + "/" + w.ID + "/deliveries", web.PathDelivery + "/" + dlv}
		for name, value := range map[string]string{
			"tampered":  b.cookie.Value[:len(b.cookie.Value)-1] + flip(b.cookie.Value[len(b.cookie.Value)-1]),
			"malformed": "not-a-session",
		} {
			t.Run(name, func(t *testing.T) {
				tb := &browser{e: e, cookie: &http.Cookie{Name: b.cookie.Name, Value: value}}
				for _, p := range gets {
					r := tb.get(p).signedOut()
					if c := sessionCookie(r.h); c == nil || c.Value != "" {
						t.Fatalf("%s: cookie not cleared", p)
					}
				}
				for _, f := range hookForms(w.ID, dlv, rcv.url()) {
					form := url.Values{"csrf_token": {csrf}}
					for k, v := range f.form {
						form[k] = v
					}
					tb.post(f.path, form).signedOut()
				}
			})
		}
		t.Run("signed out", func(t *testing.T) {
			stolen := *b.cookie
			b.post(web.PathLogout, url.Values{"csrf_token": {csrf}}).status(http.StatusSeeOther)
			b.cookie = &stolen
			for _, p := range gets {
				b.get(p).signedOut()
			}
			b.post(web.PathWebhooks+"/"+w.ID+"/secret", url.Values{"csrf_token": {csrf}}).signedOut().lacks(w.Secret)
		})
		unchanged(t, e, rcv, w, calls, dlv, 1)
	})
}

func TestDeliveryInThePage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		rcv := newReceiver(t)
		w, dlv := failedDelivery(t, e, rcv)
		b := e.signIn(hub.RoleAdmin)
		t.Run("attempts are shown escaped", func(t *testing.T) {
			page := b.get(web.PathDelivery + "/" + dlv).status(http.StatusOK).html()
			page.contains("Attempt 1", "HTTP 503", "&lt;script&gt;alert(1)&lt;/script&gt;", "Webhook-Signature", "X-Receiver", "test &lt;receiver&gt;", "Retry now").
				lacks("<script>alert(1)", "<h1>Service Unavailable")
		})
		t.Run("retrying a failed delivery sends it again", func(t *testing.T) {
			rcv.answer(http.StatusOK, `{"ok":true}`)
			e.runDispatcher()
			r := b.post(web.PathDelivery+"/"+dlv+"/retry", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusSeeOther)
			if r.h.Get("Location") != web.PathDelivery+"/"+dlv+"?done=retried" {
				t.Fatalf("Location %q", r.h.Get("Location"))
			}
			b.get(r.h.Get("Location")).status(http.StatusOK).html().contains("queued")
			eventually(t, "the retried delivery to succeed", func() bool {
				d, err := e.st.GetDelivery(context.Background(), e.acct.ID, dlv)
				return err == nil && d.Status == hub.DeliverySucceeded && d.AttemptCount == 2
			})
			b.get(web.PathDelivery+"/"+dlv).status(http.StatusOK).html().contains("Attempt 1", "Attempt 2", "HTTP 200", "Succeeded").lacks("Retry now")
		})
		t.Run("retrying for a disabled endpoint says why not", func(t *testing.T) {
			b.post(web.PathWebhooks+"/"+w.ID+"/disable", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusSeeOther)
			b.post(web.PathDelivery+"/"+dlv+"/retry", url.Values{"csrf_token": {b.csrf()}}).status(http.StatusConflict).html().
				contains("The endpoint is disabled; enable or validate it first.")
		})
		t.Run("unknown and other accounts' deliveries are not found", func(t *testing.T) {
			other, err := e.st.CreateAccount(context.Background(), "Globex")
			if err != nil {
				t.Fatal(err)
			}
			e.acct = other
			ob := e.signIn(hub.RoleAdmin)
			for _, id := range []string{dlv, hub.NewID(hub.PrefixDelivery), "nope"} {
				ob.get(web.PathDelivery + "/" + id).status(http.StatusNotFound).html().contains("Delivery not found").lacks("Service Unavailable")
				ob.post(web.PathDelivery+"/"+id+"/retry", url.Values{"csrf_token": {ob.csrf()}}).status(http.StatusNotFound).html()
			}
		})
	})
}
