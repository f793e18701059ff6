package ssrf

import (
	"fmt"
	"net/netip"
)

// rangeRule names one special-purpose range. Rules are checked in order and
// the first match wins, so a specific rule (the metadata address) sits before
// the range containing it (link-local) to give the more useful reason.
type rangeRule struct {
	prefix netip.Prefix
	// what completes "destination X is …".
	what string
	// embedded, for IPv6 ranges that carry an IPv4 address, extracts it so
	// the IPv4 rules decide; the range itself is then refused only if
	// refuseAnyway is set.
	embedded     func(netip.Addr) netip.Addr
	refuseAnyway bool
}

func rule(cidr, what string) rangeRule {
	return rangeRule{prefix: netip.MustParsePrefix(cidr), what: what}
}

// v4Rules covers every IPv4 range that is not globally reachable unicast
// (IANA IPv4 Special-Purpose Address Registry, plus multicast and class E).
var v4Rules = []rangeRule{
	rule("0.0.0.0/32", "an unspecified address"),
	rule("0.0.0.0/8", `in the reserved "this network" range 0.0.0.0/8`),
	rule("127.0.0.0/8", "a loopback address"),
	rule("10.0.0.0/8", "a private address"),
	rule("172.16.0.0/12", "a private address"),
	rule("192.168.0.0/16", "a private address"),
	rule("169.254.169.254/32", "the cloud metadata address"),
	rule("169.254.0.0/16", "a link-local address"),
	rule("100.64.0.0/10", "a carrier-grade NAT (shared) address"),
	rule("192.0.0.0/24", "in the IETF protocol assignments range 192.0.0.0/24"),
	rule("192.0.2.0/24", "a documentation address"),
	rule("198.51.100.0/24", "a documentation address"),
	rule("203.0.113.0/24", "a documentation address"),
	rule("192.88.99.0/24", "a deprecated 6to4 relay address"),
	rule("198.18.0.0/15", "a benchmarking address"),
	rule("224.0.0.0/4", "a multicast address"),
	rule("255.255.255.255/32", "the broadcast address"),
	rule("240.0.0.0/4", "in the reserved range 240.0.0.0/4"),
}

// v6Rules covers IPv6: the special-purpose registry, then everything outside
// 2000::/3, the only block IANA has allocated for global unicast.
var v6Rules = []rangeRule{
	rule("::/128", "an unspecified address"),
	rule("::1/128", "a loopback address"),
	{prefix: netip.MustParsePrefix("::/96"), what: "a deprecated IPv4-compatible address",
		embedded: func(a netip.Addr) netip.Addr { return v4At(a, 12) }, refuseAnyway: true},
	{prefix: netip.MustParsePrefix("::ffff:0:0:0/96"), what: "an IPv4-translated address",
		embedded: func(a netip.Addr) netip.Addr { return v4At(a, 12) }, refuseAnyway: true},
	{prefix: netip.MustParsePrefix("64:ff9b::/96"), what: "a NAT64 address",
		embedded: func(a netip.Addr) netip.Addr { return v4At(a, 12) }},
	rule("64:ff9b:1::/48", "a local-use NAT64 address"),
	{prefix: netip.MustParsePrefix("2002::/16"), what: "a 6to4 address",
		embedded: func(a netip.Addr) netip.Addr { return v4At(a, 2) }},
	rule("100::/64", "a discard-only address"),
	rule("2001::/32", "a Teredo tunnelling address"),
	rule("2001:2::/48", "a benchmarking address"),
	rule("2001:db8::/32", "a documentation address"),
	rule("3fff::/20", "a documentation address"),
	rule("2001::/23", "in the IETF protocol assignments range 2001::/23"),
	rule("fd00:ec2::254/128", "the cloud metadata address"),
	rule("fc00::/7", "a unique local (private) address"),
	rule("fe80::/10", "a link-local address"),
	rule("fec0::/10", "a deprecated site-local address"),
	rule("ff00::/8", "a multicast address"),
}

var globalUnicastV6 = netip.MustParsePrefix("2000::/3")

// v4At reads the IPv4 address stored at byte offset off of an IPv6 address.
func v4At(a netip.Addr, off int) netip.Addr {
	b := a.As16()
	return netip.AddrFrom4([4]byte(b[off : off+4]))
}

// CheckAddr decides whether a connection to ip may be made: nil for a public
// unicast address or one the operator allow-listed, otherwise a *BlockedError
// naming the kind of address. It is pure (no DNS, no I/O), so it serves both
// save-time checks and the dialer, and can be tested exhaustively.
func (p Policy) CheckAddr(ip netip.Addr) error {
	if !ip.IsValid() {
		return &BlockedError{Reason: "destination has no valid IP address"}
	}
	// A zone only selects an interface; ::ffff:a.b.c.d is an IPv4
	// connection in disguise and must be judged as one.
	ip = ip.WithZone("").Unmap()
	if p.allows(ip) {
		return nil
	}
	if what := classify(ip); what != "" {
		return &BlockedError{Addr: ip, Reason: fmt.Sprintf("destination %s is %s", ip, what)}
	}
	return nil
}

// classify returns what makes ip unfit as a public destination, or "".
func classify(ip netip.Addr) string {
	if ip.Is4() {
		what, _ := match(v4Rules, ip)
		return what
	}
	if what, decided := match(v6Rules, ip); decided {
		return what
	}
	if !globalUnicastV6.Contains(ip) {
		return "outside the IPv6 global unicast range 2000::/3"
	}
	return ""
}

// match applies the first rule containing ip. decided is false when no rule
// applies; a rule with an embedded public IPv4 address decides "allowed",
// which is how NAT64 addresses of public hosts stay reachable.
func match(rules []rangeRule, ip netip.Addr) (what string, decided bool) {
	for _, r := range rules {
		if !r.prefix.Contains(ip) {
			continue
		}
		if r.embedded == nil {
			return r.what, true
		}
		v4 := r.embedded(ip)
		if inner, _ := match(v4Rules, v4); inner != "" {
			return fmt.Sprintf("%s embedding %s, which is %s", r.what, v4, inner), true
		}
		if r.refuseAnyway {
			return r.what, true
		}
		return "", true
	}
	return "", false
}
