package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

// createWebhook creates a webhook for url through the hub's API with an
// admin token, checks it validated, and returns its signing secret, so the
// receiver can verify what arrives.
func createWebhook(t *testing.T, base, token, url string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/v1/webhooks", strings.NewReader(`{"url":"`+url+`"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var wh struct{ ID, Status, Secret string }
	_ = json.NewDecoder(res.Body).Decode(&wh)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || wh.Status != "active" {
		t.Fatalf("create webhook: %d %+v", res.StatusCode, wh)
	}
	return wh.Secret
}

// countingReceiver records which event IDs arrived, verifying signatures.
// When the hold-th delivery arrives it parks that request until release is
// closed, so the test can kill the hub with an attempt in flight.
type countingReceiver struct {
	mu      sync.Mutex
	secret  string
	seen    map[string]int
	bad     int
	n       int
	hold    int
	held    chan struct{}
	release chan struct{}
	all     chan struct{}
	want    int
}

func (r *countingReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var env struct{ Type string }
	_ = json.Unmarshal(body, &env)
	if env.Type == hub.EventValidation {
		w.WriteHeader(http.StatusOK)
		return
	}
	r.mu.Lock()
	if r.secret != "" && webhook.Verify(r.secret, req.Header, body) != nil {
		r.bad++
	}
	r.n++
	n := r.n
	r.seen[req.Header.Get("webhook-id")]++
	if len(r.seen) == r.want {
		select {
		case <-r.all:
		default:
			close(r.all)
		}
	}
	r.mu.Unlock()
	if n == r.hold {
		close(r.held)
		<-r.release
	}
	w.WriteHeader(http.StatusOK)
}

// TestNoEventLostWhenKilled is the delivery guarantee with the real binary:
// events are committed, the hub is SIGKILLed in the middle of dispatching
// them (one attempt in flight), and after a restart every event reaches the
// endpoint at least once.
func TestNoEventLostWhenKilled(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			const n = 120
			db := storetest.URL(t, d)
			acct := cli(t, db, "accounts", "create", "--name", "Loss test")
			token := cli(t, db, "token", "--account", acct, "--role", "admin")
			rc := &countingReceiver{seen: map[string]int{}, hold: n / 3, held: make(chan struct{}), release: make(chan struct{}), all: make(chan struct{}), want: n}
			srv := httptest.NewServer(rc)
			t.Cleanup(srv.Close)
			env := []string{"VISAGE_ALLOW_PRIVATE_TARGETS=127.0.0.0/8", "VISAGE_DISPATCH_POLL=100ms",
				"VISAGE_WEBHOOK_TIMEOUT=2s", "VISAGE_DISPATCH_LEASE=7s", "VISAGE_WEBHOOK_ENDPOINT_CONCURRENCY=1",
				"VISAGE_WEBHOOK_RETRY_SCHEDULE=100ms,200ms,400ms"}
			h := startHubEnv(t, db, env...)

			secret := createWebhook(t, h.base, token, srv.URL+"/hook")
			rc.mu.Lock()
			rc.secret = secret
			rc.mu.Unlock()

			st := storetest.OpenURL(t, db)
			commitEvents(t, st, acct, n)

			select {
			case <-rc.held:
			case <-time.After(30 * time.Second):
				t.Fatal("dispatching never reached the held delivery")
			}
			if err := h.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = h.cmd.Wait()
			close(rc.release)
			rc.mu.Lock()
			before := len(rc.seen)
			rc.mu.Unlock()
			if before >= n {
				t.Fatalf("all %d events arrived before the kill; the test proves nothing", n)
			}

			startHubEnv(t, db, env...)
			select {
			case <-rc.all:
			case <-time.After(60 * time.Second):
				rc.mu.Lock()
				defer rc.mu.Unlock()
				t.Fatalf("after the restart %d of %d events arrived (%d before the kill)", len(rc.seen), n, before)
			}
			rc.mu.Lock()
			defer rc.mu.Unlock()
			if rc.bad != 0 {
				t.Fatalf("%d deliveries failed signature verification", rc.bad)
			}
		})
	}
}

// commitEvents commits n outbox events in one transaction, as a burst of
// API writes would.
func commitEvents(t *testing.T, st *store.Store, acct string, n int) {
	t.Helper()
	tx, err := st.DB().BeginTxx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		id := hub.NewID(hub.PrefixCand)
		ev, err := store.NewEvent(acct, hub.EventCandidateCreated, id, "", map[string]any{"id": id, "full_name": "Grace Hopper"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tx.Exec(tx.Rebind(`INSERT INTO events (id, account_id, type, resource_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			ev.ID, ev.AccountID, ev.Type, ev.ResourceID, string(ev.Data), ev.Timestamp)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// startDispatch runs `visage-hub dispatch` and waits until it says so.
func startDispatch(t *testing.T, dbURL string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binPath, "dispatch")
	cmd.Env = append(append(os.Environ(), "VISAGE_DATABASE_URL="+dbURL, "VISAGE_LOG_FORMAT=text"), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "msg=dispatching") {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			return cmd
		}
	}
	t.Fatal("dispatch never started")
	return nil
}

// TestSeparateDispatchProcesses runs serve without its dispatcher and two
// `visage-hub dispatch` processes on one PostgreSQL: each event committed
// through the API arrives exactly once, and SIGTERM stops a dispatcher
// cleanly.
func TestSeparateDispatchProcesses(t *testing.T) {
	const n = 60
	db := storetest.URL(t, store.Postgres)
	acct := cli(t, db, "accounts", "create", "--name", "Split")
	token := cli(t, db, "token", "--account", acct, "--role", "admin")
	rc := &countingReceiver{seen: map[string]int{}, all: make(chan struct{}), want: n}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	env := []string{"VISAGE_ALLOW_PRIVATE_TARGETS=127.0.0.0/8", "VISAGE_DISPATCH_POLL=1h"}
	h := startHubEnv(t, db, append(env, "VISAGE_DISPATCHER=off")...)
	req, _ := http.NewRequest("POST", h.base+"/v1/webhooks", strings.NewReader(`{"url":"`+srv.URL+`/hook"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var wh struct{ Status, Secret string }
	_ = json.NewDecoder(res.Body).Decode(&wh)
	res.Body.Close()
	if wh.Status != "active" {
		t.Fatalf("webhook %+v", wh)
	}
	rc.mu.Lock()
	rc.secret = wh.Secret
	rc.mu.Unlock()
	d1 := startDispatch(t, db, env...)
	startDispatch(t, db, env...)
	// The poll is an hour away: only the NOTIFY that the serving process
	// sends after its commits can wake them.
	for i := 0; i < n; i++ {
		body := fmt.Sprintf(`{"first_name":"Grace","last_name":"Hopper %d"}`, i)
		req, _ := http.NewRequest("POST", h.base+"/v1/candidates", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create candidate: %d", res.StatusCode)
		}
	}
	select {
	case <-rc.all:
	case <-time.After(30 * time.Second):
		t.Fatalf("%d of %d events arrived", len(rc.seen), n)
	}
	if err := d1.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := d1.Wait(); err != nil {
		t.Fatalf("dispatch did not stop cleanly: %v", err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for id, c := range rc.seen {
		if c != 1 {
			t.Fatalf("event %s arrived %d times", id, c)
		}
	}
	if rc.bad != 0 {
		t.Fatalf("%d bad signatures", rc.bad)
	}
}
