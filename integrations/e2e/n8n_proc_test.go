//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// n8nVersion is the newest n8n that runs on Node 20 (see
// /work/shared/platforms/n8n.md); install-n8n.sh pins the same.
const n8nVersion = "2.8.4"

// n8nEnv is an n8n installation plus one throwaway user folder: its own
// SQLite database, encryption key, ports on 127.0.0.1 and every phone-home
// feature off.
type n8nEnv struct {
	bin, user string
	port      int
	env       []string
}

// n8nHome is the cache folder n8n is installed in, outside the repository.
func n8nHome(t *testing.T) string {
	if d := os.Getenv("VISAGE_N8N_HOME"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(home, ".cache", "visage-hub", "n8n-"+n8nVersion)
}

// newN8n installs n8n when the cache folder lacks it, then installs the
// package the way a self-hoster does (npm pack, then npm install of the
// tarball into ~/.n8n/nodes), so the published shape (files, the n8n
// section of package.json) is what n8n loads.
func newN8n(t *testing.T, dir string) *n8nEnv {
	t.Helper()
	root := repoRoot(t)
	home := n8nHome(t)
	run(t, root, nil, "bash", filepath.Join(root, "integrations", "e2e", "install-n8n.sh"), home)
	pkg := filepath.Join(root, "integrations", "n8n")
	if _, err := os.Stat(filepath.Join(pkg, "dist", "nodes", "Visage", "Visage.node.js")); err != nil {
		t.Fatalf("the n8n package is not built (run `make n8n-package`): %v", err)
	}
	packed := strings.TrimSpace(string(run(t, pkg, nil, "npm", "pack", "--silent", "--pack-destination", dir)))
	lines := strings.Split(packed, "\n")
	tgz := filepath.Join(dir, strings.TrimSpace(lines[len(lines)-1]))

	user := filepath.Join(dir, "n8n-user")
	nodes := filepath.Join(user, ".n8n", "nodes")
	if err := os.MkdirAll(nodes, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(nodes, "package.json"), []byte(`{"name":"installed-nodes","private":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, nodes, nil, "npm", "install", tgz, "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund", "--offline")

	e := &n8nEnv{bin: filepath.Join(home, "node_modules", ".bin", "n8n"), user: user, port: freePort(t)}
	e.env = []string{
		"N8N_USER_FOLDER=" + user,
		"N8N_ENCRYPTION_KEY=visage-e2e-not-a-secret",
		"N8N_LISTEN_ADDRESS=127.0.0.1",
		fmt.Sprintf("N8N_PORT=%d", e.port),
		fmt.Sprintf("WEBHOOK_URL=http://127.0.0.1:%d/", e.port),
		"N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1",
		fmt.Sprintf("N8N_RUNNERS_BROKER_PORT=%d", freePort(t)),
		"N8N_DIAGNOSTICS_ENABLED=false",
		"N8N_VERSION_NOTIFICATIONS_ENABLED=false",
		"N8N_TEMPLATES_ENABLED=false",
		"N8N_PERSONALIZATION_ENABLED=false",
		"N8N_HIRING_BANNER_ENABLED=false",
		"N8N_DYNAMIC_BANNERS_ENABLED=false",
		"N8N_AI_ENABLED=false",
		"N8N_LICENSE_AUTO_RENEW_ENABLED=false",
		"N8N_SECURE_COOKIE=false",
		"N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false",
		"N8N_LOG_LEVEL=info",
	}
	return e
}

// cli runs an n8n CLI command to completion.
func (e *n8nEnv) cli(t *testing.T, args ...string) []byte {
	t.Helper()
	return run(t, e.user, e.env, e.bin, args...)
}

// execute runs a workflow with `n8n execute --id --rawOutput` and returns
// each node's output items by node name.
func (e *n8nEnv) execute(t *testing.T, workflowID string) map[string][]runItem {
	t.Helper()
	out := e.cli(t, "execute", "--id="+workflowID, "--rawOutput")
	// n8n may log a line or two before the JSON document.
	start := bytes.IndexByte(out, '{')
	if start < 0 {
		t.Fatalf("n8n execute printed no JSON:\n%s", out)
	}
	var result struct {
		Data struct {
			ResultData struct {
				Error   any `json:"error"`
				RunData map[string][]struct {
					Data struct {
						Main [][]runItem `json:"main"`
					} `json:"data"`
				} `json:"runData"`
			} `json:"resultData"`
		} `json:"data"`
	}
	if err := json.NewDecoder(bytes.NewReader(out[start:])).Decode(&result); err != nil {
		t.Fatalf("decode n8n execute output: %v\n%s", err, out)
	}
	if result.Data.ResultData.Error != nil {
		t.Fatalf("workflow failed: %v", result.Data.ResultData.Error)
	}
	items := map[string][]runItem{}
	for node, runs := range result.Data.ResultData.RunData {
		if len(runs) > 0 && len(runs[0].Data.Main) > 0 {
			items[node] = runs[0].Data.Main[0]
		}
	}
	return items
}

// runItem is one item of a node's output.
type runItem struct {
	JSON   map[string]any `json:"json"`
	Binary map[string]struct {
		FileName string `json:"fileName"`
		MimeType string `json:"mimeType"`
	} `json:"binary"`
}

// serve starts `n8n start`, logging to logName, and waits until its REST
// API is up.
func (e *n8nEnv) serve(t *testing.T, logName string) (*daemon, client) {
	t.Helper()
	d := startDaemon(t, e.user, e.env, filepath.Join(filepath.Dir(e.user), logName), e.bin, "start")
	base := fmt.Sprintf("http://127.0.0.1:%d", e.port)
	// /healthz answers before the REST controllers are mounted; n8n logs
	// this line once everything is.
	waitFor(t, "n8n to finish starting", 3*time.Minute, d, func() (bool, string) {
		if !d.logged("Editor is now accessible") {
			return false, "no 'Editor is now accessible' in the log yet"
		}
		return up(base + "/healthz/readiness")
	})
	return d, client{base: base, headers: map[string]string{}}
}

const ownerEmail, ownerPassword = "owner@example.com", "Visage-e2e-1234"

// ownerSession sets up n8n's owner account and returns a client carrying
// its session cookie, for the REST API the editor uses (activate,
// deactivate, executions).
func ownerSession(t *testing.T, n client) client {
	t.Helper()
	body, _ := json.Marshal(map[string]string{
		"email": ownerEmail, "firstName": "E2E", "lastName": "Owner", "password": ownerPassword,
	})
	return session(t, n, "/rest/owner/setup", body)
}

// login signs the owner in again (after a restart).
func login(t *testing.T, n client) client {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"emailOrLdapLoginId": ownerEmail, "password": ownerPassword})
	return session(t, n, "/rest/login", body)
}

// session posts credentials and keeps the cookies n8n answers with.
func session(t *testing.T, n client, path string, body []byte) client {
	t.Helper()
	resp, err := httpClient.Post(n.base+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d", path, resp.StatusCode)
	}
	var cookies []string
	for _, c := range resp.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	if len(cookies) == 0 {
		t.Fatalf("%s set no session cookie", path)
	}
	return client{base: n.base, headers: map[string]string{"Cookie": strings.Join(cookies, "; ")}}
}
