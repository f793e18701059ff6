package ssrf

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// CheckURL decides whether raw may be used as a delivery or fetch target, so
// a bad webhook URL is refused with a reason when it is saved rather than
// failing every delivery later. It requires https (plain http only to an IP
// address the operator allow-lists, or under AllowAll), no credentials in the
// URL, and a host that is a hostname or an allowed address. IP literals are
// read the way browsers and curl read them, including legacy IPv4 spellings
// such as 2130706433, 0177.0.0.1, 0x7f.0.0.1 and 127.1, so the reason names
// the real address; such spellings are then refused even when allowed, since
// Go's client would resolve them as hostnames. Hostnames pass here: what they
// resolve to is only known, and is checked, when dialling.
func (p Policy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return &BlockedError{Reason: "the URL is not valid", Err: err}
	}
	return p.checkURL(u)
}

func blocked(format string, args ...any) *BlockedError {
	return &BlockedError{Reason: fmt.Sprintf(format, args...)}
}

func (p Policy) checkURL(u *url.URL) error {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return blocked("the URL must start with https://")
	}
	if u.Opaque != "" || u.Host == "" {
		return blocked("the URL has no host; it must look like https://example.com/path")
	}
	if u.User != nil {
		return blocked("the URL must not contain a user name or password")
	}
	host := u.Hostname()
	if host == "" {
		return blocked("the URL has no host; it must look like https://example.com/path")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return blocked("the URL's port %q is not a number from 1 to 65535", port)
		}
	}
	ip, isIP, err := hostAddr(host)
	if err != nil {
		return err
	}
	if isIP {
		if err := p.CheckAddr(ip); err != nil {
			return err
		}
		// Go's resolver, unlike browsers and curl, would look a legacy
		// spelling up in DNS; refusing it keeps what we checked and what
		// the client dials the same thing.
		if ip.Is4() && host != ip.String() {
			return &BlockedError{Addr: ip, Reason: fmt.Sprintf(
				"the URL's host %q is an unusual spelling of %s that clients read differently; write %s instead", host, ip, ip)}
		}
	}
	if scheme == "http" && !p.AllowAll && !(isIP && p.allows(ip.WithZone("").Unmap())) {
		return blocked("the URL must use https; plain http is only allowed to addresses the operator allow-lists")
	}
	return nil
}

// hostAddr reads host as an IP address if it is one in any spelling a client
// library might accept. isIP is false for a hostname. A host that looks
// numeric but is not a valid address is refused, because different clients
// disagree on what such a string means.
func hostAddr(host string) (ip netip.Addr, isIP bool, err error) {
	if strings.Contains(host, ":") {
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return netip.Addr{}, false, &BlockedError{Reason: fmt.Sprintf("the URL's host %q is not a valid IPv6 address", host), Err: err}
		}
		return ip, true, nil
	}
	name := strings.TrimSuffix(host, ".")
	labels := strings.Split(name, ".")
	if !looksNumeric(labels[len(labels)-1]) {
		return netip.Addr{}, false, nil
	}
	ip, ok := parseLegacyIPv4(labels)
	if !ok {
		return netip.Addr{}, false, blocked("the URL's host %q looks like an IPv4 address but is not a valid one", host)
	}
	return ip, true, nil
}

// looksNumeric reports whether a host's last label is a number (decimal, or
// hexadecimal with 0x), which no registrable domain name can end with; such
// hosts are IPv4 addresses to the WHATWG URL parser.
func looksNumeric(label string) bool {
	digits, hex := label, false
	if len(label) >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X') {
		digits, hex = label[2:], true
	}
	if digits == "" {
		return hex
	}
	for _, c := range digits {
		isDigit := c >= '0' && c <= '9'
		isHex := (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
		if !isDigit && !(hex && isHex) {
			return false
		}
	}
	return true
}

// parseLegacyIPv4 implements inet_aton's reading, which is also the WHATWG
// URL parser's: one to four parts, each decimal, octal (leading 0) or hex
// (0x); the last part fills all the remaining bytes, so "127.1" is 127.0.0.1
// and "2130706433" is 127.0.0.1 too.
func parseLegacyIPv4(parts []string) (netip.Addr, bool) {
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	var value uint64
	for i, part := range parts {
		n, ok := parseIPv4Number(part)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 0xff {
				return netip.Addr{}, false
			}
			value = value<<8 | n
			continue
		}
		restBits := 8 * uint(5-len(parts))
		if n >= 1<<restBits {
			return netip.Addr{}, false
		}
		value = value<<restBits | n
	}
	return netip.AddrFrom4([4]byte{byte(value >> 24), byte(value >> 16), byte(value >> 8), byte(value)}), true
}

func parseIPv4Number(s string) (uint64, bool) {
	base := 10
	switch {
	case len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		s, base = s[2:], 16
		if s == "" {
			return 0, true
		}
	case len(s) >= 2 && s[0] == '0':
		s, base = s[1:], 8
	}
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, base, 32)
	if err != nil {
		return 0, false
	}
	return n, true
}
