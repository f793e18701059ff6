package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/hub/web"
)

// TestSessionExpires runs the pages with a one-minute session and a clock
// the test moves, so expiry is checked without waiting.
func TestSessionExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		now := time.Now()
		p := web.New(web.Options{Store: st, SessionTTL: time.Minute, Now: func() time.Time { return now }, Logger: quietLogger()})
		app := fiber.New()
		for _, r := range p.Routes() {
			app.Add(r.Method, r.Path, r.Handler)
		}
		e := newEnvApp(t, st, app)
		b := e.signIn(hub.RoleAdmin)
		if d := b.cookie.Expires.Sub(now); d < 59*time.Second || d > 61*time.Second {
			t.Fatalf("cookie lasts %v, want the session's minute", d)
		}
		b.get(web.PathSettings).status(http.StatusOK)
		now = now.Add(59 * time.Second)
		b.get(web.PathSettings).status(http.StatusOK)
		now = now.Add(2 * time.Second)
		r := b.get(web.PathSettings).signedOut()
		if r.h.Get("Location") != web.PathSignedOut+"?reason=ended" {
			t.Fatalf("Location %q", r.h.Get("Location"))
		}
		b.get(r.h.Get("Location")).status(http.StatusOK).html().contains("Your session has ended", "sign-ins last 1 minute")
		b.get(web.PathWebhooks + "/" + hub.NewID(hub.PrefixWebhook)).signedOut()
		b.get(web.PathDelivery + "/" + hub.NewID(hub.PrefixDelivery)).signedOut()
		b.post(web.PathWebhooks, nil).signedOut()
		b.post(web.PathLogout, nil).signedOut()
	})
}
