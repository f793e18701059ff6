// Package ssrf keeps the hub's outbound requests (webhook deliveries, REST hook
// deliveries, URL fetches) away from the hub's own network. A webhook URL is
// chosen by an API caller, so without a guard it is a way to make the server
// call its loopback services, the cloud metadata endpoint or anything on the
// private network (server-side request forgery).
//
// The guard works at two points. CheckURL is a pure check for when a URL is
// saved, so the caller gets an immediate, readable refusal. Policy.Control,
// installed in the dialer of the client NewClient builds, re-checks the IP
// address of every connection actually being made; that is the check that
// counts, because a hostname can resolve to a public address when saved and to
// 127.0.0.1 a second later (DNS rebinding).
package ssrf

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// BlockedError is returned for every refusal, wrapped by whatever layer sees
// it (url.Error, net.OpError), so the delivery log and the API can recognise a
// policy refusal with errors.As or IsBlocked and show its reason rather than a
// generic network failure.
type BlockedError struct {
	// Addr is the refused address, or the zero Addr when the refusal is about
	// the URL itself (scheme, credentials, malformed host).
	Addr netip.Addr
	// Reason is a plain sentence fragment safe to show an API caller, such as
	// "destination 10.0.0.5 is a private address".
	Reason string
	// Err is the underlying parse error, if any, for logs.
	Err error
}

// Error returns Reason alone, so it can serve as a field error at save time
// and be prefixed with "refused: " in the delivery log.
func (e *BlockedError) Error() string { return e.Reason }

// Unwrap exposes a parse error behind the refusal.
func (e *BlockedError) Unwrap() error { return e.Err }

// IsBlocked reports whether err, however wrapped, is a refusal by the guard
// rather than a network failure, so callers can report it as such and need not
// retry it.
func IsBlocked(err error) bool {
	var be *BlockedError
	return errors.As(err, &be)
}

// Policy says which otherwise-refused destinations the operator allows. The
// zero Policy allows none of them, so forgetting to configure one is safe.
type Policy struct {
	// AllowAll turns the guard off for destinations and schemes, for local
	// development where every target is on the developer's machine.
	AllowAll bool
	// Allow lists address ranges that may be reached even though they are
	// private, loopback and so on, over https or plain http. IPv4 ranges are
	// given in IPv4 form: addresses are unmapped from ::ffff:a.b.c.d before
	// being compared.
	Allow []netip.Prefix
}

// allowKeyword is the policy value that allows everything.
const allowKeyword = "all"

// ParsePolicy reads the VISAGE_ALLOW_PRIVATE_TARGETS syntax: empty for the
// safe default, "all" for local development, or a comma-separated list of
// CIDR ranges and single IP addresses (IPv4 or IPv6). It is strict about
// ranges with host bits set, since "10.1.2.3/8" probably does not mean what
// its writer thinks, and an allow-list is no place to guess.
func ParsePolicy(s string) (Policy, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Policy{}, nil
	}
	if strings.EqualFold(s, allowKeyword) {
		return Policy{AllowAll: true}, nil
	}
	var p Policy
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if strings.EqualFold(entry, allowKeyword) {
			return Policy{}, fmt.Errorf("%q must be used on its own, not in a list", allowKeyword)
		}
		prefix, err := parseAllowEntry(entry)
		if err != nil {
			return Policy{}, err
		}
		p.Allow = append(p.Allow, prefix)
	}
	return p, nil
}

func parseAllowEntry(entry string) (netip.Prefix, error) {
	var prefix netip.Prefix
	if strings.Contains(entry, "/") {
		pr, err := netip.ParsePrefix(entry)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a valid CIDR range: %w", entry, err)
		}
		if pr.Masked() != pr {
			return netip.Prefix{}, fmt.Errorf("%q has bits set after the prefix length; did you mean %s?", entry, pr.Masked())
		}
		prefix = pr
	} else {
		addr, err := netip.ParseAddr(entry)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is neither an IP address nor a CIDR range: %w", entry, err)
		}
		if addr.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%q has an IPv6 zone, which an allow-list entry cannot have", entry)
		}
		prefix = netip.PrefixFrom(addr, addr.BitLen())
	}
	return unmapPrefix(prefix), nil
}

// unmapPrefix turns ::ffff:a.b.c.d/n (n >= 96) into its IPv4 form, because
// CheckAddr unmaps addresses first and would otherwise never match it.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p
}

// String renders the policy in ParsePolicy's syntax, for the startup log, so
// an operator can see what the server actually understood.
func (p Policy) String() string {
	if p.AllowAll {
		return allowKeyword
	}
	parts := make([]string, len(p.Allow))
	for i, pr := range p.Allow {
		parts[i] = pr.String()
	}
	return strings.Join(parts, ",")
}

// allows reports whether the operator allow-listed ip (already unmapped).
func (p Policy) allows(ip netip.Addr) bool {
	if p.AllowAll {
		return true
	}
	for _, pr := range p.Allow {
		if unmapPrefix(pr).Contains(ip) {
			return true
		}
	}
	return false
}
