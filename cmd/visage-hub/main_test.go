package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/visage-jobs/visage-hub/hub/hubproc"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/pgtest"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "visage-bin-")
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

// cli runs the binary with the database URL and returns its stdout.
func cli(t *testing.T, dbURL string, args ...string) string {
	t.Helper()
	return hubproc.CLI(t, binPath, dbURL, args...)
}

// hubProcess is a running `visage-hub serve`.
type hubProcess struct {
	cmd    *exec.Cmd
	base   string
	stdout *hubproc.Buffer
}

func startHub(t *testing.T, dbURL string) *hubProcess { return startHubEnv(t, dbURL) }

// startHubEnv is startHub with extra environment.
func startHubEnv(t *testing.T, dbURL string, env ...string) *hubProcess {
	t.Helper()
	p := hubproc.Serve(t, binPath, dbURL, env...)
	return &hubProcess{cmd: p.Cmd, base: p.Base, stdout: p.Stdout}
}

func getJSON(t *testing.T, url, cred string, v any) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", url, nil)
	if cred != "" {
		req.Header.Set("Authorization", "Bearer "+cred)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if v != nil {
		_ = json.NewDecoder(res.Body).Decode(v)
	}
	return res.StatusCode
}

// TestFirstRun is the newcomer's path: serve on an empty database prints a
// sign-in link, the link signs a browser in to the settings page (session
// cookie, redirect to /settings), the page creates a key, the key passes
// /v1/me; then SIGTERM stops the process cleanly.
func TestFirstRun(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.URL(t, d)
			h := startHub(t, db)
			link := regexp.MustCompile(`http://\S+/settings/login\?token=\S+`).FindString(h.stdout.String())
			if link == "" {
				t.Fatalf("no sign-in link printed; stdout:\n%s", h.stdout)
			}
			jar, err := cookiejar.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			browser := &http.Client{Jar: jar}
			page := getPage(t, browser, link)
			if page.Request.URL.Path != "/settings" || !strings.Contains(page.body, "No API keys yet") {
				t.Fatalf("sign-in link landed on %s: %s", page.Request.URL, page.body)
			}
			if cs := jar.Cookies(page.Request.URL); len(cs) != 1 || cs[0].Name != "visage_session" {
				t.Fatalf("cookies after sign-in: %v", cs)
			}
			csrf := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page.body)
			if csrf == nil {
				t.Fatalf("no CSRF token on the settings page: %s", page.body)
			}
			res, err := browser.PostForm(h.base+"/settings/api-keys", url.Values{"csrf_token": {csrf[1]}, "label": {"first"}})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			key := regexp.MustCompile(`id="new-key"[^>]*value="(vsk_[0-9A-Za-z]+)"`).FindSubmatch(body)
			if res.StatusCode != http.StatusCreated || key == nil {
				t.Fatalf("create key in the page: %d %s", res.StatusCode, body)
			}
			var me struct {
				AccountName string `json:"account_name"`
			}
			if code := getJSON(t, h.base+"/v1/me", string(key[1]), &me); code != 200 || me.AccountName == "" {
				t.Fatalf("/v1/me: %d %+v", code, me)
			}
			if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := h.cmd.Wait(); err != nil {
				t.Fatalf("hub did not exit cleanly on SIGTERM: %v", err)
			}
		})
	}
}

// page is a fetched HTML page and the request that finally produced it.
type page struct {
	*http.Response
	body string
}

// getPage fetches url with client, following redirects, and wants a 200.
func getPage(t *testing.T, client *http.Client, url string) page {
	t.Helper()
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	return page{Response: res, body: string(b)}
}

// TestScriptableCLI checks that each command prints just the value, so
// scripts can capture it.
func TestScriptableCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	acct := cli(t, db, "accounts", "create", "--name", "Initech")
	if !regexp.MustCompile(`^acct_[0-9a-z]{26}$`).MatchString(acct) {
		t.Fatalf("accounts create printed %q", acct)
	}
	key := cli(t, db, "keys", "create", "--account", acct, "--label", "script")
	if !regexp.MustCompile(`^vsk_[0-9A-Za-z]{32}$`).MatchString(key) {
		t.Fatalf("keys create printed %q", key)
	}
	tok := cli(t, db, "token", "--account", acct, "--role", "member", "--ttl", "5m")
	if strings.Count(tok, ".") != 2 {
		t.Fatalf("token printed %q", tok)
	}
	list := cli(t, db, "keys", "list", "--account", acct)
	if !strings.Contains(list, "active") || !strings.Contains(list, "script") || strings.Contains(list, key) {
		t.Fatalf("keys list printed %q", list)
	}
	id := strings.Fields(list)[0]
	if got := cli(t, db, "keys", "revoke", "--account", acct, "--id", id); got != id {
		t.Fatalf("keys revoke printed %q", got)
	}
	link := cli(t, db, "login-link", "--account", acct)
	if !strings.Contains(link, "/settings/login?token=") {
		t.Fatalf("login-link printed %q", link)
	}
	status := cli(t, db, "migrate", "status")
	if !strings.Contains(status, "applied") || strings.Contains(status, "pending") {
		t.Fatalf("migrate status printed %q", status)
	}
	var full struct {
		ID, Name string
	}
	if err := json.Unmarshal([]byte(cli(t, db, "accounts", "create", "--name", "Hooli", "--json")), &full); err != nil || full.Name != "Hooli" {
		t.Fatalf("--json: %+v %v", full, err)
	}
}

func TestServeHelpNamesEverySetting(t *testing.T) {
	out, _ := exec.Command(binPath, "serve", "--help").CombinedOutput()
	for _, env := range []string{"VISAGE_ADDR", "VISAGE_DATABASE_URL", "VISAGE_JWT_SECRET", "VISAGE_PUBLIC_URL", "VISAGE_ALLOW_PRIVATE_TARGETS", "VISAGE_LOG_FORMAT", "VISAGE_JWT_SECRET_FILE"} {
		if !strings.Contains(string(out), env) {
			t.Errorf("serve --help does not mention %s", env)
		}
	}
}
