package ssrf

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Client defaults. Deliveries go to many hosts we do not control, so every
// phase has a bound: a dead endpoint must not hold a delivery worker.
const (
	// DefaultConnectTimeout: a host that cannot accept a TCP connection in
	// 5 s is down for our purposes; the retry schedule will try again.
	DefaultConnectTimeout = 5 * time.Second
	// DefaultRequestTimeout bounds a whole attempt, so a slow endpoint costs
	// a worker at most 15 s per attempt.
	DefaultRequestTimeout = 15 * time.Second
	// DefaultTLSHandshakeTimeout stops a peer that accepts TCP but stalls
	// the handshake.
	DefaultTLSHandshakeTimeout = 5 * time.Second
	// DefaultMaxIdleConnsPerHost keeps connections warm for bursts of
	// deliveries to one endpoint (net/http's default is only 2).
	DefaultMaxIdleConnsPerHost = 16
	// maxResponseHeaderBytes bounds what a hostile endpoint can make us
	// buffer before the body, far below net/http's 10 MB default.
	maxResponseHeaderBytes = 64 << 10
)

// Control refuses a connection whose actual destination the policy does not
// allow. It has net.Dialer.Control's signature and runs after DNS resolution,
// before the connection is attempted, once per address tried: checking here
// rather than on the hostname is what defeats DNS rebinding, since no answer
// the resolver gives can redirect a connection to a refused address.
func (p Policy) Control(network, address string, _ syscall.RawConn) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return blocked("refusing to dial %s network %q", address, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &BlockedError{Reason: "destination " + address + " is not an IP address and port", Err: err}
	}
	return p.CheckAddr(ap.Addr())
}

// ClientOptions tunes NewClient. Zero fields take the package defaults; the
// knobs exist so tests can shorten timeouts and trust a test certificate.
type ClientOptions struct {
	// ConnectTimeout bounds establishing the TCP connection.
	ConnectTimeout time.Duration
	// Timeout bounds the whole request, from dialling to reading the body.
	Timeout time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake.
	TLSHandshakeTimeout time.Duration
	// MaxIdleConnsPerHost is how many idle connections to keep per host,
	// since many deliveries often go to one endpoint.
	MaxIdleConnsPerHost int
	// Resolver, if set, resolves hostnames instead of net.DefaultResolver,
	// for tests that must not send DNS queries and for deployments with a
	// dedicated resolver. Whatever it answers is still checked by Control.
	Resolver *net.Resolver
	// TLSConfig, if set, is cloned for the transport (for example to trust
	// a test server's certificate). Its minimum version is raised to TLS 1.2.
	TLSConfig *tls.Config
}

func (o ClientOptions) withDefaults() ClientOptions {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultRequestTimeout
	}
	if o.TLSHandshakeTimeout <= 0 {
		o.TLSHandshakeTimeout = DefaultTLSHandshakeTimeout
	}
	if o.MaxIdleConnsPerHost <= 0 {
		o.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	}
	return o
}

// NewClient returns the http.Client every outbound request of the hub should
// use. It checks each request's URL with CheckURL, each connection's address
// with Control, never uses a proxy from the environment (a proxy would dial
// on our behalf, out of reach of the check), and never follows redirects: the
// 3xx response is the result, because a redirect is a second, unchecked
// target and the design counts 3xx as a failed delivery anyway.
func NewClient(p Policy, o ClientOptions) *http.Client {
	o = o.withDefaults()
	dialer := &net.Dialer{
		Timeout:   o.ConnectTimeout,
		KeepAlive: 30 * time.Second,
		Control:   p.Control,
		Resolver:  o.Resolver,
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.TLSConfig != nil {
		tlsConfig = o.TLSConfig.Clone()
		if tlsConfig.MinVersion < tls.VersionTLS12 {
			tlsConfig.MinVersion = tls.VersionTLS12
		}
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		TLSClientConfig:        tlsConfig,
		TLSHandshakeTimeout:    o.TLSHandshakeTimeout,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           max(100, 4*o.MaxIdleConnsPerHost),
		MaxIdleConnsPerHost:    o.MaxIdleConnsPerHost,
		IdleConnTimeout:        90 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
	}
	return &http.Client{
		Transport: &guardedTransport{policy: p, next: transport, dialer: dialer},
		Timeout:   o.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// guardedTransport checks every request's URL before it reaches the
// transport, so plain http and credentials are refused even for requests
// built by hand rather than from a saved, already checked URL.
type guardedTransport struct {
	policy Policy
	next   *http.Transport
	dialer *net.Dialer // kept for tests to inspect
}

func (t *guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.policy.checkURL(req.URL); err != nil {
		if req.Body != nil {
			_ = req.Body.Close() // RoundTrip must close the body, even on error
		}
		return nil, err
	}
	return t.next.RoundTrip(req)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the pool.
func (t *guardedTransport) CloseIdleConnections() { t.next.CloseIdleConnections() }
