package ssrf

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestControl(t *testing.T) {
	// Control only inspects its arguments, so non-loopback addresses here
	// are decided, never dialled.
	tests := []struct {
		name    string
		policy  string
		network string
		address string
		want    string // substring of the refusal; "" means allowed
	}{
		{name: "public ipv4", network: "tcp4", address: "93.184.216.34:443"},
		{name: "public ipv6", network: "tcp6", address: "[2606:4700:4700::1111]:443"},
		{name: "loopback", network: "tcp4", address: "127.0.0.1:8080", want: "destination 127.0.0.1 is a loopback address"},
		{name: "ipv6 loopback", network: "tcp6", address: "[::1]:8080", want: "destination ::1 is a loopback address"},
		{name: "mapped private", network: "tcp6", address: "[::ffff:10.0.0.1]:80", want: "destination 10.0.0.1 is a private address"},
		{name: "metadata", network: "tcp4", address: "169.254.169.254:80", want: "cloud metadata address"},
		{name: "link-local with zone", network: "tcp6", address: "[fe80::1%eth0]:80", want: "link-local address"},
		{name: "udp", network: "udp4", address: "93.184.216.34:53", want: "refusing to dial"},
		{name: "unix socket", network: "unix", address: "/run/docker.sock", want: "refusing to dial"},
		{name: "unresolved name", network: "tcp", address: "localhost:80", want: "not an IP address and port"},
		{name: "allow-listed loopback", policy: "127.0.0.0/8", network: "tcp4", address: "127.0.0.1:8080"},
		{name: "allow-list is exact", policy: "127.0.0.0/8", network: "tcp6", address: "[::1]:8080", want: "loopback address"},
		{name: "all", policy: "all", network: "tcp4", address: "10.0.0.1:80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			err = p.Control(tt.network, tt.address, nil)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Control(%s, %s) = %v, want allowed", tt.network, tt.address, err)
				}
				return
			}
			if !IsBlocked(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Control(%s, %s) = %v, want a refusal containing %q", tt.network, tt.address, err, tt.want)
			}
		})
	}
}

// TestDialerRefusesBeforeConnecting shows that a dialer using Control never
// reaches the listener: the first connection the listener accepts is the one
// made afterwards with an allowing policy.
func TestDialerRefusesBeforeConnecting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	refusing := &net.Dialer{Control: Policy{}.Control}
	_, err = refusing.Dial("tcp", ln.Addr().String())
	if !IsBlocked(err) {
		t.Fatalf("Dial = %v, want a refusal", err)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("refusal %T is not reported as a dial error", err)
	}
	if want := "destination 127.0.0.1 is a loopback address"; !strings.Contains(err.Error(), want) {
		t.Errorf("Dial error %q does not contain %q", err, want)
	}

	p, err := ParsePolicy("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	allowing := &net.Dialer{Control: p.Control}
	conn, err := allowing.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("allowed Dial: %v", err)
	}
	defer conn.Close()
	accepted, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer accepted.Close()
	if accepted.RemoteAddr().String() != conn.LocalAddr().String() {
		t.Fatalf("listener first accepted %s, not the allowed dial from %s: the refused dial connected",
			accepted.RemoteAddr(), conn.LocalAddr())
	}
}

func TestNewClientDefaults(t *testing.T) {
	c := NewClient(Policy{}, ClientOptions{})
	if c.Timeout != DefaultRequestTimeout {
		t.Errorf("Timeout = %v, want %v", c.Timeout, DefaultRequestTimeout)
	}
	if c.CheckRedirect == nil || !errors.Is(c.CheckRedirect(nil, nil), http.ErrUseLastResponse) {
		t.Errorf("CheckRedirect does not stop at the first response")
	}
	gt, ok := c.Transport.(*guardedTransport)
	if !ok {
		t.Fatalf("Transport is %T, want the guarded transport", c.Transport)
	}
	tr := gt.next
	if tr.Proxy != nil {
		t.Errorf("Proxy is set; an environment proxy would dial unchecked")
	}
	if tr.DialContext == nil || gt.dialer == nil || gt.dialer.Control == nil {
		t.Errorf("the dialer has no Control; connections would not be checked")
	}
	if gt.dialer.Timeout != DefaultConnectTimeout {
		t.Errorf("connect timeout = %v, want %v", gt.dialer.Timeout, DefaultConnectTimeout)
	}
	if gt.dialer.Resolver != nil {
		t.Errorf("Resolver is set by default; want net.DefaultResolver")
	}
	if tr.TLSHandshakeTimeout != DefaultTLSHandshakeTimeout {
		t.Errorf("TLSHandshakeTimeout = %v, want %v", tr.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout)
	}
	if tr.MaxIdleConnsPerHost != DefaultMaxIdleConnsPerHost {
		t.Errorf("MaxIdleConnsPerHost = %d, want %d", tr.MaxIdleConnsPerHost, DefaultMaxIdleConnsPerHost)
	}
	if tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 {
		t.Errorf("TLS minimum version is not 1.2")
	}
}

func TestNewClientOptions(t *testing.T) {
	base := &tls.Config{ServerName: "hooks.example.com", MinVersion: tls.VersionTLS10}
	resolver := &net.Resolver{PreferGo: true}
	c := NewClient(Policy{}, ClientOptions{
		ConnectTimeout:      time.Millisecond,
		Resolver:            resolver,
		Timeout:             time.Second,
		TLSHandshakeTimeout: 2 * time.Second,
		MaxIdleConnsPerHost: 3,
		TLSConfig:           base,
	})
	gt := c.Transport.(*guardedTransport)
	tr := gt.next
	tests := []struct {
		name      string
		got, want any
	}{
		{name: "connect timeout", got: gt.dialer.Timeout, want: time.Millisecond},
		{name: "resolver", got: gt.dialer.Resolver, want: resolver},
		{name: "timeout", got: c.Timeout, want: time.Second},
		{name: "tls handshake timeout", got: tr.TLSHandshakeTimeout, want: 2 * time.Second},
		{name: "idle per host", got: tr.MaxIdleConnsPerHost, want: 3},
		{name: "tls config used", got: tr.TLSClientConfig.ServerName, want: "hooks.example.com"},
		{name: "tls minimum raised", got: tr.TLSClientConfig.MinVersion, want: uint16(tls.VersionTLS12)},
		{name: "caller's tls config untouched", got: base.MinVersion, want: uint16(tls.VersionTLS10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}
