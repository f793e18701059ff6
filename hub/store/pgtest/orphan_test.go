package pgtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const helperEnv = "PGTEST_ORPHAN_HELPER"

// holdClusterForParent is the child side of TestKilledBinaryLeavesNoServer:
// start a cluster, tell the parent its postmaster pid and run dir, then
// block until the parent kills us.
func holdClusterForParent() int {
	c, err := Start(Options{})
	if err != nil {
		fmt.Println("ERROR", err)
		return 1
	}
	fmt.Printf("READY %d %s\n", c.proc.cmd.Process.Pid, c.dir)
	_, _ = io.Copy(io.Discard, os.Stdin) // EOF only if the parent went away
	_ = c.Stop()
	return 0
}

func TestKilledBinaryLeavesNoServer(t *testing.T) {
	if _, ok := Available(); !ok {
		noServer(t)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(60 * time.Second):
	}
	var pid int
	var dir string
	if _, err := fmt.Sscanf(line, "READY %d %s", &pid, &dir); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper said %q (%v); stderr:\n%s", line, err, stderr.String())
	}
	procs := append([]int{pid}, childrenOf(pid)...)
	if len(procs) < 2 {
		t.Errorf("postmaster %d has no child processes; is it really postgres?", pid)
	}

	if err := cmd.Process.Kill(); err != nil { // like a -timeout panic or kill -9
		t.Fatal(err)
	}
	_ = cmd.Wait()

	t0 := time.Now()
	survivors := procs
	for backoff := 5 * time.Millisecond; len(survivors) > 0 && time.Since(t0) < 20*time.Second; backoff = min(2*backoff, 200*time.Millisecond) {
		survivors = survivors[:0:0]
		for _, p := range procs {
			if alive(p) {
				survivors = append(survivors, p)
			}
		}
		if len(survivors) > 0 {
			time.Sleep(backoff) // polling a real condition (process gone), bounded above
		}
	}
	if len(survivors) > 0 {
		for _, p := range survivors {
			if proc, err := os.FindProcess(p); err == nil {
				_ = proc.Kill() // leave no orphan behind even when failing
			}
		}
		t.Fatalf("postgres processes %v outlived their killed test binary", survivors)
	}
	t.Logf("postmaster and %d children gone %v after the test binary was killed", len(procs)-1, time.Since(t0).Round(time.Millisecond))

	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("killed helper's run dir should still be there to sweep: %v", err)
	}
	removed := sweepStale(filepath.Dir(dir))
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("sweepStale left %s behind (removed %v)", dir, removed)
	}
}

// alive treats zombies as dead: they run nothing and hold no port or file,
// and reaping them is the job of whoever inherited them.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}

func childrenOf(ppid int) []int {
	entries, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(ppid) {
			kids = append(kids, pid)
		}
	}
	return kids
}
