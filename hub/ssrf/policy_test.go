package ssrf

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		allowAll bool
		allow    []string // expected prefixes, in order
		wantErr  string   // substring of the error; "" means success
	}{
		{name: "empty allows nothing", in: ""},
		{name: "blank allows nothing", in: "   "},
		{name: "all", in: "all", allowAll: true},
		{name: "all in capitals", in: " ALL ", allowAll: true},
		{name: "single ipv4 address", in: "127.0.0.1", allow: []string{"127.0.0.1/32"}},
		{name: "single ipv6 address", in: "::1", allow: []string{"::1/128"}},
		{name: "ipv4 range", in: "10.0.0.0/8", allow: []string{"10.0.0.0/8"}},
		{name: "ipv6 range", in: "fd00::/8", allow: []string{"fd00::/8"}},
		{name: "list with spaces", in: "127.0.0.0/8, ::1 ,192.168.0.0/16", allow: []string{"127.0.0.0/8", "::1/128", "192.168.0.0/16"}},
		{name: "empty entries are skipped", in: ",10.0.0.0/8,,", allow: []string{"10.0.0.0/8"}},
		{name: "mapped address becomes ipv4", in: "::ffff:10.0.0.1", allow: []string{"10.0.0.1/32"}},
		{name: "mapped range becomes ipv4", in: "::ffff:10.0.0.0/104", allow: []string{"10.0.0.0/8"}},
		{name: "host bits set", in: "10.1.2.3/8", wantErr: "did you mean 10.0.0.0/8"},
		{name: "bad prefix length", in: "10.0.0.0/33", wantErr: "not a valid CIDR range"},
		{name: "hostname", in: "localhost", wantErr: "neither an IP address nor a CIDR range"},
		{name: "garbage in a list", in: "10.0.0.0/8,nope", wantErr: `"nope"`},
		{name: "legacy ipv4 form", in: "127.1", wantErr: "neither an IP address nor a CIDR range"},
		{name: "zone", in: "fe80::1%eth0", wantErr: "zone"},
		{name: "all inside a list", in: "all,10.0.0.0/8", wantErr: "on its own"},
		{name: "wildcard", in: "*", wantErr: "neither an IP address nor a CIDR range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParsePolicy(%q) = %+v, %v; want error containing %q", tt.in, p, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePolicy(%q): %v", tt.in, err)
			}
			if p.AllowAll != tt.allowAll {
				t.Errorf("AllowAll = %v, want %v", p.AllowAll, tt.allowAll)
			}
			got := make([]string, len(p.Allow))
			for i, pr := range p.Allow {
				got[i] = pr.String()
			}
			if !slices.Equal(got, tt.allow) {
				t.Errorf("Allow = %v, want %v", got, tt.allow)
			}
		})
	}
}

func TestParsePolicyWrapsCause(t *testing.T) {
	_, err := ParsePolicy("10.0.0.0/99")
	if errors.Unwrap(err) == nil {
		t.Fatalf("error %v wraps no cause", err)
	}
}

func TestPolicyStringRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "all", in: "All", want: "all"},
		{name: "list", in: "127.0.0.1, fd00::/8", want: "127.0.0.1/32,fd00::/8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
			again, err := ParsePolicy(p.String())
			if err != nil {
				t.Fatalf("re-parsing %q: %v", p.String(), err)
			}
			if again.AllowAll != p.AllowAll || !slices.Equal(again.Allow, p.Allow) {
				t.Fatalf("round trip changed %+v into %+v", p, again)
			}
		})
	}
}

func TestIsBlocked(t *testing.T) {
	be := &BlockedError{Addr: netip.MustParseAddr("127.0.0.1"), Reason: "destination 127.0.0.1 is a loopback address"}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "nil", err: nil, want: false},
		{name: "other error", err: errors.New("connection refused"), want: false},
		{name: "bare", err: be, want: true},
		{name: "wrapped twice", err: fmt.Errorf("deliver: %w", fmt.Errorf("dial: %w", be)), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsBlocked(tt.err); got != tt.want {
				t.Fatalf("IsBlocked(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
	if be.Error() != be.Reason {
		t.Fatalf("Error() = %q, want the reason %q", be.Error(), be.Reason)
	}
}
