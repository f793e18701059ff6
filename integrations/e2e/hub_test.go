//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// hubProc is a visage-hub binary serving on loopback with SQLite, with one
// account and an API key made through its CLI.
type hubProc struct {
	url, account, key string
	api               client // authenticated with the key
	d                 *daemon
}

// goTool finds the go command of the toolchain running the test.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// startHub builds the binary from this checkout and starts `serve` with
// the dispatcher on, polling every second, and private webhook targets
// allowed so deliveries may go to n8n on 127.0.0.1.
func startHub(t *testing.T, dir string) *hubProc {
	t.Helper()
	bin := filepath.Join(dir, "visage-hub")
	run(t, repoRoot(t), nil, goTool(), "build", "-o", bin, "./cmd/visage-hub")
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	env := []string{
		"VISAGE_DATABASE_URL=" + filepath.Join(dir, "hub.db"),
		"VISAGE_ADDR=" + addr,
		"VISAGE_PUBLIC_URL=http://" + addr,
		"VISAGE_ALLOW_PRIVATE_TARGETS=all",
		"VISAGE_DISPATCH_POLL=1s",
		"VISAGE_WEBHOOK_RETRY_SCHEDULE=1s,2s,5s",
		"VISAGE_RATE_LIMIT=0",
	}
	var account struct {
		ID string `json:"id"`
	}
	mustJSON(t, run(t, dir, env, bin, "accounts", "create", "--name", "n8n e2e", "--json"), &account)
	var key struct {
		Key string `json:"key"`
	}
	mustJSON(t, run(t, dir, env, bin, "keys", "create", "--account", account.ID, "--label", "n8n e2e", "--json"), &key)
	if account.ID == "" || key.Key == "" {
		t.Fatalf("account %q / key %q: the CLI printed no ID or key", account.ID, key.Key)
	}
	h := &hubProc{url: "http://" + addr, account: account.ID, key: key.Key}
	h.d = startDaemon(t, dir, env, filepath.Join(dir, "hub.log"), bin, "serve")
	waitFor(t, "hub /healthz", 30*time.Second, h.d, func() (bool, string) { return up(h.url + "/healthz") })
	h.api = client{base: h.url, headers: map[string]string{"X-API-Key": h.key}}
	return h
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}
