package httpapi_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
)

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// buildTestDOCX is the smallest Word package: content types, the package
// relationship and the main document part.
func buildTestDOCX(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
			`<w:body><w:p><w:r><w:t>Zoë Šimek, Senior Engineer</w:t></w:r></w:p></w:body></w:document>`},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// buildTestPE is a DOS header pointing at a PE header: a Windows program.
func buildTestPE() []byte {
	b := make([]byte, 0x200)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3C:], 0x80)
	copy(b[0x40:], "This program cannot be run in DOS mode.\r\r\n$")
	copy(b[0x80:], "PE\x00\x00")
	return b
}

// buildTestZip is a plain zip archive holding a text file.
func buildTestZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("notes.txt")
	_, _ = w.Write([]byte("hello"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// multipartBody builds a form with one part named field whose
// Content-Disposition filename is given raw (not escaped), plus a text
// field before it.
func multipartBody(t *testing.T, field, filename string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("note", "first part is not the file"); err != nil {
		t.Fatal(err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+filename+`"`)
	h.Set("Content-Type", "application/octet-stream")
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// linkPath turns a resume.url into the path and query to request.
func linkPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Scheme+"://"+u.Host != "http://hub.test" {
		t.Fatalf("link %q is not on the public URL", link)
	}
	return u.RequestURI()
}

func TestResumeRoundTrip(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("zap")
		cand, _ := e.candCall("POST", "/v1/candidates", key, `{"full_name":"Zoë Šimek"}`, http.StatusCreated, hub.EventCandidateCreated)
		path := "/v1/candidates/" + cand.ID + "/resume"
		pdf := resume.GeneratePDF("Zoë Šimek", []string{"Senior Engineer", "Go, Kafka, PostgreSQL"})
		docx := buildTestDOCX(t)

		var link string
		t.Run("raw PDF upload", func(t *testing.T) {
			c, _ := e.candCheck(func() resp {
				return e.upload(path, key, pdf, "application/pdf", "Content-Disposition", `attachment; filename="zoe-cv.pdf"`)
			}, http.StatusOK, hub.EventCandidateUpdated)
			if c.Resume == nil || c.Resume.Filename != "zoe-cv.pdf" || c.Resume.ContentType != "application/pdf" || c.Resume.Size != int64(len(pdf)) {
				t.Fatalf("resume %+v", c.Resume)
			}
			link = c.Resume.URL
			if !strings.HasPrefix(link, "http://hub.test"+path+"?exp=") || !strings.Contains(link, "&sig=") {
				t.Fatalf("url %q", link)
			}
			evs := e.candOutbox(e.acct.ID)
			var data hub.Candidate
			if err := json.Unmarshal(evs[len(evs)-1].Data, &data); err != nil || data.Resume == nil || data.Resume.URL == "" {
				t.Fatalf("event data has no link: %s", evs[len(evs)-1].Data)
			}
			e.fetch(linkPath(t, data.Resume.URL), "").status(http.StatusOK) // the webhook's link works as is
		})
		t.Run("download with a key", func(t *testing.T) {
			r := e.fetch(path, key).status(http.StatusOK)
			if !bytes.Equal(r.body, pdf) {
				t.Fatal("the bytes differ")
			}
			for h, want := range map[string]string{
				"Content-Type":           "application/pdf",
				"Content-Disposition":    resume.ContentDisposition("zoe-cv.pdf"),
				"ETag":                   resume.ETag(pdf),
				"X-Content-Type-Options": "nosniff",
				"Cache-Control":          "private",
			} {
				if got := r.h.Get(h); got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
		})
		t.Run("download with the signed link and no credentials", func(t *testing.T) {
			r := e.fetch(linkPath(t, link), "").status(http.StatusOK)
			if !bytes.Equal(r.body, pdf) || r.h.Get("ETag") != resume.ETag(pdf) {
				t.Fatal("the link serves something else")
			}
			e.fetch(linkPath(t, link), "", "If-None-Match", resume.ETag(pdf)).status(http.StatusNotModified)
		})
		t.Run("conditional requests", func(t *testing.T) {
			etag := resume.ETag(pdf)
			for _, inm := range []string{etag, `"other", ` + etag, "W/" + etag, "*"} {
				r := e.fetch(path, key, "If-None-Match", inm).status(http.StatusNotModified)
				if len(r.body) != 0 || r.h.Get("ETag") != etag {
					t.Fatalf("If-None-Match %s: %d bytes, ETag %q", inm, len(r.body), r.h.Get("ETag"))
				}
			}
			e.fetch(path, key, "If-None-Match", `"stale"`).status(http.StatusOK)
		})
		t.Run("multipart DOCX replaces it", func(t *testing.T) {
			body, ct := multipartBody(t, "file", "Zoë Šimek CV.docx", docx)
			c, _ := e.candCheck(func() resp { return e.upload(path, key, body, ct) }, http.StatusOK, hub.EventCandidateUpdated)
			if c.Resume.Filename != "Zoë Šimek CV.docx" || c.Resume.ContentType != docxType || c.Resume.Size != int64(len(docx)) {
				t.Fatalf("resume %+v", c.Resume)
			}
			r := e.fetch(path, key).status(http.StatusOK)
			if !bytes.Equal(r.body, docx) || r.h.Get("Content-Type") != docxType || r.h.Get("ETag") != resume.ETag(docx) {
				t.Fatalf("served %d bytes as %s", len(r.body), r.h.Get("Content-Type"))
			}
			if cd := r.h.Get("Content-Disposition"); !strings.Contains(cd, `filename*=UTF-8''Zo%C3%AB%20%C5%A0imek%20CV.docx`) {
				t.Fatalf("Content-Disposition %q", cd)
			}
			e.fetch(path, key, "If-None-Match", resume.ETag(pdf)).status(http.StatusOK)
		})
		t.Run("text gets its charset and a name", func(t *testing.T) {
			txt := []byte("Zoë Šimek\nSenior Engineer\n")
			c, _ := e.candCheck(func() resp { return e.upload(path, key, txt, "application/octet-stream") }, http.StatusOK, hub.EventCandidateUpdated)
			if c.Resume.Filename != "resume.txt" || c.Resume.ContentType != "text/plain" {
				t.Fatalf("resume %+v", c.Resume)
			}
			r := e.fetch(path, key).status(http.StatusOK)
			if !bytes.Equal(r.body, txt) || r.h.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Fatalf("served %q as %s", r.body, r.h.Get("Content-Type"))
			}
		})
		t.Run("a file over the JSON body limit is fine", func(t *testing.T) {
			big := bytes.Repeat([]byte("Experience line of a long resume.\n"), 2<<20/34)
			c, _ := e.candCheck(func() resp { return e.upload(path+"?filename=long.txt", key, big, "text/plain") }, http.StatusOK, hub.EventCandidateUpdated)
			if c.Resume.Size != int64(len(big)) || len(big) <= 1<<20 {
				t.Fatalf("size %d", c.Resume.Size)
			}
			if r := e.fetch(path, key).status(http.StatusOK); !bytes.Equal(r.body, big) {
				t.Fatal("the bytes differ")
			}
		})
		t.Run("delete is safe to repeat", func(t *testing.T) {
			before := len(e.candOutbox(e.acct.ID))
			e.do("DELETE", path, key, "").status(http.StatusNoContent)
			e.do("DELETE", path, key, "").status(http.StatusNoContent)
			evs := e.candOutbox(e.acct.ID)[before:]
			if len(evs) != 1 || evs[0].Type != hub.EventCandidateUpdated || !strings.Contains(string(evs[0].Data), `"resume":null`) {
				t.Fatalf("events %v", candTypes(evs))
			}
			e.fetch(path, key).problem(http.StatusNotFound, hub.ENotFound, "")
			e.fetch(linkPath(t, link), "").problem(http.StatusNotFound, hub.ENotFound, "")
			got, _ := e.candCall("GET", "/v1/candidates/"+cand.ID, key, "", http.StatusOK)
			if got.Resume != nil {
				t.Fatalf("resume %+v", got.Resume)
			}
		})
	})
}

func TestResumeFilenamesAreSanitised(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("zap")
		cand, _ := e.candCall("POST", "/v1/candidates", key, `{"full_name":"A"}`, http.StatusCreated, hub.EventCandidateCreated)
		path := "/v1/candidates/" + cand.ID + "/resume"
		pdf := resume.GeneratePDF("A", nil)
		for _, tc := range []struct {
			name string
			send func(name string) resp
			raw  string
		}{
			{"dot dot slash via query", func(n string) resp {
				return e.upload(path+"?filename="+url.QueryEscape(n), key, pdf, "application/pdf")
			}, "../../etc/passwd.pdf"},
			{"quotes via query", func(n string) resp {
				return e.upload(path+"?filename="+url.QueryEscape(n), key, pdf, "application/pdf")
			}, `cv"; filename="evil.exe`},
			{"CR LF via query", func(n string) resp {
				return e.upload(path+"?filename="+url.QueryEscape(n), key, pdf, "application/pdf")
			}, "cv\r\nSet-Cookie: x=1.pdf"},
			{"control characters via query", func(n string) resp {
				return e.upload(path+"?filename="+url.QueryEscape(n), key, pdf, "application/pdf")
			}, "c\x01v\x7f\x1b[31m\x00.pdf"},
			{"control characters via RFC 8187", func(n string) resp {
				return e.upload(path, key, pdf, "application/pdf", "Content-Disposition", `attachment; filename*=UTF-8''`+url.PathEscape(n))
			}, "c\x01v\r\nX: y.pdf"},
			{"tab and dot dot via multipart", func(n string) resp {
				body, ct := multipartBody(t, "file", n, pdf)
				return e.upload(path, key, body, ct)
			}, "../../c\tv.pdf"},
			{"backslashes via multipart", func(n string) resp {
				body, ct := multipartBody(t, "file", n, pdf)
				return e.upload(path, key, body, ct)
			}, `C:\\Users\\zoe\\..\\cv.pdf`},
			{"a lying extension via Content-Disposition", func(n string) resp {
				return e.upload(path, key, pdf, "application/pdf", "Content-Disposition", `attachment; filename="`+n+`"`)
			}, "cv.exe"},
			{"RFC 8187 name via Content-Disposition", func(n string) resp {
				return e.upload(path, key, pdf, "application/pdf", "Content-Disposition", `attachment; filename*=UTF-8''`+url.PathEscape(n))
			}, "Zoë CV.pdf"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var c hub.Candidate
				tc.send(tc.raw).status(http.StatusOK).decode(&c)
				if c.Resume == nil {
					t.Fatal("no resume")
				}
				name := c.Resume.Filename
				if strings.ContainsAny(name, "/\\\"\r\n\x00\x01\x1b\x7f") || !strings.HasSuffix(name, ".pdf") || strings.Contains(name, "..") {
					t.Fatalf("stored filename %q", name)
				}
				r := e.fetch(path, key).status(http.StatusOK)
				cd := r.h.Get("Content-Disposition")
				if cd != resume.ContentDisposition(name) || strings.ContainsAny(cd, "\r\n\x01\x7f") || strings.Count(cd, `"`) != 2 {
					t.Fatalf("Content-Disposition %q for %q", cd, name)
				}
				if r.h.Get("Set-Cookie") != "" {
					t.Fatal("a header was injected")
				}
			})
		}
	})
}
