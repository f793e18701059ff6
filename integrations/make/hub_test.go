package makeapp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub/hubproc"
	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
)

// The contract test talks to the real `visage-hub` binary, built once here:
// Make only ever sees the hub from outside, over HTTP, with everything the
// binary wires up (rate limits, the dispatcher, the SSRF guard, migrations
// from the CLI), which an in-process server would partly skip.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "visage-make-")
	if err != nil {
		panic(err)
	}
	if binPath, err = hubproc.Build(dir); err != nil {
		panic(err)
	}
	code := pgtest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli runs the binary against a database and returns its stdout.
func cli(t *testing.T, dbURL string, args ...string) string {
	t.Helper()
	return hubproc.CLI(t, binPath, dbURL, args...)
}

// startHub runs `visage-hub serve` on a loopback port and returns its URL.
// Webhook targets on 127.0.0.1 are allowed (the receiver below), and the
// dispatcher polls often so deliveries arrive in test time.
func startHub(t *testing.T, dbURL string, env ...string) string {
	t.Helper()
	base := []string{"VISAGE_ALLOW_PRIVATE_TARGETS=127.0.0.1/32", "VISAGE_DISPATCH_POLL=200ms"}
	return hubproc.Serve(t, binPath, dbURL, append(base, env...)...).Base
}

// delivery is one call the receiver got.
type delivery struct {
	header http.Header
	body   map[string]any
}

// receiver stands in for Make's webhook URLs (one path per webhook) and for
// a file server the attach_resume action downloads from. It answers each
// webhook call as the webhook's communication says (respond.status).
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     map[string][]delivery
	arrived chan struct{}
	status  func(path string) int
}

const resumeText = "Amara Okafor\nSenior Software Engineer\nGo, Kafka, PostgreSQL\n"

func newReceiver(t *testing.T, status func(path string) int) *receiver {
	r := &receiver{got: map[string][]delivery{}, arrived: make(chan struct{}, 1000), status: status}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/files/amara-okafor-cv.txt" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = io.WriteString(w, resumeText)
			return
		}
		var body map[string]any
		if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
			http.Error(w, "not JSON", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.got[req.URL.Path] = append(r.got[req.URL.Path], delivery{header: req.Header.Clone(), body: body})
		r.mu.Unlock()
		r.arrived <- struct{}{}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(r.status(req.URL.Path))
		_, _ = io.WriteString(w, `{"received":true}`)
	}))
	t.Cleanup(r.Close)
	return r
}

// waitFor blocks until a delivery of the event type reached path, or fails
// the test after the deadline.
func (r *receiver) waitFor(t *testing.T, path, eventType string, deadline time.Time) delivery {
	t.Helper()
	for {
		r.mu.Lock()
		for _, d := range r.got[path] {
			if d.body["type"] == eventType {
				r.mu.Unlock()
				return d
			}
		}
		r.mu.Unlock()
		select {
		case <-r.arrived:
		case <-time.After(time.Until(deadline)):
			t.Fatalf("no %s delivery reached %s in time", eventType, path)
		}
	}
}

// rawStatus sends a bare request with the key, outside the app's files, to
// check what the app did (a hook exists, a hook is gone).
func rawStatus(t *testing.T, method, url, key string) int {
	t.Helper()
	status, _ := rawJSON(t, method, url, key)
	return status
}

// rawJSON is rawStatus with the decoded body.
func rawJSON(t *testing.T, method, url, key string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), method, url, nil)
	req.Header.Set("X-API-Key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

func statusOf(v any) int {
	n, err := strconv.Atoi(Text(v))
	if err != nil {
		return 0
	}
	return n
}
