package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/web"
)

// textHas fails unless the page's visible text contains every part.
func textHas(t *testing.T, ctx context.Context, step string, parts ...string) {
	t.Helper()
	text := bodyText(t, ctx)
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("%s: the page does not say %q:\n%s", step, p, text)
		}
	}
}

// browseWebhooks is the webhook half of the seed's "Setting It Up": enter
// the URL of a loopback receiver and watch it validate (failing first, then
// "Retry validation"), send a test event and find it in the log, reveal the
// secret, and retry a delivery the receiver refused. It starts and ends on
// a settings page and returns the webhook's ID.
func browseWebhooks(t *testing.T, ctx context.Context, h *liveHub, dir string) string {
	t.Helper()
	e := h.e
	rcv := newReceiver(t)
	visit(t, ctx, h.base+web.PathSettings+"#webhook")
	textHas(t, ctx, "new account", "No webhook yet.", "No deliveries yet")

	rcv.answer(http.StatusInternalServerError, "maintenance")
	// Keyboard only: type the URL and press Enter.
	res, err := chromedp.RunResponse(ctx, chromedp.SendKeys(chromedp.CSS("#new-hook-url"), rcv.url()+"\r"))
	if err != nil || res.Status != http.StatusOK || !strings.HasPrefix(pathOf(t, ctx), web.PathWebhooks+"/wh_") {
		t.Fatalf("save the URL with Enter: %v at %s", err, pathOf(t, ctx))
	}
	id := strings.TrimPrefix(pathOf(t, ctx), web.PathWebhooks+"/")
	textHas(t, ctx, "validation failed", "Visage sent a signed validation request", "Validation failed", "HTTP 500", "Retry validation")
	shoot(t, ctx, dir, "06-webhook-validation-failed")

	rcv.answer(http.StatusOK, `{"ok":true}`)
	click(t, ctx, "#retry-validation")
	textHas(t, ctx, "validated", "It answered with a 2xx status: the webhook is active.")
	if w := e.hook(id); w.Status != hub.WebhookActive {
		t.Fatalf("stored status %s", w.Status)
	}
	if got := rcv.types(t); len(got) != 2 || got[0] != hub.EventValidation || got[1] != hub.EventValidation {
		t.Fatalf("receiver got %v, want two validation requests", got)
	}
	shoot(t, ctx, dir, "07-webhook-active")

	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#test-event"), hub.EventCandidateInterested)); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#send-test")
	textHas(t, ctx, "test event", "Test result: delivered", "HTTP 200", `{"ok":true}`)
	if got := rcv.types(t); got[len(got)-1] != hub.EventCandidateInterested {
		t.Fatalf("receiver got %v", got)
	}
	shoot(t, ctx, dir, "08-test-event-sent")

	click(t, ctx, "#reveal-secret")
	secret, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#hook-secret-value")))
	if err != nil || secret != e.hook(id).Secret || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("revealed secret %q: %v", secret, err)
	}
	shoot(t, ctx, dir, "09-secret-revealed")

	click(t, ctx, `a[href="/settings/webhooks/`+id+`/deliveries"]`)
	textHas(t, ctx, "delivery log", "Delivery log", "Candidate Marked Interested", "Test", "Succeeded")
	shoot(t, ctx, dir, "10-delivery-log")

	rcv.answer(http.StatusServiceUnavailable, `<html><body><h1>503</h1><script>alert("x")</script></body></html>`)
	visit(t, ctx, h.base+web.PathWebhooks+"/"+id)
	click(t, ctx, "#send-test")
	textHas(t, ctx, "failing test", "Test result: not delivered", "HTTP 503")
	click(t, ctx, `#test a[href^="/settings/deliveries/"]`)
	dlv := strings.TrimPrefix(pathOf(t, ctx), web.PathDelivery+"/")
	textHas(t, ctx, "failed delivery", "Failed", "Attempt 1", "HTTP 503", `<script>alert("x")</script>`, "Retry now")
	if n := evaluate[int](t, ctx, `document.querySelectorAll('main script').length`); n != 0 {
		t.Fatal("the response body was rendered as HTML")
	}
	shoot(t, ctx, dir, "11-delivery-failed")

	rcv.answer(http.StatusOK, `{"ok":"second time"}`)
	click(t, ctx, "#retry-delivery")
	textHas(t, ctx, "retry queued", "queued")
	eventually(t, "the retried delivery to succeed", func() bool {
		d, err := e.st.GetDelivery(context.Background(), e.acct.ID, dlv)
		return err == nil && d.Status == hub.DeliverySucceeded && d.AttemptCount == 2
	})
	visit(t, ctx, h.base+web.PathDelivery+"/"+dlv)
	textHas(t, ctx, "retried delivery", "Succeeded", "Attempt 2", "HTTP 200", `{"ok":"second time"}`)
	shoot(t, ctx, dir, "12-delivery-retried")

	visit(t, ctx, h.base+web.PathWebhooks+"/"+id)
	click(t, ctx, "#delete")
	textHas(t, ctx, "delete confirmation", "Delete this webhook?", "cannot be undone")
	shoot(t, ctx, dir, "13-delete-confirm")
	click(t, ctx, `main a.button.secondary`)
	if pathOf(t, ctx) != web.PathWebhooks+"/"+id {
		t.Fatalf("Cancel went to %s", pathOf(t, ctx))
	}

	visit(t, ctx, h.base+web.PathSettings+"#webhook")
	textHas(t, ctx, "settings with a webhook", rcv.url(), "Active", "Delivery log of")
	shoot(t, ctx, dir, "13b-settings-with-webhook")
	return id
}
