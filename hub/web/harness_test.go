package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/hub/web"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// The real store is what the pages run on.
var _ web.Store = (*store.Store)(nil)

var testSecret = []byte("test-secret-that-is-long-enough-for-hs256!")

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// env is a hub (the full HTTP API with its route table, so the pages are
// tested as they are registered) on a real database, with one account.
type env struct {
	t    *testing.T
	st   *store.Store
	app  *fiber.App
	acct hub.Account
	d    *dispatch.Dispatcher
}

// loopbackOnly is the test hub's SSRF policy: private targets are allowed
// for loopback receivers only.
const loopbackOnly = "127.0.0.0/8"

// newDispatcher is a dispatcher for loopback receivers with a fast retry,
// so a failed delivery is retried within the test.
func newDispatcher(t *testing.T, st *store.Store) *dispatch.Dispatcher {
	t.Helper()
	pol, err := ssrf.ParsePolicy(loopbackOnly)
	if err != nil {
		t.Fatal(err)
	}
	return dispatch.New(st, dispatch.Options{Policy: pol, Logger: quietLogger(), AttemptTimeout: 3 * time.Second,
		Tick: 50 * time.Millisecond, Schedule: dispatch.Schedule{Delays: []time.Duration{10 * time.Millisecond}}})
}

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	cfg := config.Default()
	cfg.PublicURL = "http://hub.test"
	cfg.AllowPrivateTargets = loopbackOnly
	if err := st.EnableAuthCache(context.Background(), store.AuthCacheOptions{}); err != nil {
		t.Fatal(err)
	}
	d := newDispatcher(t, st)
	srv := httpapi.New(httpapi.Deps{Config: cfg, Store: st, Logger: quietLogger(), Secret: testSecret, Dispatcher: d})
	e := newEnvApp(t, st, srv.App())
	e.d = d
	return e
}

// runDispatcher sends queued deliveries until the test ends.
func (e *env) runDispatcher() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.d.Run(ctx) }()
	e.t.Cleanup(func() { cancel(); <-done })
}

func newEnvApp(t *testing.T, st *store.Store, app *fiber.App) *env {
	t.Helper()
	acct, err := st.CreateAccount(context.Background(), "Acme Recruiting")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, st: st, app: app, acct: acct}
}

func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) { fn(t, newEnv(t, st)) })
}

// link stores a one-time sign-in token and returns the path that uses it.
func (e *env) link(accountID string, role hub.Role, ttl time.Duration) string {
	e.t.Helper()
	tok, err := hub.RandomToken(40)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.CreateLoginToken(context.Background(), accountID, role, hub.HashAPIKey(tok), time.Now().Add(ttl)); err != nil {
		e.t.Fatal(err)
	}
	return web.PathLogin + "?token=" + url.QueryEscape(tok)
}

// browser is one signed-in browser: it keeps the session cookie.
type browser struct {
	e      *env
	cookie *http.Cookie
}

// signIn follows a fresh sign-in link for the role and returns the browser.
func (e *env) signIn(role hub.Role) *browser {
	e.t.Helper()
	b := &browser{e: e}
	r := b.get(e.link(e.acct.ID, role, time.Hour)).status(http.StatusSeeOther)
	if r.h.Get("Location") != web.PathSettings {
		e.t.Fatalf("sign-in redirected to %q", r.h.Get("Location"))
	}
	b.cookie = sessionCookie(r.h)
	if b.cookie == nil || b.cookie.Value == "" {
		e.t.Fatalf("no session cookie in %v", r.h.Values("Set-Cookie"))
	}
	return b
}

func sessionCookie(h http.Header) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "visage_session" || c.Name == "__Host-visage_session" {
			return c
		}
	}
	return nil
}

type resp struct {
	t    *testing.T
	code int
	h    http.Header
	body string
}

func (b *browser) send(req *http.Request) resp {
	b.e.t.Helper()
	if b.cookie != nil {
		req.AddCookie(&http.Cookie{Name: b.cookie.Name, Value: b.cookie.Value})
	}
	res, err := b.e.app.Test(req, 30_000)
	if err != nil {
		b.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return resp{t: b.e.t, code: res.StatusCode, h: res.Header, body: string(body)}
}

func (b *browser) get(path string) resp {
	b.e.t.Helper()
	return b.send(httptest.NewRequest("GET", path, nil))
}

// post sends a form, as the page's own forms do.
func (b *browser) post(path string, form url.Values, headers ...string) resp {
	b.e.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.send(req)
}

// csrf reads the CSRF token from the settings page, as a form would.
func (b *browser) csrf() string {
	b.e.t.Helper()
	return b.get(web.PathSettings).status(http.StatusOK).field("csrf_token")
}

// createKey creates a key through the page and returns its plaintext.
func (b *browser) createKey(label string) string {
	b.e.t.Helper()
	return newKey(b.e.t, b.post(web.PathKeys, url.Values{"csrf_token": {b.csrf()}, "label": {label}}).status(http.StatusCreated))
}

// newKey reads the full key from the page that shows it once.
func newKey(t *testing.T, r resp) string {
	t.Helper()
	m := regexp.MustCompile(`id="new-key"[^>]*value="(vsk_[0-9A-Za-z]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no key on the created page: %s", r.body)
	}
	return m[1]
}

func (r resp) status(want int) resp {
	r.t.Helper()
	if r.code != want {
		r.t.Fatalf("status %d, want %d; body: %s", r.code, want, r.body)
	}
	return r
}

// html checks the response is an HTML page with the page security headers.
func (r resp) html() resp {
	r.t.Helper()
	if ct := r.h.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		r.t.Fatalf("content type %q, want text/html; body %s", ct, r.body)
	}
	for h, want := range map[string]string{
		"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
	} {
		if got := r.h.Get(h); got != want {
			r.t.Fatalf("%s = %q, want %q", h, got, want)
		}
	}
	csp := r.h.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, part) {
			r.t.Fatalf("CSP %q lacks %q", csp, part)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || regexp.MustCompile(`<script>|<script [^>]*>[^<]`).MatchString(r.body) || strings.Contains(r.body, " onclick=") {
		r.t.Fatalf("inline script on the page or allowed by CSP %q", csp)
	}
	if !strings.Contains(r.body, `<html lang="en">`) {
		r.t.Fatal("page has no lang")
	}
	return r
}

func (r resp) contains(parts ...string) resp {
	r.t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			r.t.Fatalf("page lacks %q:\n%s", p, r.body)
		}
	}
	return r
}

func (r resp) lacks(parts ...string) resp {
	r.t.Helper()
	for _, p := range parts {
		if strings.Contains(r.body, p) {
			r.t.Fatalf("page has %q but must not:\n%s", p, r.body)
		}
	}
	return r
}

// field returns the value of the first input with the given name.
func (r resp) field(name string) string {
	r.t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(r.body)
	if m == nil {
		r.t.Fatalf("no field %q in %s", name, r.body)
	}
	return m[1]
}

// signedOut checks the response sends the browser to the signed-out page.
func (r resp) signedOut() resp {
	r.t.Helper()
	r.status(http.StatusSeeOther)
	if loc := r.h.Get("Location"); !strings.HasPrefix(loc, web.PathSignedOut) {
		r.t.Fatalf("Location %q, want the signed-out page", loc)
	}
	return r
}
