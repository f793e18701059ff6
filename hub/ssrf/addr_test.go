package ssrf

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// These tests decide addresses purely; nothing here opens a connection.

func TestCheckAddrDefaultPolicy(t *testing.T) {
	tests := []struct {
		addr string
		want string // substring of the reason; "" means allowed
	}{
		// Public addresses stay reachable.
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"93.184.216.34", ""},
		{"100.63.255.255", ""},  // just below CGNAT
		{"100.128.0.0", ""},     // just above CGNAT
		{"172.15.255.255", ""},  // just below 172.16/12
		{"172.32.0.0", ""},      // just above 172.16/12
		{"192.169.0.1", ""},     // just above 192.168/16
		{"198.20.0.1", ""},      // just above 198.18/15
		{"223.255.255.255", ""}, // just below multicast
		{"2606:4700:4700::1111", ""},
		{"2001:4860:4860::8888", ""},
		{"2a00:1450:4001::200e", ""},
		{"64:ff9b::808:808", ""},          // NAT64 of 8.8.8.8
		{"2002:808:808::1", ""},           // 6to4 of 8.8.8.8
		{"::ffff:8.8.8.8", ""},            // IPv4-mapped public
		{"2606:4700:4700::1111%eth0", ""}, // a zone does not change the address

		// Unspecified.
		{"0.0.0.0", "0.0.0.0 is an unspecified address"},
		{"::", ":: is an unspecified address"},
		// "This network".
		{"0.1.2.3", "reserved \"this network\" range"},
		// Loopback.
		{"127.0.0.1", "destination 127.0.0.1 is a loopback address"},
		{"127.255.255.254", "is a loopback address"},
		{"::1", "destination ::1 is a loopback address"},
		// Private.
		{"10.0.0.5", "destination 10.0.0.5 is a private address"},
		{"10.255.255.255", "private address"},
		{"172.16.0.1", "private address"},
		{"172.31.255.255", "private address"},
		{"192.168.1.1", "private address"},
		// Link-local and metadata.
		{"169.254.169.254", "destination 169.254.169.254 is the cloud metadata address"},
		{"169.254.170.2", "is a link-local address"},
		{"169.254.0.1", "is a link-local address"},
		{"fe80::1", "is a link-local address"},
		{"fe80::1%eth0", "destination fe80::1 is a link-local address"},
		{"febf:ffff::1", "is a link-local address"},
		{"fd00:ec2::254", "destination fd00:ec2::254 is the cloud metadata address"},
		// Carrier-grade NAT (Alibaba's metadata endpoint lives here).
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.100.100.200", "carrier-grade NAT"},
		{"100.127.255.255", "carrier-grade NAT"},
		// IETF protocol assignments (Oracle Cloud's metadata is 192.0.0.192).
		{"192.0.0.192", "IETF protocol assignments"},
		// Documentation, benchmarking, relays.
		{"192.0.2.1", "documentation address"},
		{"198.51.100.7", "documentation address"},
		{"203.0.113.9", "documentation address"},
		{"2001:db8::1", "documentation address"},
		{"3fff::1", "documentation address"},
		{"198.18.0.1", "benchmarking address"},
		{"198.19.255.255", "benchmarking address"},
		{"2001:2::1", "benchmarking address"},
		{"192.88.99.1", "6to4 relay"},
		// Multicast, broadcast, reserved.
		{"224.0.0.1", "multicast address"},
		{"239.255.255.250", "multicast address"},
		{"ff02::1", "multicast address"},
		{"ff0e::1", "multicast address"},
		{"255.255.255.255", "the broadcast address"},
		{"240.0.0.1", "reserved range 240.0.0.0/4"},
		{"254.1.2.3", "reserved range 240.0.0.0/4"},
		// IPv6 private and deprecated.
		{"fc00::1", "unique local (private) address"},
		{"fd12:3456:789a::1", "unique local (private) address"},
		{"fec0::1", "site-local"},
		{"100::1", "discard-only"},
		{"2001::1", "Teredo"},
		{"2001:10::1", "IETF protocol assignments"},
		{"5f00::1", "outside the IPv6 global unicast range"},
		{"4000::1", "outside the IPv6 global unicast range"},
		{"e000::1", "outside the IPv6 global unicast range"},
		// IPv4-mapped addresses are judged as the IPv4 they carry.
		{"::ffff:127.0.0.1", "destination 127.0.0.1 is a loopback address"},
		{"::ffff:10.0.0.5", "destination 10.0.0.5 is a private address"},
		{"::ffff:169.254.169.254", "cloud metadata address"},
		{"::ffff:0.0.0.0", "unspecified"},
		// Embedded IPv4 in translation and tunnelling formats.
		{"64:ff9b::7f00:1", "NAT64 address embedding 127.0.0.1, which is a loopback address"},
		{"64:ff9b::a9fe:a9fe", "embedding 169.254.169.254, which is the cloud metadata address"},
		{"64:ff9b::a00:5", "embedding 10.0.0.5, which is a private address"},
		{"64:ff9b:1::808:808", "local-use NAT64"},
		{"2002:7f00:1::", "6to4 address embedding 127.0.0.1"},
		{"2002:c0a8:101::1", "6to4 address embedding 192.168.1.1, which is a private address"},
		{"::127.0.0.1", "IPv4-compatible address embedding 127.0.0.1"},
		{"::10.0.0.5", "IPv4-compatible address embedding 10.0.0.5"},
		{"::8.8.8.8", "deprecated IPv4-compatible address"},
		{"::ffff:0:7f00:1", "IPv4-translated address embedding 127.0.0.1"},
		{"::ffff:0:808:808", "IPv4-translated address"},
	}
	var p Policy
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := p.CheckAddr(netip.MustParseAddr(tt.addr))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckAddr(%s) = %v, want allowed", tt.addr, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckAddr(%s) allowed, want refusal containing %q", tt.addr, tt.want)
			}
			var be *BlockedError
			if !errors.As(err, &be) {
				t.Fatalf("error %T is not a *BlockedError", err)
			}
			if !strings.Contains(be.Reason, tt.want) {
				t.Errorf("reason %q does not contain %q", be.Reason, tt.want)
			}
			if !strings.HasPrefix(be.Reason, "destination ") {
				t.Errorf("reason %q does not start with %q", be.Reason, "destination ")
			}
			if !be.Addr.IsValid() {
				t.Errorf("BlockedError.Addr is not set")
			}
		})
	}
}

