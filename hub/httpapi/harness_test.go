package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/auth"
	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var testSecret = []byte("test-secret-that-is-long-enough-for-hs256!")

// env is one hub server on a real database, with an account and helpers to
// call it the way a client would.
type env struct {
	t      *testing.T
	st     *store.Store
	srv    *httpapi.Server
	signer *auth.Signer
	acct   hub.Account
}

func newEnv(t *testing.T, st *store.Store, mutate ...func(*config.Config)) *env {
	t.Helper()
	cfg := config.Default()
	cfg.PublicURL = "http://hub.test"
	for _, m := range mutate {
		m(&cfg)
	}
	v, err := auth.NewHMACVerifier(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := auth.NewSigner(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	// Every HTTP test runs with the API-key cache on, as `serve` does, so
	// the revocation tests prove the cache never serves a revoked key.
	if err := st.EnableAuthCache(context.Background(), store.AuthCacheOptions{}); err != nil {
		t.Fatal(err)
	}
	links := &auth.Links{Store: st, Signer: sg, PublicURL: cfg.PublicURL, LinkTTL: time.Hour, TokenTTL: time.Hour}
	srv := httpapi.New(httpapi.Deps{Config: cfg, Store: st, JWT: v, Login: links, Logger: discardLogger(), Secret: testSecret})
	acct, err := st.CreateAccount(context.Background(), "Acme Recruiting")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, st: st, srv: srv, signer: sg, acct: acct}
}

// token mints an admin-style JWT for the env's account.
func (e *env) token(role hub.Role) string { return e.tokenFor(e.acct.ID, role) }

func (e *env) tokenFor(accountID string, role hub.Role) string {
	e.t.Helper()
	tok, _, err := e.signer.Mint(accountID, role, "tester", time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// key creates an API key through the API and returns its plaintext and ID.
func (e *env) key(label string) (plain, id string) {
	e.t.Helper()
	r := e.do("POST", "/v1/api-keys", e.token(hub.RoleAdmin), `{"label":"`+label+`"}`)
	r.status(http.StatusCreated)
	var k struct{ ID, Key string }
	r.decode(&k)
	return k.Key, k.ID
}

type resp struct {
	t    *testing.T
	code int
	h    http.Header
	body []byte
}

// do sends a request with a bearer credential ("" for none) and a JSON body
// ("" for none).
func (e *env) do(method, path, cred, body string, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewBufferString(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if cred != "" {
		req.Header.Set("Authorization", "Bearer "+cred)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) resp {
	e.t.Helper()
	res, err := e.srv.App().Test(req, 10_000)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{t: e.t, code: res.StatusCode, h: res.Header, body: b}
}

func (r resp) status(want int) resp {
	r.t.Helper()
	if r.code != want {
		r.t.Fatalf("status %d, want %d; body: %s", r.code, want, r.body)
	}
	return r
}

func (r resp) decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		r.t.Fatalf("decode %s: %v", r.body, err)
	}
}

// problem checks that the response is a problem document with the status
// and, when field is not empty, a field error naming it.
func (r resp) problem(status int, code hub.Code, field string) httpapi.Problem {
	r.t.Helper()
	r.status(status)
	if ct := r.h.Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.body)
	}
	var p httpapi.Problem
	r.decode(&p)
	if p.Status != status || p.Code != code || p.RequestID == "" || p.Detail == "" || p.Type == "" || p.Title == "" {
		r.t.Fatalf("problem %+v, want status %d code %s with detail and request id", p, status, code)
	}
	if field != "" {
		found := false
		for _, f := range p.Errors {
			if f.Field == field && f.Message != "" {
				found = true
			}
		}
		if !found {
			r.t.Fatalf("problem does not name field %q: %s", field, r.body)
		}
	}
	return p
}

func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) { fn(t, newEnv(t, st)) })
}
