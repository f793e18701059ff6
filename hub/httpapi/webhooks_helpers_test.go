package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/auth"
	"github.com/visage-jobs/visage-hub/hub/config"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// newHookEnv is newEnv with a dispatcher wired in, under the given SSRF
// policy ("127.0.0.0/8" lets loopback receivers be used over plain http).
func newHookEnv(t *testing.T, st *store.Store, policy string) (*env, *dispatch.Dispatcher) {
	t.Helper()
	cfg := config.Default()
	cfg.PublicURL = "http://hub.test"
	cfg.AllowPrivateTargets = policy
	v, err := auth.NewHMACVerifier(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := auth.NewSigner(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := ssrf.ParsePolicy(policy)
	if err != nil {
		t.Fatal(err)
	}
	d := dispatch.New(st, dispatch.Options{Policy: pol, Logger: discardLogger(), AttemptTimeout: 3 * time.Second, Tick: 50 * time.Millisecond,
		Schedule: dispatch.Schedule{Delays: []time.Duration{10 * time.Millisecond}}})
	srv := httpapi.New(httpapi.Deps{Config: cfg, Store: st, JWT: v, Logger: discardLogger(), Secret: testSecret, Dispatcher: d})
	acct, err := st.CreateAccount(context.Background(), "Acme Recruiting")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, st: st, srv: srv, signer: sg, acct: acct}, d
}

// cfgWithPolicy is the test configuration under an SSRF policy.
func (e *env) cfgWithPolicy(policy string) config.Config {
	cfg := config.Default()
	cfg.PublicURL = "http://hub.test"
	cfg.AllowPrivateTargets = policy
	return cfg
}

// verifier checks the env's admin tokens.
func (e *env) verifier() httpapi.TokenVerifier {
	e.t.Helper()
	v, err := auth.NewHMACVerifier(testSecret)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

func eachHookEnv(t *testing.T, policy string, fn func(t *testing.T, e *env, d *dispatch.Dispatcher)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e, d := newHookEnv(t, st, policy)
		fn(t, e, d)
	})
}

// runDispatcher runs d until the test ends.
func runDispatcher(t *testing.T, d *dispatch.Dispatcher) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// hookReceiver is a loopback endpoint answering with status (settable) and
// keeping every request.
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	status int
	reqs   []hookRequest
}

type hookRequest struct {
	Header http.Header
	Body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	r := &hookReceiver{status: http.StatusOK}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, hookRequest{Header: req.Header.Clone(), Body: b})
		st := r.status
		r.mu.Unlock()
		w.WriteHeader(st)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *hookReceiver) url() string { return r.srv.URL + "/hooks/visage" }

func (r *hookReceiver) setStatus(s int) {
	r.mu.Lock()
	r.status = s
	r.mu.Unlock()
}

func (r *hookReceiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest(nil), r.reqs...)
}

func (r *hookReceiver) last(t *testing.T) (hookRequest, map[string]any) {
	t.Helper()
	reqs := r.requests()
	if len(reqs) == 0 {
		t.Fatal("the receiver got no request")
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[len(reqs)-1].Body, &body); err != nil {
		t.Fatalf("body %s: %v", reqs[len(reqs)-1].Body, err)
	}
	return reqs[len(reqs)-1], body
}

// webhookJSON is the webhook resource as a client reads it.
type webhookJSON struct {
	ID           string   `json:"id"`
	URL          string   `json:"url"`
	Events       []string `json:"events"`
	JobID        *string  `json:"job_id"`
	Description  string   `json:"description"`
	Status       string   `json:"status"`
	StatusReason *string  `json:"status_reason"`
	DisabledAt   *string  `json:"disabled_at"`
	Secret       string   `json:"secret"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
}

// createHook creates a webhook through the API and returns it with its
// secret.
func (e *env) createHook(body string) webhookJSON {
	e.t.Helper()
	var w webhookJSON
	e.do("POST", "/v1/webhooks", e.token(hub.RoleAdmin), body).status(http.StatusCreated).decode(&w)
	return w
}
