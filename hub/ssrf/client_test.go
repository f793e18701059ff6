package ssrf

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Every server in this file is an httptest server on loopback; the client
// under test never has a reason to dial anything else.

// countingServer is a loopback server that counts requests and connections.
type countingServer struct {
	*httptest.Server
	requests atomic.Int32
	conns    atomic.Int32
}

func newCountingServer(t *testing.T, tlsServer bool, h http.HandlerFunc) *countingServer {
	t.Helper()
	cs := &countingServer{}
	cs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.requests.Add(1)
		h(w, r)
	}))
	cs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			cs.conns.Add(1)
		}
	}
	if tlsServer {
		cs.StartTLS()
	} else {
		cs.Start()
	}
	t.Cleanup(cs.Close)
	return cs
}

func ok(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "delivered") }

// withHost replaces the host of u (keeping the port) by host.
func withHost(t *testing.T, u, host string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	parsed.Host = net.JoinHostPort(host, parsed.Port())
	return parsed.String()
}

// requireLocalhostInHosts skips a test unless /etc/hosts maps localhost, so
// resolving it never sends a DNS query off the machine. In CI (CI=true) a
// missing mapping fails instead: nothing may be skipped there.
func requireLocalhostInHosts(t *testing.T) {
	t.Helper()
	skip := t.Skipf
	if os.Getenv("CI") == "true" {
		skip = t.Fatalf
	}
	data, err := os.ReadFile("/etc/hosts")
	if err != nil {
		skip("no /etc/hosts: %v", err)
	}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		for _, f := range fields[min(1, len(fields)):] {
			if f == "localhost" && net.ParseIP(fields[0]).IsLoopback() {
				return
			}
		}
	}
	skip("/etc/hosts does not map localhost to a loopback address")
}

// noDNS is the resolver every client in these tests uses: names come from
// /etc/hosts or fail, and no query ever leaves the machine.
var noDNS = &net.Resolver{
	PreferGo: true,
	Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("tests must not send DNS queries")
	},
}

