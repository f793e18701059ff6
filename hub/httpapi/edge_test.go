package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/auth"
	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestEdgeErrors(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	e.srv.App().Get("/test/panic", func(*fiber.Ctx) error { panic("secret internal detail: SELECT * FROM api_keys") })

	t.Run("unknown route", func(t *testing.T) {
		e.do("GET", "/v1/nothing-here", "", "").problem(http.StatusNotFound, hub.ENotFound, "")
	})
	t.Run("wrong method", func(t *testing.T) {
		e.do("PUT", "/healthz", "", "").problem(http.StatusMethodNotAllowed, "method_not_allowed", "")
	})
	t.Run("panic is a bare 500", func(t *testing.T) {
		r := e.do("GET", "/test/panic", "", "")
		p := r.problem(http.StatusInternalServerError, hub.EInternal, "")
		if strings.Contains(string(r.body), "SELECT") || strings.Contains(string(r.body), "secret") || strings.Contains(p.Detail, "panic") {
			t.Fatalf("500 leaks internals: %s", r.body)
		}
	})
	t.Run("request id is echoed", func(t *testing.T) {
		r := e.do("GET", "/healthz", "", "", "X-Request-Id", "abc-123")
		if r.h.Get("X-Request-Id") != "abc-123" {
			t.Fatalf("X-Request-Id %q", r.h.Get("X-Request-Id"))
		}
		p := e.do("GET", "/nowhere", "", "", "X-Request-Id", "trace-9").problem(404, hub.ENotFound, "")
		if p.RequestID != "trace-9" {
			t.Fatalf("problem request_id %q", p.RequestID)
		}
	})
	t.Run("hostile request id is replaced", func(t *testing.T) {
		r := e.do("GET", "/healthz", "", "", "X-Request-Id", strings.Repeat("a", 500))
		if got := r.h.Get("X-Request-Id"); got == "" || len(got) > 128 {
			t.Fatalf("X-Request-Id %q", got)
		}
	})
	t.Run("health and readiness", func(t *testing.T) {
		e.do("GET", "/healthz", "", "").status(http.StatusOK)
		e.do("GET", "/readyz", "", "").status(http.StatusOK)
	})
	t.Run("metrics count requests by route", func(t *testing.T) {
		r := e.do("GET", "/metrics", "", "").status(http.StatusOK)
		if !strings.Contains(string(r.body), `visage_http_requests_total{method="GET",route="/healthz",status="200"}`) {
			t.Fatalf("metrics lack the healthz counter:\n%s", r.body)
		}
	})
}

func TestReadyzWhenDatabaseIsGone(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	e := newEnv(t, st)
	st.Close()
	e.do("GET", "/readyz", "", "").problem(http.StatusServiceUnavailable, hub.EUnavailable, "")
}

func TestRateLimit(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	e := newEnv(t, st, func(c *config.Config) { c.RateLimit = 3; c.RateWindow = time.Hour })
	plain, _ := e.key("limited")
	other, _ := e.key("other")
	for i := 1; i <= 3; i++ {
		r := e.do("GET", "/v1/me", plain, "").status(http.StatusOK)
		if got := r.h.Get("RateLimit-Remaining"); got != strconv.Itoa(3-i) {
			t.Fatalf("request %d: RateLimit-Remaining %q", i, got)
		}
		if r.h.Get("RateLimit-Limit") != "3" || r.h.Get("RateLimit-Reset") == "" {
			t.Fatalf("RateLimit headers: %v", r.h)
		}
	}
	r := e.do("GET", "/v1/me", plain, "")
	r.problem(http.StatusTooManyRequests, hub.ERateLimited, "")
	if ra, err := strconv.Atoi(r.h.Get("Retry-After")); err != nil || ra < 1 || ra > 3600 {
		t.Fatalf("Retry-After %q", r.h.Get("Retry-After"))
	}
	e.do("GET", "/v1/me", other, "").status(http.StatusOK)
}

// TestSignInLink is the newcomer's path in the page: the one-time link
// signs the browser in (a session cookie, then the settings page), the page
// creates a key, and the key works against the API.
func TestSignInLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		links := &auth.Links{Store: st, Signer: e.signer, PublicURL: "http://hub.test", LinkTTL: time.Hour, TokenTTL: time.Hour}
		link, err := links.NewLink(context.Background(), e.acct.ID, hub.RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link, "http://hub.test/settings/login?token=") {
			t.Fatalf("link %q", link)
		}
		path := strings.TrimPrefix(link, "http://hub.test")
		r := e.send(httptest.NewRequest("GET", path, nil)).status(http.StatusSeeOther)
		if loc := r.h.Get("Location"); loc != "/settings" {
			t.Fatalf("Location %q, want /settings", loc)
		}
		res := http.Response{Header: r.h}
		var session *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "visage_session" {
				session = c
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Value == "" {
			t.Fatalf("session cookie %+v from %v", session, r.h.Values("Set-Cookie"))
		}
		get := httptest.NewRequest("GET", "/settings", nil)
		get.AddCookie(session)
		page := e.send(get).status(http.StatusOK)
		if !strings.Contains(string(page.body), "No API keys yet") {
			t.Fatalf("settings page: %s", page.body)
		}
		csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(page.body)
		if csrf == nil {
			t.Fatalf("no CSRF token in %s", page.body)
		}
		post := httptest.NewRequest("POST", "/settings/api-keys", strings.NewReader(url.Values{"csrf_token": {string(csrf[1])}, "label": {"from link"}}.Encode()))
		post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		post.AddCookie(session)
		created := e.send(post).status(http.StatusCreated)
		key := regexp.MustCompile(`id="new-key"[^>]*value="(vsk_[0-9A-Za-z]+)"`).FindSubmatch(created.body)
		if key == nil {
			t.Fatalf("no key on the page: %s", created.body)
		}
		e.do("GET", "/v1/me", string(key[1]), "").status(http.StatusOK)
		t.Run("second use is refused", func(t *testing.T) {
			r := e.send(httptest.NewRequest("GET", path, nil)).status(http.StatusUnauthorized)
			if !strings.HasPrefix(r.h.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "sign-in link does not work") {
				t.Fatalf("second use: %s %s", r.h.Get("Content-Type"), r.body)
			}
		})
		t.Run("exchange endpoint validates", func(t *testing.T) {
			e.do("POST", "/v1/auth/exchange", "", `{}`).problem(http.StatusUnprocessableEntity, hub.EInvalid, "token")
			e.do("POST", "/v1/auth/exchange", "", `{"token":"nope"}`).problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
		t.Run("exchange endpoint still mints a token for API clients", func(t *testing.T) {
			link, err := links.NewLink(context.Background(), e.acct.ID, hub.RoleAdmin)
			if err != nil {
				t.Fatal(err)
			}
			tok, _ := url.Parse(link)
			var out struct {
				AccessToken string `json:"access_token"`
			}
			e.do("POST", "/v1/auth/exchange", "", `{"token":"`+tok.Query().Get("token")+`"}`).status(http.StatusOK).decode(&out)
			e.do("POST", "/v1/api-keys", out.AccessToken, `{"label":"from exchange"}`).status(http.StatusCreated)
		})
	})
}