func TestCheckAddrInvalid(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
	}{
		{name: "default policy", policy: Policy{}},
		{name: "allow all", policy: Policy{AllowAll: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.policy.CheckAddr(netip.Addr{}); !IsBlocked(err) {
				t.Fatalf("CheckAddr(zero Addr) = %v, want a refusal", err)
			}
		})
	}
}

func TestCheckAddrAllowList(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		addr   string
		allow  bool
	}{
		{name: "all allows loopback", policy: "all", addr: "127.0.0.1", allow: true},
		{name: "all allows metadata", policy: "all", addr: "169.254.169.254", allow: true},
		{name: "loopback range allows loopback", policy: "127.0.0.0/8", addr: "127.0.0.2", allow: true},
		{name: "loopback range allows mapped loopback", policy: "127.0.0.0/8", addr: "::ffff:127.0.0.1", allow: true},
		{name: "loopback range does not allow ::1", policy: "127.0.0.0/8", addr: "::1", allow: false},
		{name: "loopback range does not allow private", policy: "127.0.0.0/8", addr: "10.0.0.1", allow: false},
		{name: "single address allows itself", policy: "10.1.2.3", addr: "10.1.2.3", allow: true},
		{name: "single address not its neighbour", policy: "10.1.2.3", addr: "10.1.2.4", allow: false},
		{name: "private range in a list", policy: "192.168.0.0/16, 10.0.0.0/8", addr: "10.9.9.9", allow: true},
		{name: "ipv6 range", policy: "fd00::/8", addr: "fd00::1234", allow: true},
		{name: "ipv6 range does not allow metadata outside it", policy: "fd00::/8", addr: "fe80::1", allow: false},
		{name: "mapped allow entry matches ipv4", policy: "::ffff:10.0.0.0/104", addr: "10.3.4.5", allow: true},
		{name: "public stays allowed with a list", policy: "10.0.0.0/8", addr: "8.8.8.8", allow: true},
		{name: "empty policy refuses", policy: "", addr: "192.168.1.1", allow: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy(tt.policy)
			if err != nil {
				t.Fatalf("ParsePolicy(%q): %v", tt.policy, err)
			}
			err = p.CheckAddr(netip.MustParseAddr(tt.addr))
			if tt.allow && err != nil {
				t.Fatalf("CheckAddr(%s) under %q = %v, want allowed", tt.addr, tt.policy, err)
			}
			if !tt.allow && !IsBlocked(err) {
				t.Fatalf("CheckAddr(%s) under %q = %v, want refused", tt.addr, tt.policy, err)
			}
		})
	}
}

func TestAllowListWrittenInMappedFormDirectly(t *testing.T) {
	// A Policy built in code (not parsed) with a mapped prefix still works.
	p := Policy{Allow: []netip.Prefix{netip.MustParsePrefix("::ffff:127.0.0.0/104")}}
	if err := p.CheckAddr(netip.MustParseAddr("127.0.0.1")); err != nil {
		t.Fatalf("CheckAddr = %v, want allowed", err)
	}
}