func mustPolicy(t *testing.T, s string) Policy {
	t.Helper()
	p, err := ParsePolicy(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClientOverHTTP(t *testing.T) {
	srv := newCountingServer(t, false, ok)
	tests := []struct {
		name    string
		policy  string
		url     string
		refusal string // substring of the refusal; "" means delivered
		atDial  bool   // the refusal must come from the dialer
	}{
		{name: "default policy refuses loopback", url: srv.URL, refusal: "destination 127.0.0.1 is a loopback address"},
		{name: "ipv6-only allow-list refuses 127.0.0.1", policy: "::1", url: srv.URL, refusal: "destination 127.0.0.1 is a loopback address"},
		{name: "userinfo refused before sending", policy: "127.0.0.0/8", url: strings.Replace(srv.URL, "http://", "http://user:pw@", 1), refusal: "user name or password"},
		{name: "plain http to a hostname needs all", policy: "127.0.0.0/8", url: withHost(t, srv.URL, "localhost"), refusal: "must use https"},
		{name: "allow-listed loopback range", policy: "127.0.0.0/8", url: srv.URL},
		{name: "allow-listed single address", policy: "127.0.0.1", url: srv.URL},
		{name: "legacy spelling refused before any lookup", policy: "127.0.0.0/8", url: withHost(t, srv.URL, "127.1"), refusal: "unusual spelling of 127.0.0.1"},
		{name: "all", policy: "all", url: srv.URL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.requests.Load()
			client := NewClient(mustPolicy(t, tt.policy), ClientOptions{Resolver: noDNS})
			defer client.CloseIdleConnections()
			resp, err := client.Get(tt.url)
			if tt.refusal == "" {
				if err != nil {
					t.Fatalf("Get(%s) = %v, want delivered", tt.url, err)
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				if err != nil || resp.StatusCode != http.StatusOK || string(body) != "delivered" {
					t.Fatalf("response %d %q (%v), want 200 \"delivered\"", resp.StatusCode, body, err)
				}
				if got := srv.requests.Load() - before; got != 1 {
					t.Fatalf("server saw %d requests, want 1", got)
				}
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatalf("Get(%s) delivered (status %d), want refusal %q", tt.url, resp.StatusCode, tt.refusal)
			}
			if !IsBlocked(err) || !strings.Contains(err.Error(), tt.refusal) {
				t.Fatalf("Get(%s) = %v, want a refusal containing %q", tt.url, err, tt.refusal)
			}
			if got := srv.requests.Load() - before; got != 0 {
				t.Fatalf("server saw %d requests, want none", got)
			}
		})
	}
}

func TestClientRefusesLocalhostAtDial(t *testing.T) {
	requireLocalhostInHosts(t)
	srv := newCountingServer(t, true, ok)
	// https to a hostname passes the URL check; only the dialer, seeing the
	// resolved loopback address, can refuse it.
	target := withHost(t, srv.URL, "localhost")
	if err := (Policy{}).CheckURL(target); err != nil {
		t.Fatalf("CheckURL(%s) = %v; this test needs the URL check to pass", target, err)
	}
	client := NewClient(Policy{}, ClientOptions{Resolver: noDNS, TLSConfig: trust(srv.Certificate())})
	resp, err := client.Get(target)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("Get(%s) delivered, want refusal", target)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op != "dial" {
		t.Errorf("error %v was not raised while dialling", err)
	}
	if !IsBlocked(err) || !strings.Contains(err.Error(), "is a loopback address") {
		t.Fatalf("Get(%s) = %v, want a loopback refusal", target, err)
	}
	if n := srv.conns.Load(); n != 0 {
		t.Fatalf("server accepted %d connections, want none", n)
	}
}

func TestClientAllowsLocalhostUnderAll(t *testing.T) {
	requireLocalhostInHosts(t)
	srv := newCountingServer(t, false, ok)
	client := NewClient(Policy{AllowAll: true}, ClientOptions{Resolver: noDNS})
	resp, err := client.Get(withHost(t, srv.URL, "localhost"))
	if err != nil {
		t.Fatalf("Get = %v, want delivered", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || srv.requests.Load() != 1 {
		t.Fatalf("status %d after %d requests, want 200 after 1", resp.StatusCode, srv.requests.Load())
	}
}

func trust(cert *x509.Certificate) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{RootCAs: pool}
}

func TestClientOverHTTPS(t *testing.T) {
	srv := newCountingServer(t, true, ok)
	tests := []struct {
		name    string
		policy  string
		refusal string
	}{
		{name: "default policy refuses loopback", refusal: "destination 127.0.0.1 is a loopback address"},
		{name: "allow-listed loopback", policy: "127.0.0.0/8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := NewClient(mustPolicy(t, tt.policy), ClientOptions{Resolver: noDNS, TLSConfig: trust(srv.Certificate())})
			defer client.CloseIdleConnections()
			resp, err := client.Get(srv.URL)
			if tt.refusal != "" {
				if err == nil {
					resp.Body.Close()
					t.Fatal("delivered, want refusal")
				}
				if !IsBlocked(err) || !strings.Contains(err.Error(), tt.refusal) {
					t.Fatalf("Get = %v, want a refusal containing %q", err, tt.refusal)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get = %v, want delivered", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.TLS == nil {
				t.Fatalf("status %d, TLS %v; want 200 over TLS", resp.StatusCode, resp.TLS != nil)
			}
		})
	}
}

func TestClientDoesNotFollowRedirects(t *testing.T) {
	next := newCountingServer(t, false, ok)
	location := next.URL + "/elsewhere"
	first := newCountingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, location, http.StatusFound)
	})
	client := NewClient(mustPolicy(t, "127.0.0.0/8"), ClientOptions{Resolver: noDNS})
	resp, err := client.Post(first.URL, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatalf("Post = %v, want the 302 response", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("status = %d, want 302", resp.StatusCode)
	}
	if got := resp.Header.Get("Location"); got != location {
		t.Errorf("Location = %q, want %q", got, location)
	}
	if n := next.requests.Load(); n != 0 {
		t.Errorf("redirect target saw %d requests, want none", n)
	}
	if n := first.requests.Load(); n != 1 {
		t.Errorf("first server saw %d requests, want 1", n)
	}
}

func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := newCountingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	client := NewClient(mustPolicy(t, "127.0.0.1"), ClientOptions{Resolver: noDNS, Timeout: 100 * time.Millisecond})
	start := time.Now()
	resp, err := client.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatal("Get returned a response from a server that never answers")
	}
	var urlErr *url.Error
	if !errors.As(err, &urlErr) || !urlErr.Timeout() {
		t.Fatalf("Get = %v, want a timeout", err)
	}
	if IsBlocked(err) {
		t.Errorf("a timeout is reported as a policy refusal")
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("timed out after %v; the configured 100ms was not applied", elapsed)
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestRefusedRequestClosesBody(t *testing.T) {
	body := &closeRecorder{Reader: strings.NewReader(`{}`)}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/hook", body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := NewClient(Policy{}, ClientOptions{Resolver: noDNS}).Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("request delivered, want refusal")
	}
	if !IsBlocked(err) {
		t.Errorf("Do = %v, want a refusal", err)
	}
	if !body.closed {
		t.Errorf("request body was not closed after the refusal")
	}
}
