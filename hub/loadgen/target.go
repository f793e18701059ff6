package loadgen

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNotLoopback is what Run returns, before sending or dialling anything,
// for a target that is not on this machine. It is a sentinel so that a
// benchmark harness can tell "pointed at the wrong host" apart from a
// failing server, and because this package must never become a tool for
// loading somebody else's service.
var ErrNotLoopback = errors.New("loadgen: target is not a loopback address")

// errStopped is returned by the dialler once the run has been stopped, so a
// worker racing the stop cannot open a fresh connection.
var errStopped = errors.New("loadgen: run stopped")

// target is a checked Config.Target.
type target struct {
	addr   string // host:port handed to the HostClient and to loopbackDial
	prefix string // "http://host:port", prepended to every request path
}

// isLoopbackHost accepts only names that cannot leave the machine: the
// literal "localhost" (never resolved, see loopbackDial) and IP literals in
// 127.0.0.0/8 or ::1. Anything else, including "localhost." and
// abbreviated forms such as "127.1", is refused rather than interpreted.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseTarget checks raw and splits it into the dial address and the URL
// prefix. The loopback check comes first so that a remote target is reported
// as ErrNotLoopback whatever else is wrong with it.
func parseTarget(raw string) (target, error) {
	if raw == "" {
		return target{}, errors.New("loadgen: Config.Target is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, fmt.Errorf("loadgen: parse target %q: %w", raw, err)
	}
	host := u.Hostname()
	if !isLoopbackHost(host) {
		return target{}, fmt.Errorf("%w: %q", ErrNotLoopback, raw)
	}
	if u.Scheme != "http" {
		return target{}, fmt.Errorf("loadgen: target %q: scheme %q not supported, use http", raw, u.Scheme)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return target{}, fmt.Errorf("loadgen: target %q must be scheme://host:port only; put paths in Request.Path", raw)
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return target{}, fmt.Errorf("loadgen: target %q: bad port %q", raw, port)
	}
	addr := net.JoinHostPort(host, port)
	return target{addr: addr, prefix: "http://" + addr}, nil
}

// dialFunc is the raw dial underneath loopbackDial. It is a parameter so the
// tests can prove that a refused target is never dialled.
type dialFunc func(network, addr string, timeout time.Duration) (net.Conn, error)

// netDial is the production dialFunc.
func netDial(network, addr string, timeout time.Duration) (net.Conn, error) {
	return net.DialTimeout(network, addr, timeout)
}

// loopbackDial is the second line of defence behind parseTarget: it re-checks
// every address it is asked for and dials IP literals only, so no DNS lookup
// can redirect "localhost" elsewhere. localhost is tried as 127.0.0.1, then ::1.
func loopbackDial(dial dialFunc, addr string, timeout time.Duration) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: dial %q: %w", ErrNotLoopback, addr, err)
	}
	var ips []string
	switch {
	case strings.EqualFold(host, "localhost"):
		ips = []string{"127.0.0.1", "::1"}
	case isLoopbackHost(host):
		ips = []string{host}
	default:
		return nil, fmt.Errorf("%w: dial %q", ErrNotLoopback, addr)
	}
	var firstErr error
	for _, ip := range ips {
		c, err := dial("tcp", net.JoinHostPort(ip, port), timeout)
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("loadgen: dial %s: %w", addr, firstErr)
}

// connSet remembers every open connection of a run. fasthttp cannot cancel a
// request in flight, so closing its connection is how a cancelled context
// stops a worker that is blocked on a hung server; closing the rest at the
// end stops keep-alive connections from outliving the run.
type connSet struct {
	mu     sync.Mutex
	conns  map[*trackedConn]struct{}
	closed bool
}

func newConnSet() *connSet {
	return &connSet{conns: make(map[*trackedConn]struct{})}
}

// add registers c, or closes it at once if the set has been shut.
func (s *connSet) add(c net.Conn) (net.Conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = c.Close()
		return nil, errStopped
	}
	tc := &trackedConn{Conn: c, set: s}
	s.conns[tc] = struct{}{}
	return tc, nil
}

// closeAll shuts the set and closes every connection still in it.
func (s *connSet) closeAll() {
	s.mu.Lock()
	s.closed = true
	open := make([]*trackedConn, 0, len(s.conns))
	for c := range s.conns {
		open = append(open, c)
	}
	clear(s.conns)
	s.mu.Unlock()
	for _, c := range open {
		_ = c.Conn.Close()
	}
}

// trackedConn leaves its set when fasthttp closes it, so reconnects
// (a server answering "Connection: close") do not pile up.
type trackedConn struct {
	net.Conn
	set *connSet
}

// Close implements net.Conn.
func (c *trackedConn) Close() error {
	c.set.mu.Lock()
	delete(c.set.conns, c)
	c.set.mu.Unlock()
	return c.Conn.Close()
}
