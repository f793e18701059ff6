//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// repoRoot is two folders up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// freePort asks the kernel for an unused loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// run runs a command to completion and returns its stdout; a failure
// fails the test with both streams.
func run(t *testing.T, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	t.Logf("%s %s: %s", filepath.Base(name), firstArg(args), time.Since(start).Round(100*time.Millisecond))
	return stdout.Bytes()
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// daemon is a long-running child process whose output goes to a log file.
type daemon struct {
	cmd  *exec.Cmd
	log  string
	done chan error
}

// startDaemon starts a process in its own process group, so stopping it
// also stops what it spawned (n8n's task runner), and logs to logPath.
func startDaemon(t *testing.T, dir string, env []string, logPath, name string, args ...string) *daemon {
	t.Helper()
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	d := &daemon{cmd: cmd, log: logPath, done: make(chan error, 1)}
	go func() { d.done <- cmd.Wait(); f.Close() }()
	t.Cleanup(func() { d.stop(t) })
	return d
}

// stop ends the process group with SIGTERM, then SIGKILL after 20s.
func (d *daemon) stop(t *testing.T) {
	if d.cmd.ProcessState != nil {
		return
	}
	pgid := d.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-d.done
	}
}

// tail is the end of the daemon's log, for failure messages.
func (d *daemon) tail() string {
	b, _ := os.ReadFile(d.log)
	if len(b) > 6000 {
		b = b[len(b)-6000:]
	}
	return string(b)
}

// logged reports whether the daemon's log contains s.
func (d *daemon) logged(s string) bool {
	b, _ := os.ReadFile(d.log)
	return bytes.Contains(b, []byte(s))
}

// waitFor polls cond every 250ms until it holds or the deadline passes;
// a daemon that exits meanwhile fails the test at once.
func waitFor(t *testing.T, what string, timeout time.Duration, d *daemon, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		if d != nil {
			select {
			case err := <-d.done:
				d.done <- err
				t.Fatalf("%s: process exited (%v) while waiting; log:\n%s", what, err, d.tail())
			default:
			}
		}
		if time.Now().After(deadline) {
			logs := ""
			if d != nil {
				logs = "\nlog:\n" + d.tail()
			}
			t.Fatalf("%s: not within %s (last: %s)%s", what, timeout, last, logs)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// client is a small JSON HTTP client for the hub and n8n's REST API.
type client struct {
	base    string
	headers map[string]string
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// do sends body (JSON-encoded unless nil) and decodes a JSON answer into
// out (when not nil); it returns the status and the raw body.
func (c client) do(t *testing.T, method, path string, body, out any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, raw
}

// must is do that fails the test on any status but want.
func (c client) must(t *testing.T, want int, method, path string, body, out any) []byte {
	t.Helper()
	status, raw := c.do(t, method, path, body, out)
	if status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	return raw
}

// up reports whether GET url answers 200.
func up(url string) (bool, string) {
	resp, err := httpClient.Get(url)
	if err != nil {
		return false, err.Error()
	}
	resp.Body.Close()
	return resp.StatusCode == 200, fmt.Sprint(resp.StatusCode)
}

// writeJSON writes v into dir/name and returns the path.
func writeJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
