package httpapi_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestResumeRefusals(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, keyID := e.key("zap")
		otherAcct, otherCred := e.candOther()
		cand, _ := e.candCall("POST", "/v1/candidates", key, `{"full_name":"A"}`, http.StatusCreated, hub.EventCandidateCreated)
		theirs, err := e.st.CreateCandidate(t.Context(), otherAcct, hub.Candidate{FullName: "B"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/v1/candidates/" + cand.ID + "/resume"
		pdf := resume.GeneratePDF("A", nil)
		withFile, ct := multipartBody(t, "attachment", "cv.pdf", pdf)

		for _, tc := range []struct {
			name   string
			send   func() resp
			status int
			code   hub.Code
			field  string
			detail string
		}{
			{"renamed executable", func() resp {
				return e.upload(path+"?filename=cv.pdf", key, buildTestPE(), "application/pdf")
			}, 415, hub.EUnsupported, "", "Windows executable"},
			{"zip disguised as a PDF", func() resp {
				return e.upload(path, key, buildTestZip(t), "application/pdf", "Content-Disposition", `attachment; filename="cv.pdf"`)
			}, 415, hub.EUnsupported, "", "zip archive"},
			{"image", func() resp { return e.upload(path, key, []byte("\x89PNG\r\n\x1a\n0000"), "image/png") }, 415, hub.EUnsupported, "", "PNG"},
			{"JSON instead of a file", func() resp { return e.upload(path, key, []byte(`{"url":"x"}`), "application/json") }, 415, hub.EUnsupported, "", "multipart"},
			{"empty", func() resp { return e.upload(path, key, nil, "application/pdf") }, 422, hub.EInvalid, "file", ""},
			{"over 10 MiB", func() resp {
				return e.upload(path, key, append(pdf, bytes.Repeat([]byte(" "), resume.MaxSize)...), "application/pdf")
			}, 413, hub.ETooLarge, "", "10 MiB"},
			{"multipart without a file part", func() resp { return e.upload(path, key, withFile, ct) }, 422, hub.EInvalid, "file", ""},
			{"broken multipart", func() resp {
				return e.upload(path, key, []byte("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\x01bad\r\n\r\nx\r\n--b--"), "multipart/form-data; boundary=b")
			}, 400, hub.EMalformed, "", ""},
			{"multipart without a boundary", func() resp { return e.upload(path, key, pdf, "multipart/form-data") }, 400, hub.EMalformed, "", ""},
			{"unparsable Content-Type", func() resp { return e.upload(path, key, pdf, "application/pdf; =") }, 415, hub.EUnsupported, "", ""},
			{"unknown candidate", func() resp {
				return e.upload("/v1/candidates/"+hub.NewID(hub.PrefixCand)+"/resume", key, pdf, "application/pdf")
			}, 404, hub.ENotFound, "", ""},
			{"garbage candidate id", func() resp { return e.upload("/v1/candidates/x/resume", key, pdf, "application/pdf") }, 404, hub.ENotFound, "", ""},
			{"other account's candidate", func() resp {
				return e.upload("/v1/candidates/"+theirs.ID+"/resume", key, pdf, "application/pdf")
			}, 404, hub.ENotFound, "", ""},
			{"no credentials", func() resp { return e.upload(path, "", pdf, "application/pdf") }, 401, hub.EUnauthorized, "", ""},
			{"get without credentials or link", func() resp { return e.fetch(path, "") }, 401, hub.EUnauthorized, "", ""},
			{"get without a resume", func() resp { return e.fetch(path, key) }, 404, hub.ENotFound, "", ""},
			{"get unknown", func() resp { return e.fetch("/v1/candidates/"+hub.NewID(hub.PrefixCand)+"/resume", key) }, 404, hub.ENotFound, "", ""},
			{"delete unknown", func() resp { return e.do("DELETE", "/v1/candidates/"+hub.NewID(hub.PrefixCand)+"/resume", key, "") }, 404, hub.ENotFound, "", ""},
			{"delete other account's", func() resp { return e.do("DELETE", "/v1/candidates/"+theirs.ID+"/resume", key, "") }, 404, hub.ENotFound, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := e.candFail(tc.send, tc.status, tc.code, tc.field)
				if !strings.Contains(p.Detail, tc.detail) {
					t.Fatalf("detail %q does not say %q", p.Detail, tc.detail)
				}
			})
		}
		got, _ := e.candCall("GET", "/v1/candidates/"+cand.ID, key, "", http.StatusOK)
		if got.Resume != nil {
			t.Fatalf("a refused upload was stored: %+v", got.Resume)
		}

		t.Run("accounts keep their files apart", func(t *testing.T) {
			e.upload(path, key, pdf, "application/pdf").status(http.StatusOK)
			e.fetch(path, otherCred).problem(http.StatusNotFound, hub.ENotFound, "")
			e.candFail(func() resp { return e.do("DELETE", path, otherCred, "") }, 404, hub.ENotFound, "")
			e.candFail(func() resp { return e.upload(path, otherCred, pdf, "application/pdf") }, 404, hub.ENotFound, "")
			e.fetch(path, key).status(http.StatusOK)
		})
		t.Run("revoked key", func(t *testing.T) {
			e.do("DELETE", "/v1/api-keys/"+keyID, e.token(hub.RoleAdmin), "").status(http.StatusOK)
			e.fetch(path, key).problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			e.candFail(func() resp { return e.upload(path, key, pdf, "application/pdf") }, 401, hub.EUnauthorized, "")
		})
	})
}

// TestResumeBodyOverServerLimit sends, over a real loopback connection, an
// upload whose declared length is over the server's body limit: the server
// answers 413 with a problem document from the headers alone, without
// reading (or keeping) the body.
func TestResumeBodyOverServerLimit(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	key, _ := e.key("zap")
	cand, _ := e.candCall("POST", "/v1/candidates", key, `{"full_name":"A"}`, http.StatusCreated, hub.EventCandidateCreated)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.srv.App().Listener(ln) }()
	t.Cleanup(func() {
		_ = e.srv.App().Shutdown()
		<-done
	})
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "PUT /v1/candidates/%s/resume HTTP/1.1\r\nHost: hub.test\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/pdf\r\nContent-Length: %d\r\n\r\n%%PDF-1.7\n", cand.ID, key, 12<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	r := resp{t: t, code: res.StatusCode, h: res.Header, body: body}
	r.problem(http.StatusRequestEntityTooLarge, hub.ETooLarge, "")
}
