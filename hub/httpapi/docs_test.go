package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestDocsPage(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	page := e.do("GET", "/docs", "", "").status(http.StatusOK)
	html := string(page.body)

	t.Run("is HTML pointing the renderer at /openapi.json", func(t *testing.T) {
		if ct := page.h.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("content type %q", ct)
		}
		if !strings.Contains(html, `spec-url="/openapi.json"`) {
			t.Fatalf("page does not load /openapi.json:\n%s", html)
		}
	})
	refs := regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(html, -1)
	t.Run("references only local files", func(t *testing.T) {
		if len(refs) == 0 {
			t.Fatal("no src or href found")
		}
		for _, m := range refs {
			u := m[1]
			if strings.Contains(u, "//") || strings.HasPrefix(strings.ToLower(u), "http") {
				t.Errorf("page references %q", u)
			}
		}
		if regexp.MustCompile(`(?i)https?://`).MatchString(html) {
			t.Errorf("page mentions an absolute URL:\n%s", html)
		}
	})
	t.Run("policy keeps the browser on the hub", func(t *testing.T) {
		csp := page.h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") ||
			!strings.Contains(csp, "img-src 'self' data:") || strings.Contains(csp, "http") {
			t.Fatalf("Content-Security-Policy %q", csp)
		}
	})
	t.Run("the renderer is served from the binary, cached for a year", func(t *testing.T) {
		var script string
		for _, m := range refs {
			if strings.HasPrefix(m[1], "/docs/assets/") && strings.Contains(m[1], ".js") {
				script = m[1]
			}
		}
		if script == "" {
			t.Fatalf("no script under /docs/assets/ in:\n%s", html)
		}
		want, err := os.ReadFile("assets/redoc.standalone.js")
		if err != nil {
			t.Fatal(err)
		}
		r := e.do("GET", script, "", "").status(http.StatusOK)
		if !bytes.Equal(r.body, want) {
			t.Fatalf("served %d bytes, the checked-in bundle has %d", len(r.body), len(want))
		}
		if ct := r.h.Get("Content-Type"); !strings.Contains(ct, "javascript") {
			t.Fatalf("content type %q", ct)
		}
		if cc := r.h.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
			t.Fatalf("Cache-Control %q", cc)
		}
		gz := e.do("GET", script, "", "", "Accept-Encoding", "gzip").status(http.StatusOK)
		if gz.h.Get("Content-Encoding") != "gzip" || len(gz.body) >= len(want)/2 {
			t.Fatalf("gzip: encoding %q, %d bytes", gz.h.Get("Content-Encoding"), len(gz.body))
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz.body))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(plain, want) {
			t.Fatalf("gzip body does not decompress to the bundle (%v)", err)
		}
		e.do("GET", script, "", "", "If-None-Match", r.h.Get("ETag")).status(http.StatusNotModified)
	})
	t.Run("its licences are served beside it", func(t *testing.T) {
		for _, name := range []string{"LICENSE", "redoc.standalone.js.LICENSE.txt"} {
			r := e.do("GET", "/docs/assets/"+name, "", "").status(http.StatusOK)
			if !strings.Contains(string(r.body), "MIT") {
				t.Fatalf("%s: %s", name, r.body)
			}
		}
	})
	t.Run("other names are not found", func(t *testing.T) {
		for _, name := range []string{"nothing.js", "..%2Fdocs.go", "VERSION"} {
			e.do("GET", "/docs/assets/"+name, "", "").problem(http.StatusNotFound, hub.ENotFound, "")
		}
	})
}
