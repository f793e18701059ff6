package ssrf

import (
	"net/netip"
	"strings"
	"testing"
)

// These tests decide URLs purely; nothing here resolves or dials.

func TestCheckURL(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		url    string
		want   string // substring of the refusal; "" means allowed
	}{
		{name: "public hostname over https", url: "https://hooks.example.com/visage"},
		{name: "hostname with port and query", url: "https://hooks.example.com:8443/in?x=1#frag"},
		{name: "upper-case scheme", url: "HTTPS://hooks.example.com/"},
		{name: "public ipv4 literal", url: "https://8.8.8.8/hook"},
		{name: "public ipv6 literal", url: "https://[2606:4700:4700::1111]/hook"},
		{name: "localhost passes until dialled", url: "https://localhost/hook"},

		{name: "plain http to a hostname", url: "http://hooks.example.com/", want: "must use https"},
		{name: "plain http to a public ip", url: "http://8.8.8.8/", want: "must use https"},
		{name: "other scheme", url: "ftp://hooks.example.com/", want: "must start with https://"},
		{name: "no scheme", url: "hooks.example.com/path", want: "must start with https://"},
		{name: "javascript scheme", url: "javascript:alert(1)", want: "must start with https://"},
		{name: "opaque https", url: "https:hooks.example.com", want: "has no host"},
		{name: "empty host", url: "https:///path", want: "has no host"},
		{name: "port only", url: "https://:443/path", want: "has no host"},
		{name: "empty string", url: "", want: "must start with https://"},
		{name: "unparsable", url: "https://exa mple.com/", want: "not valid"},
		{name: "user and password", url: "https://user:pass@hooks.example.com/", want: "user name or password"},
		{name: "user only", url: "https://user@hooks.example.com/", want: "user name or password"},
		{name: "userinfo hiding the real host", url: "https://hooks.example.com@127.0.0.1/", want: "user name or password"},
		{name: "port zero", url: "https://hooks.example.com:0/", want: "port \"0\""},
		{name: "port too large", url: "https://hooks.example.com:70000/", want: "port \"70000\""},

		{name: "loopback", url: "https://127.0.0.1/", want: "destination 127.0.0.1 is a loopback address"},
		{name: "loopback with port", url: "https://127.0.0.1:8080/admin", want: "loopback address"},
		{name: "ipv6 loopback", url: "https://[::1]/", want: "destination ::1 is a loopback address"},
		{name: "private 10/8", url: "https://10.0.0.5/", want: "destination 10.0.0.5 is a private address"},
		{name: "private 192.168", url: "https://192.168.1.1/", want: "private address"},
		{name: "metadata", url: "http://169.254.169.254/latest/meta-data/", want: "cloud metadata address"},
		{name: "ipv6 metadata", url: "https://[fd00:ec2::254]/", want: "cloud metadata address"},
		{name: "ipv4-mapped loopback", url: "https://[::ffff:127.0.0.1]/", want: "destination 127.0.0.1 is a loopback address"},
		{name: "ipv4-mapped hex form", url: "https://[::ffff:7f00:1]/", want: "loopback address"},
		{name: "nat64 of loopback", url: "https://[64:ff9b::7f00:1]/", want: "embedding 127.0.0.1"},
		{name: "link-local with zone", url: "https://[fe80::1%25eth0]/", want: "link-local address"},
		{name: "unspecified", url: "https://0.0.0.0/", want: "unspecified address"},
		{name: "decimal loopback", url: "https://2130706433/", want: "destination 127.0.0.1 is a loopback address"},
		{name: "octal loopback", url: "https://0177.0.0.1/", want: "destination 127.0.0.1 is a loopback address"},
		{name: "hex loopback", url: "https://0x7f.0.0.1/", want: "destination 127.0.0.1 is a loopback address"},
		{name: "hex whole loopback", url: "https://0x7F000001/", want: "destination 127.0.0.1 is a loopback address"},
		{name: "octal whole loopback", url: "https://017700000001/", want: "destination 127.0.0.1 is a loopback address"},
		{name: "short loopback", url: "https://127.1/", want: "destination 127.0.0.1 is a loopback address"},
		{name: "three-part loopback", url: "https://127.0.1/", want: "destination 127.0.0.1 is a loopback address"},
		{name: "mixed bases metadata", url: "https://0xa9.0376.43518/", want: "destination 169.254.169.254 is the cloud metadata address"},
		{name: "decimal metadata", url: "https://2852039166/", want: "cloud metadata address"},
		{name: "short private", url: "https://10.1/", want: "destination 10.0.0.1 is a private address"},
		{name: "trailing dot", url: "https://127.0.0.1./", want: "loopback address"},
		{name: "zero shorthand", url: "https://0/", want: "unspecified address"},
		{name: "out-of-range part", url: "https://256.0.0.1/", want: "not a valid one"},
		{name: "too many parts", url: "https://1.2.3.4.5/", want: "not a valid one"},
		{name: "bad octal digit", url: "https://08.0.0.1/", want: "not a valid one"},
		{name: "overflowing decimal", url: "https://4294967296/", want: "not a valid one"},
		{name: "numeric last label", url: "https://hooks.example.1/", want: "not a valid one"},

		{name: "allow-listed range over https", policy: "10.0.0.0/8", url: "https://10.0.0.5/"},
		{name: "allow-listed range over http", policy: "10.0.0.0/8", url: "http://10.0.0.5:8080/"},
		{name: "allow-listed loopback in short form", policy: "127.0.0.0/8", url: "http://127.1:9000/", want: `"127.1" is an unusual spelling of 127.0.0.1`},
		{name: "allow-listed loopback with trailing dot", policy: "127.0.0.0/8", url: "http://127.0.0.1.:9000/", want: "write 127.0.0.1 instead"},
		{name: "public address in decimal", url: "https://134744072/", want: "unusual spelling of 8.8.8.8"},
		{name: "public address in octal", url: "https://010.010.010.010/", want: "unusual spelling of 8.8.8.8"},
		{name: "public address with trailing dot", url: "https://8.8.8.8./", want: "unusual spelling of 8.8.8.8"},
		{name: "allow-listed ipv6 over http", policy: "::1", url: "http://[::1]:9000/"},
		{name: "allow-list does not cover other ranges", policy: "10.0.0.0/8", url: "https://192.168.1.1/", want: "private address"},
		{name: "allow-list does not allow http to hostnames", policy: "127.0.0.0/8", url: "http://localhost:9000/", want: "must use https"},
		{name: "allow-list does not allow http to public ips", policy: "127.0.0.0/8", url: "http://8.8.8.8/", want: "must use https"},
		{name: "allow-list still refuses userinfo", policy: "127.0.0.0/8", url: "https://u:p@127.0.0.1/", want: "user name or password"},
		{name: "all allows http to hostnames", policy: "all", url: "http://localhost:9000/"},
		{name: "all allows metadata", policy: "all", url: "http://169.254.169.254/"},
		{name: "all still refuses other schemes", policy: "all", url: "file:///etc/passwd", want: "must start with https://"},
		{name: "all still refuses userinfo", policy: "all", url: "https://u:p@hooks.example.com/", want: "user name or password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy(tt.policy)
			if err != nil {
				t.Fatalf("ParsePolicy(%q): %v", tt.policy, err)
			}
			err = p.CheckURL(tt.url)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckURL(%q) = %v, want allowed", tt.url, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckURL(%q) allowed, want refusal containing %q", tt.url, tt.want)
			}
			if !IsBlocked(err) {
				t.Errorf("error %v (%T) is not recognisable as blocked", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("CheckURL(%q) = %q, want it to contain %q", tt.url, err, tt.want)
			}
		})
	}
}

func TestParseLegacyIPv4(t *testing.T) {
	tests := []struct {
		host string
		want string // "" means not an IPv4 address
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"0x7f.0.0.1", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"1.2.65535", "1.2.255.255"},
		{"1.16777215", "1.255.255.255"},
		{"0x", "0.0.0.0"},
		{"00", "0.0.0.0"},
		{"4294967295", "255.255.255.255"},
		{"1.2.65536", ""},
		{"1.16777216", ""},
		{"1.2.3.256", ""},
		{"0x100.0.0.1", ""},
		{"09", ""},
		{"1..2", ""},
		{"1.2.3.4.5", ""},
		{"-1.2.3.4", ""},
		{"+1.2.3.4", ""},
		{"1_0.0.0.1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			got, ok := parseLegacyIPv4(strings.Split(tt.host, "."))
			if tt.want == "" {
				if ok {
					t.Fatalf("parseLegacyIPv4(%q) = %v, want failure", tt.host, got)
				}
				return
			}
			if !ok || got != netip.MustParseAddr(tt.want) {
				t.Fatalf("parseLegacyIPv4(%q) = %v, %v; want %s", tt.host, got, ok, tt.want)
			}
		})
	}
}
