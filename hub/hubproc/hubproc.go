// Package hubproc runs the real visage-hub binary for tests that must see
// the hub from outside, the way operators and the connector platforms do:
// CLI commands that print one value, and `serve` on a loopback port. The
// CLI tests, the dispatcher's crash tests and the Make contract test share
// it, so "build once, start, wait for the listening line" is written once.
package hubproc

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Package is the import path of the binary's main package; building by
// import path works from any folder of the module.
const Package = "github.com/visage-jobs/visage-hub/cmd/visage-hub"

// Build compiles the binary into dir and returns its path.
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "visage-hub")
	out, err := exec.Command("go", "build", "-o", bin, Package).CombinedOutput()
	if err != nil {
		return "", &buildError{err: err, out: string(out)}
	}
	return bin, nil
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "build visage-hub: " + e.err.Error() + "\n" + e.out }

// CLI runs one command of bin against the database and returns its stdout,
// trimmed; a failing command fails the test with its stderr.
func CLI(t testing.TB, bin, dbURL string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "VISAGE_DATABASE_URL="+dbURL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("visage-hub %v: %v\n%s", args, err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// Process is a running `visage-hub serve`, killed when the test ends.
type Process struct {
	Cmd    *exec.Cmd
	Base   string // http://127.0.0.1:PORT
	Stdout *Buffer
}

// listenRE matches the log line serve writes once its socket is open.
var listenRE = regexp.MustCompile(`msg=listening addr=(http://\S+)`)

// startTimeout bounds how long a hub may take to start listening (it
// migrates the database first).
const startTimeout = 60 * time.Second

// Serve starts `bin serve` on a free loopback port with the database and
// extra environment (later entries win), and returns once it listens.
func Serve(t testing.TB, bin, dbURL string, env ...string) *Process {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(append(os.Environ(), "VISAGE_DATABASE_URL="+dbURL, "VISAGE_LOG_FORMAT=text"), env...)
	stdout := &Buffer{}
	cmd.Stdout = stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.AfterFunc(startTimeout, func() { _ = cmd.Process.Kill() })
	defer deadline.Stop()
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			return &Process{Cmd: cmd, Base: m[1], Stdout: stdout}
		}
	}
	t.Fatal("the hub never said it was listening")
	return nil
}

// Buffer is a bytes.Buffer safe to read while the process writes to it.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer for the process's output.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
