package httpapi_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/resume"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestResumeLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		key, _ := e.key("zap")
		pdf := resume.GeneratePDF("A", nil)
		upload := func(e *env) (hub.Candidate, string) {
			var c hub.Candidate
			e.do("POST", "/v1/candidates", key, `{"full_name":"A"}`).status(http.StatusCreated).decode(&c)
			e.upload("/v1/candidates/"+c.ID+"/resume", key, pdf, "application/pdf").status(http.StatusOK).decode(&c)
			return c, linkPath(t, c.Resume.URL)
		}
		a, linkA := upload(e)
		b, linkB := upload(e)

		t.Run("valid links work without credentials", func(t *testing.T) {
			e.fetch(linkA, "").status(http.StatusOK)
			e.fetch(linkB, "").status(http.StatusOK)
		})
		u, _ := url.Parse(linkA)
		q := u.Query()
		exp, sig := q.Get("exp"), q.Get("sig")
		t.Run("links last the configured 7 days", func(t *testing.T) {
			n, err := strconv.ParseInt(exp, 10, 64)
			if left := time.Until(time.Unix(n, 0)); err != nil || left < 167*time.Hour || left > 168*time.Hour {
				t.Fatalf("exp %s is %v away", exp, left)
			}
		})
		pathA := "/v1/candidates/" + a.ID + "/resume"
		for name, link := range map[string]string{
			"tampered signature":      pathA + "?exp=" + exp + "&sig=" + strings.Repeat("A", len(sig)),
			"extended expiry":         pathA + "?exp=" + exp + "9&sig=" + sig,
			"another candidate":       "/v1/candidates/" + b.ID + "/resume?exp=" + exp + "&sig=" + sig,
			"signature only":          pathA + "?sig=" + sig,
			"expiry only":             pathA + "?exp=" + exp,
			"non-numeric expiry":      pathA + "?exp=soon&sig=" + sig,
			"credentials do not help": pathA + "?exp=" + exp + "&sig=x",
		} {
			t.Run(name, func(t *testing.T) {
				cred := ""
				if name == "credentials do not help" {
					cred = key
				}
				e.fetch(link, cred).problem(http.StatusForbidden, hub.EForbidden, "")
			})
		}
		t.Run("expired link", func(t *testing.T) {
			// A second server on the same database whose links expire
			// before they are made. It installs its own decorator on the
			// store, so nothing after this writes events.
			short := newEnv(t, st, func(c *config.Config) { c.ResumeLinkTTL = -time.Minute })
			var c hub.Candidate
			short.do("GET", "/v1/candidates/"+a.ID, key, "").status(http.StatusOK).decode(&c)
			expired := linkPath(t, c.Resume.URL)
			short.fetch(expired, "").problem(http.StatusForbidden, hub.EForbidden, "")
			e.fetch(expired, "").problem(http.StatusForbidden, hub.EForbidden, "")
		})
		t.Run("ResumeLinker makes links the server accepts", func(t *testing.T) {
			cfg := config.Default()
			cfg.PublicURL = "http://hub.test"
			c := hub.Candidate{ID: a.ID, Resume: &hub.ResumeInfo{Filename: "a.pdf"}}
			httpapi.ResumeLinker(cfg, testSecret)(&c)
			r := e.fetch(linkPath(t, c.Resume.URL), "").status(http.StatusOK)
			if !bytes.Equal(r.body, pdf) {
				t.Fatal("the bytes differ")
			}
			wrong := hub.Candidate{ID: a.ID, Resume: &hub.ResumeInfo{}}
			httpapi.ResumeLinker(cfg, []byte("another-secret-another-secret-another!"))(&wrong)
			e.fetch(linkPath(t, wrong.Resume.URL), "").problem(http.StatusForbidden, hub.EForbidden, "")
		})
	})
}
