package web_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/auth"
	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/hub/web"
)

const chromiumPath = "/usr/bin/chromium"

// liveHub is a hub serving HTTP on a loopback port, for a real browser.
type liveHub struct {
	base string
	e    *env
}

func startLiveHub(t *testing.T) *liveHub {
	t.Helper()
	st := storetest.Open(t, store.SQLite)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := config.Default()
	cfg.PublicURL = base
	cfg.AllowPrivateTargets = loopbackOnly
	if err := st.EnableAuthCache(context.Background(), store.AuthCacheOptions{}); err != nil {
		t.Fatal(err)
	}
	d := newDispatcher(t, st)
	srv := httpapi.New(httpapi.Deps{Config: cfg, Store: st, Logger: quietLogger(), Secret: testSecret, Dispatcher: d})
	done := make(chan error, 1)
	go func() { done <- srv.App().Listener(ln) }()
	t.Cleanup(func() {
		if err := srv.App().ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-done
	})
	e := newEnvApp(t, st, srv.App())
	e.d = d
	e.runDispatcher()
	return &liveHub{base: base, e: e}
}

// printedLink is the sign-in link exactly as `visage-hub login-link`
// prints it (the same auth.Links code), for this hub's public URL.
func (h *liveHub) printedLink(t *testing.T, role hub.Role) string {
	t.Helper()
	l := &auth.Links{Store: h.e.st, PublicURL: h.base, LinkTTL: time.Hour}
	link, err := l.NewLink(context.Background(), h.e.acct.ID, role)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// apiStatus calls /v1/me with key over the loopback network, as an
// integration would.
func (h *liveHub) apiStatus(t *testing.T, key string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", h.base+"/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// newBrowser starts headless Chromium with a fresh profile and every
// background feature that could reach the network turned off; host names
// other than loopback do not even resolve.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs %s for the browser test (.ci/run installs Debian's chromium): %v", chromiumPath, err)
		}
		t.Skipf("\n\n*** SKIPPING the browser test: %s is missing. Install it with `apt-get install -y chromium`. ***\n\n", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// screenshotDir is $VISAGE_ARTIFACTS/screenshots, or artifacts/screenshots
// at the repository root (ignored by git). Old screenshots are removed, so
// the directory shows this run only.
func screenshotDir(t *testing.T) string {
	t.Helper()
	if a := os.Getenv("VISAGE_ARTIFACTS"); a != "" {
		return freshDir(t, filepath.Join(a, "screenshots"))
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
	return freshDir(t, filepath.Join(dir, "artifacts", "screenshots"))
}

func freshDir(t *testing.T, dir string) string {
	t.Helper()
	old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shoot saves full-page screenshots of the current page on a phone-sized
// and a desktop-sized viewport, and checks nothing overflows sideways on
// the phone.
func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	for _, w := range []int64{390, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 844)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
			t.Fatal(err)
		}
		if w == 390 {
			sw := evaluate[int](t, ctx, `document.documentElement.scrollWidth`)
			if sw > 390 {
				t.Errorf("%s is %dpx wide on a 390px screen: it scrolls sideways", name, sw)
			}
		}
	}
}

func evaluate[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// click clicks sel and waits for the page it leads to; it returns that
// page's HTTP status.
func click(t *testing.T, ctx context.Context, sel string) int64 {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	return res.Status
}

func visit(t *testing.T, ctx context.Context, u string) int64 {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	return res.Status
}

func pathOf(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

func bodyText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return evaluate[string](t, ctx, `document.body.innerText`)
}

// TestBrowserEndToEnd walks the seed's "Setting It Up" steps in a real
// browser: sign in with the printed link, create a key, copy it, use it,
// revoke it, see the API refuse it, set up a webhook (browseWebhooks), sign
// out, and look at the page as a member.
func TestBrowserEndToEnd(t *testing.T) {
	ctx := newBrowser(t)
	h := startLiveHub(t)
	dir := screenshotDir(t)
	e := h.e

	if st := visit(t, ctx, h.printedLink(t, hub.RoleAdmin)); st != http.StatusOK || pathOf(t, ctx) != web.PathSettings {
		t.Fatalf("sign-in link: status %d at %s", st, pathOf(t, ctx))
	}
	if !strings.Contains(bodyText(t, ctx), "No API keys yet — create one to connect Zapier, Make, n8n or your own code") {
		t.Fatalf("no empty state: %s", bodyText(t, ctx))
	}
	if bg := evaluate[string](t, ctx, `getComputedStyle(document.querySelector('.logo')).backgroundColor`); bg != "rgb(67, 56, 202)" {
		t.Fatalf("the stylesheet did not apply (logo background %q)", bg)
	}
	shoot(t, ctx, dir, "01-settings-empty")

	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#label"), "Zapier – new candidates")); err != nil {
		t.Fatal(err)
	}
	if st := click(t, ctx, "form.create button[type=submit]"); st != http.StatusCreated {
		t.Fatalf("create: status %d", st)
	}
	key, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#new-key")))
	if err != nil || !hub.LooksLikeAPIKey(key) {
		t.Fatalf("key on the page %q: %v", key, err)
	}
	if !strings.Contains(bodyText(t, ctx), "Copy it now — it will not be shown again") {
		t.Fatal("no warning next to the key")
	}
	if evaluate[bool](t, ctx, `document.querySelector('[data-copy]').hidden`) {
		t.Fatal("the page script did not run: the Copy button is still hidden")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("[data-copy]"))); err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise(function (done) {
		var el = document.getElementById('copy-status');
		if (el.textContent) { return done(el.textContent); }
		new MutationObserver(function (_, o) { if (el.textContent) { o.disconnect(); done(el.textContent); } })
			.observe(el, {childList: true, characterData: true, subtree: true});
	})`, chromedp.EvalAwaitPromise))
	if err != nil || status == "" {
		t.Fatalf("copy status %q: %v", status, err)
	}
	t.Logf("copy button said: %s", status)
	shoot(t, ctx, dir, "02-key-created")

	if st := h.apiStatus(t, key); st != http.StatusOK {
		t.Fatalf("/v1/me with the new key: %d", st)
	}

	if st := click(t, ctx, `a[href="/settings#api-keys"]`); st != http.StatusOK {
		t.Fatalf("back to the list: %d", st)
	}
	text := bodyText(t, ctx)
	if !strings.Contains(text, "Zapier – new candidates") || strings.Contains(text, key) {
		t.Fatalf("list after create: %s", text)
	}
	shoot(t, ctx, dir, "03-settings-one-key")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if d := evaluate[string](t, ctx, `getComputedStyle(document.querySelector('table.keys tbody tr')).display`); d != "block" {
		t.Fatalf("on a phone the key table rows are %q, want stacked cards", d)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}

	if st := click(t, ctx, `a[href$="/revoke"]`); st != http.StatusOK || !strings.HasSuffix(pathOf(t, ctx), "/revoke") {
		t.Fatalf("revoke link: %d at %s", st, pathOf(t, ctx))
	}
	shoot(t, ctx, dir, "04-revoke-confirm")
	if st := h.apiStatus(t, key); st != http.StatusOK {
		t.Fatalf("the confirmation page revoked the key: %d", st)
	}
	if st := click(t, ctx, "button.danger"); st != http.StatusOK || pathOf(t, ctx) != web.PathSettings {
		t.Fatalf("revoke: %d at %s", st, pathOf(t, ctx))
	}
	if !strings.Contains(bodyText(t, ctx), "is revoked") {
		t.Fatalf("no confirmation of the revocation: %s", bodyText(t, ctx))
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details.revoked-list summary"))); err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, dir, "05-settings-revoked")
	if st := h.apiStatus(t, key); st != http.StatusUnauthorized {
		t.Fatalf("/v1/me with the revoked key: %d, want 401", st)
	}

	hookID := browseWebhooks(t, ctx, h, dir)

	if st := click(t, ctx, "form.signout button"); st != http.StatusOK || pathOf(t, ctx) != web.PathSignedOut {
		t.Fatalf("sign out: %d at %s", st, pathOf(t, ctx))
	}
	shoot(t, ctx, dir, "14-signed-out")
	// Keyboard: on a fresh page the first Tab lands on the skip link.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	if cls := evaluate[string](t, ctx, `document.activeElement.className`); cls != "skip" {
		t.Errorf("first Tab focused %q, want the skip link", cls)
	}
	visit(t, ctx, h.base+web.PathSettings)
	if pathOf(t, ctx) != web.PathSignedOut {
		t.Fatalf("after sign-out /settings showed %s", pathOf(t, ctx))
	}

	used := e.link(e.acct.ID, hub.RoleAdmin, time.Hour)
	(&browser{e: e}).get(used).status(http.StatusSeeOther)
	if st := visit(t, ctx, h.base+used); st != http.StatusUnauthorized {
		t.Fatalf("used link: %d", st)
	}
	shoot(t, ctx, dir, "15-link-used")

	// A member's view of a busy account: the keys, no controls.
	for i := 0; i < 6; i++ {
		k, _, err := hub.NewAPIKey(e.acct.ID, []string{"Make – ATS sync", "n8n self-hosted", "", "BI dashboard", "Greenhouse export", "Teams alerts"}[i], "login-link")
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			k.LastUsedAt = hub.TimeOf(time.Now().Add(-time.Duration(i*7) * time.Minute))
		}
		if i == 4 {
			k.RevokedAt = hub.Now()
		}
		if err := e.st.CreateAPIKey(context.Background(), k); err != nil {
			t.Fatal(err)
		}
	}
	visit(t, ctx, h.base+e.link(e.acct.ID, hub.RoleMember, time.Hour))
	if n := evaluate[int](t, ctx, `document.querySelectorAll('a[href$="/revoke"], form.create').length`); n != 0 {
		t.Fatalf("a member sees %d management controls", n)
	}
	shoot(t, ctx, dir, "16-member-view")
	visit(t, ctx, h.base+web.PathWebhooks+"/"+hookID)
	if n := evaluate[int](t, ctx, `document.querySelectorAll('main form').length`); n != 0 {
		t.Fatalf("a member sees %d forms on the webhook page", n)
	}
	shoot(t, ctx, dir, "17-member-webhook")
	if st := visit(t, ctx, h.base+web.PathWebhooks+"/"+hookID+"/delete"); st != http.StatusForbidden {
		t.Fatalf("a member opened the delete confirmation: %d", st)
	}
	shoot(t, ctx, dir, "18-member-forbidden")
	if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Logf("closing chromium: %v", err)
	}
}
