package httpapi_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/resume"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// fileServer is a loopback server of resume files that counts requests
// and the bytes it managed to send.
type fileServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
	sent map[string]int64
}

func newFileServer(t *testing.T) *fileServer {
	t.Helper()
	pdf := resume.GeneratePDF("Amara Okafor", []string{"Senior Backend Engineer"})
	docx := buildTestDOCX(t)
	fs := &fileServer{hits: map[string]int{}, sent: map[string]int64{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.hits[r.URL.Path]++
		fs.mu.Unlock()
		count := func(n int64) {
			fs.mu.Lock()
			fs.sent[r.URL.Path] += n
			fs.mu.Unlock()
		}
		switch r.URL.Path {
		case "/files/cv.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = w.Write(pdf)
		case "/download":
			w.Header().Set("Content-Disposition", `attachment; filename="Amara Okafor CV.docx"`)
			_, _ = w.Write(docx)
		case "/files/amara okafor.docx":
			_, _ = w.Write(docx)
		case "/declared-large":
			w.Header().Set("Content-Length", strconv.Itoa(resume.MaxSize+1))
			n, _ := w.Write(pdf)
			count(int64(n))
		case "/endless":
			// No Content-Length: the client must stop reading at the cap.
			chunk := bytes.Repeat([]byte("a"), 64<<10)
			for range 1600 { // 100 MiB if nobody stops reading
				n, err := w.Write(chunk)
				count(int64(n))
				if err != nil {
					return
				}
			}
		case "/program.exe":
			_, _ = w.Write(buildTestPE())
		case "/empty":
		case "/moved":
			http.Redirect(w, r, "/files/cv.pdf", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fileServer) hitCount(path string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.hits[path]
}

func (fs *fileServer) sentBytes(path string) int64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.sent[path]
}

func TestAttachResume(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		// The test's file server is on loopback, which the operator allows
		// here exactly as for webhook receivers in development.
		e := newEnv(t, st, func(c *config.Config) { c.AllowPrivateTargets = "127.0.0.0/8" })
		fs := newFileServer(t)
		key, _ := e.key("zapier")
		cand, err := e.st.CreateCandidate(t.Context(), e.acct.ID, hub.Candidate{FullName: "Amara Okafor"})
		if err != nil {
			t.Fatal(err)
		}
		attach := func(body string) func() resp {
			return func() resp { return e.do("POST", "/v1/actions/attach_resume", key, body) }
		}
		input := func(url, filename string) string {
			s := `{"candidate_id":"` + cand.ID + `","file_url":"` + url + `"`
			if filename != "" {
				s += `,"filename":"` + filename + `"`
			}
			return s + `}`
		}

		for _, tc := range []struct {
			name, url, filename, wantName, wantType string
		}{
			{"name from the URL", fs.URL + "/files/cv.pdf", "", "cv.pdf", "application/pdf"},
			{"name from Content-Disposition", fs.URL + "/download?id=7", "", "Amara Okafor CV.docx",
				"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
			{"name from the decoded URL path", fs.URL + "/files/amara%20okafor.docx", "", "amara okafor.docx",
				"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
			{"name from the input, made truthful and safe", fs.URL + "/download", "../../evil.exe", "evil.docx",
				"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, _ := e.candCheck(attach(input(tc.url, tc.filename)), http.StatusOK, hub.EventCandidateUpdated)
				if got.Resume == nil || got.Resume.Filename != tc.wantName || got.Resume.ContentType != tc.wantType || got.Resume.URL == "" {
					t.Fatalf("resume %+v, want %s as %s with a link", got.Resume, tc.wantName, tc.wantType)
				}
				file := e.fetch("/v1/candidates/"+cand.ID+"/resume", key).status(http.StatusOK)
				if int64(len(file.body)) != got.Resume.Size {
					t.Fatalf("stored %d bytes, resume says %d", len(file.body), got.Resume.Size)
				}
			})
		}
		t.Run("the same file again changes nothing", func(t *testing.T) {
			e.candCheck(attach(input(fs.URL+"/download", "../../evil.exe")), http.StatusOK)
		})

		otherAcct, _ := e.candOther()
		foreign, err := e.st.CreateCandidate(t.Context(), otherAcct, hub.Candidate{FullName: "Other Person"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, body string
			status     int
			code       hub.Code
			field      string
		}{
			{"a 404 from the file server", input(fs.URL+"/missing.pdf", ""), 422, hub.EInvalid, "file_url"},
			{"a redirect", input(fs.URL+"/moved", ""), 422, hub.EInvalid, "file_url"},
			{"an empty file", input(fs.URL+"/empty", ""), 422, hub.EInvalid, "file_url"},
			{"an executable", input(fs.URL+"/program.exe", ""), 415, hub.EUnsupported, "file_url"},
			{"a declared size over 10 MiB", input(fs.URL+"/declared-large", ""), 413, hub.ETooLarge, "file_url"},
			{"an endless download", input(fs.URL+"/endless", ""), 413, hub.ETooLarge, "file_url"},
			{"a closed port", input("http://127.0.0.1:1/cv.pdf", ""), 422, hub.EInvalid, "file_url"},
			{"a private address under the policy", input("http://10.1.2.3/cv.pdf", ""), 422, hub.EInvalid, "file_url"},
			{"not a URL", input("cv.pdf", ""), 422, hub.EInvalid, "file_url"},
			{"ftp", input("ftp://files.example.com/cv.pdf", ""), 422, hub.EInvalid, "file_url"},
			{"URL too long", input("https://files.example.com/"+strings.Repeat("a", 2048), ""), 422, hub.EInvalid, "file_url"},
			{"missing file_url", `{"candidate_id":"` + cand.ID + `"}`, 422, hub.EInvalid, "file_url"},
			{"unknown candidate", `{"candidate_id":"` + hub.NewID(hub.PrefixCand) + `","file_url":"` + fs.URL + `/files/cv.pdf"}`, 404, hub.ENotFound, ""},
			{"another account's candidate", `{"candidate_id":"` + foreign.ID + `","file_url":"` + fs.URL + `/files/cv.pdf"}`, 404, hub.ENotFound, ""},
			{"filename too long", input(fs.URL+"/files/cv.pdf", strings.Repeat("n", 256)), 422, hub.EInvalid, "filename"},
			{"filename wrong type", `{"candidate_id":"` + cand.ID + `","file_url":"` + fs.URL + `/files/cv.pdf","filename":3}`, 422, hub.EInvalid, "filename"},
		} {
			t.Run("refuses "+tc.name, func(t *testing.T) {
				e.candFail(attach(tc.body), tc.status, tc.code, tc.field)
			})
		}
		t.Run("the endless download was cut off near the cap", func(t *testing.T) {
			// Socket buffers let the server get ahead of the reader by a few
			// MiB at most; reading on would have taken all 100 MiB.
			t.Logf("the server sent %d bytes", fs.sentBytes("/endless"))
			if sent := fs.sentBytes("/endless"); sent > resume.MaxSize+16<<20 {
				t.Fatalf("the server sent %d bytes; the client kept reading past the cap", sent)
			}
		})
		t.Run("unknown candidates are refused before any download", func(t *testing.T) {
			if n := fs.hitCount("/files/cv.pdf"); n != 1 {
				t.Fatalf("/files/cv.pdf fetched %d times, want only the first success", n)
			}
		})
		t.Run("failed attempts kept the resume", func(t *testing.T) {
			got, err := e.st.GetCandidate(t.Context(), e.acct.ID, cand.ID)
			if err != nil || got.Resume == nil || got.Resume.Filename != "evil.docx" {
				t.Fatalf("candidate %+v, %v", got.Resume, err)
			}
		})
	})
}

// TestAttachResumeDefaultPolicy checks that, without an operator
// allow-list, loopback and private file URLs are refused from the URL alone:
// the loopback server never sees a request.
func TestAttachResumeDefaultPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		fs := newFileServer(t)
		key, _ := e.key("zapier")
		cand, err := e.st.CreateCandidate(t.Context(), e.acct.ID, hub.Candidate{FullName: "Amara Okafor"})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{
			fs.URL + "/files/cv.pdf",            // loopback over http
			"https://127.0.0.1/files/cv.pdf",    // loopback
			"https://10.0.0.5/cv.pdf",           // private
			"https://169.254.169.254/latest",    // cloud metadata
			"https://[::1]/cv.pdf",              // IPv6 loopback
			"https://2130706433/cv.pdf",         // 127.0.0.1 spelled as a number
			"https://user:pw@example.com/a.pdf", // credentials
		} {
			t.Run(u, func(t *testing.T) {
				p := e.candFail(func() resp {
					return e.do("POST", "/v1/actions/attach_resume", key, `{"candidate_id":"`+cand.ID+`","file_url":"`+u+`"}`)
				}, 422, hub.EInvalid, "file_url")
				if !strings.Contains(p.Detail, "not allowed") {
					t.Fatalf("detail %q does not say the address is not allowed", p.Detail)
				}
			})
		}
		if n := fs.hitCount("/files/cv.pdf"); n != 0 {
			t.Fatalf("the loopback server was reached %d times", n)
		}
	})
}
