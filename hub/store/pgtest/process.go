package pgtest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// pinned is a child process started from a goroutine locked to its OS
// thread. Go's Pdeathsig fires when the forking *thread* exits, not the
// process, so the goroutine keeps the thread locked and blocks in Wait for
// the child's whole life; only after the child is gone does it return and
// let the runtime retire the thread.
type pinned struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once the child has been reaped
	err    error         // Wait's result; read only after exited is closed
}

// startPinned starts cmd as described on pinned.
func startPinned(cmd *exec.Cmd) (*pinned, error) {
	p := &pinned{cmd: cmd, exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // deliberately never unlocked
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	return p, nil
}

// wait blocks until the child exits or limit passes, killing it in the
// latter case so a hung initdb cannot hang the test binary.
func (p *pinned) wait(limit time.Duration) error {
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-p.exited:
		return p.err
	case <-t.C:
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	return fmt.Errorf("%s still running after %v; killed", p.cmd.Path, limit)
}

// shutdown asks postgres for a fast shutdown (SIGINT: abort transactions,
// disconnect clients, checkpoint, exit) and escalates to SIGKILL after
// grace, so Stop is bounded even if the server wedges.
func (p *pinned) shutdown(grace time.Duration) error {
	select {
	case <-p.exited:
		return fmt.Errorf("postgres had already exited: %v", p.err)
	default:
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		return fmt.Errorf("signal postgres: %w", err)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.exited:
		return nil
	case <-t.C:
	}
	_ = p.cmd.Process.Kill()
	k := time.NewTimer(5 * time.Second)
	defer k.Stop()
	select {
	case <-p.exited:
		return fmt.Errorf("postgres ignored SIGINT for %v; killed it", grace)
	case <-k.C:
		return fmt.Errorf("postgres (pid %d) still alive 5s after SIGKILL", p.cmd.Process.Pid)
	}
}

// tail returns the last few lines of a log file, because a server that
// failed to start explains why only there.
func tail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	defer f.Close()
	const keep = 3000
	if st, err := f.Stat(); err == nil && st.Size() > keep {
		_, _ = f.Seek(st.Size()-keep, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	if len(b) >= keep {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "(log is empty)"
	}
	return "--- " + path + " (tail) ---\n" + s
}
