package hub

import (
	"errors"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that NormalizeEmail and NormalizeLinkedInURL enforce themselves,
// because callers other than the HTTP API (connector actions, seed data)
// reach them without a JSON Schema in front.
const (
	maxEmail        = 254 // RFC 5321 path limit
	maxEmailLocal   = 64
	maxLinkedInSlug = 100 // LinkedIn's own limit for a custom profile address
)

// LinkedInProfileBase is the one spelling of a LinkedIn profile address the
// hub stores and returns. One spelling makes "is this person already here?"
// an equality test, whatever form a recruiter pasted.
const LinkedInProfileBase = "https://www.linkedin.com/in/"

// The reasons a value is refused, phrased to complete "field: …" in a
// problem document's errors list.
var (
	errEmailShape    = errors.New("must be an e-mail address such as name@example.com")
	errEmailTooLong  = errors.New("must be at most 254 characters (64 before the @)")
	errLinkedInShape = errors.New("must be a LinkedIn profile address such as https://www.linkedin.com/in/amara-okafor")
)

// NormalizeEmail returns an e-mail address trimmed and lower-cased, so the
// same person typed two ways matches on ?email= and in duplicate checks. It
// refuses anything that is not a plain address (no display name, no
// spaces, a dotted domain); the error's message completes "email: …".
func NormalizeEmail(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errEmailShape
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > maxEmail {
		return "", errEmailTooLong
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return "", errEmailShape
	}
	if len(local) > maxEmailLocal {
		return "", errEmailTooLong
	}
	if strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`<>()[]\,;:"`, r)
	}) {
		return "", errEmailShape
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "", errEmailShape
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", errEmailShape
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", errEmailShape
		}
	}
	return s, nil
}

// NormalizeLinkedInURL returns the canonical address of a LinkedIn profile,
// https://www.linkedin.com/in/<slug>, from the forms people paste: http or
// https, with or without www, a country subdomain (uk.linkedin.com), a
// trailing slash, tracking query strings, fragments, or a sub-page of the
// profile. The slug is lower-cased (LinkedIn treats it case-insensitively)
// and percent-encoded where it is not ASCII. Anything that is not a
// linkedin.com profile is refused; the error's message completes
// "linkedin_url: …".
func NormalizeLinkedInURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		if strings.Contains(s, "://") {
			return "", errLinkedInShape
		}
		s = "https://" + s // "linkedin.com/in/x", as copied from an address bar
	}
	u, err := url.Parse(s)
	if err != nil || u.User != nil || u.Port() != "" || !linkedInHost(strings.ToLower(u.Hostname())) {
		return "", errLinkedInShape
	}
	if len(u.Path) < 4 || !strings.EqualFold(u.Path[:4], "/in/") {
		return "", errLinkedInShape
	}
	slug, _, _ := strings.Cut(u.Path[4:], "/") // sub-pages of the profile name the same person
	slug = strings.ToLower(slug)
	if !validSlug(slug) {
		return "", errLinkedInShape
	}
	return LinkedInProfileBase + url.PathEscape(slug), nil
}

// linkedInHost accepts linkedin.com, www., the mobile hosts and two-letter
// country subdomains; any other host (including look-alikes such as
// linkedin.com.evil.example) is not LinkedIn.
func linkedInHost(host string) bool {
	sub, ok := strings.CutSuffix(host, "linkedin.com")
	if !ok {
		return false
	}
	if sub == "" {
		return true
	}
	sub, ok = strings.CutSuffix(sub, ".")
	if !ok {
		return false
	}
	switch sub {
	case "www", "m", "mobile":
		return true
	}
	return len(sub) == 2 && sub[0] >= 'a' && sub[0] <= 'z' && sub[1] >= 'a' && sub[1] <= 'z'
}

// validSlug checks a decoded profile slug: letters (any script), digits,
// hyphens and underscores, as LinkedIn allows in profile addresses.
func validSlug(slug string) bool {
	if slug == "" || utf8.RuneCountInString(slug) > maxLinkedInSlug || !utf8.ValidString(slug) {
		return false
	}
	for _, r := range slug {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// JoinName is the full name the hub derives when none is given: the parts
// that are set, joined with a space. It never splits a name the other way,
// because there is no safe rule for it.
func JoinName(first, last *string) string {
	var parts []string
	for _, p := range []*string{first, last} {
		if p != nil && strings.TrimSpace(*p) != "" {
			parts = append(parts, strings.TrimSpace(*p))
		}
	}
	return strings.Join(parts, " ")
}

// ValidCandidateStatus reports whether s is one of CandidateStatuses.
func ValidCandidateStatus(s string) bool {
	for _, v := range CandidateStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// NormalizeCandidate puts the fields a caller may set into the one form the
// hub stores, whoever the caller is (the API, a connector action, seed
// data): e-mail and LinkedIn address canonical, full name derived when
// missing, status defaulted to new, lists never null. Every problem is
// reported at once as a validation error naming its field.
func NormalizeCandidate(c *Candidate) error {
	var fields []FieldError
	if c.Email != nil {
		v, err := NormalizeEmail(*c.Email)
		if err != nil {
			fields = append(fields, FieldError{Field: "email", Message: err.Error()})
		} else {
			c.Email = &v
		}
	}
	if c.LinkedInURL != nil {
		v, err := NormalizeLinkedInURL(*c.LinkedInURL)
		if err != nil {
			fields = append(fields, FieldError{Field: "linkedin_url", Message: err.Error()})
		} else {
			c.LinkedInURL = &v
		}
	}
	c.FullName = strings.TrimSpace(c.FullName)
	if c.FullName == "" {
		c.FullName = JoinName(c.FirstName, c.LastName)
	}
	if c.FullName == "" {
		fields = append(fields, FieldError{Field: "full_name", Message: "is required when first_name and last_name are not given"})
	}
	if c.Status == "" {
		c.Status = CandNew
	}
	if !ValidCandidateStatus(c.Status) {
		fields = append(fields, FieldError{Field: "status", Message: "must be one of " + strings.Join(CandidateStatuses, ", ")})
	}
	if c.Experience == nil {
		c.Experience = []Position{}
	}
	if c.Education == nil {
		c.Education = []Schooling{}
	}
	if c.Skills == nil {
		c.Skills = []string{}
	}
	if c.Tags == nil {
		c.Tags = []string{}
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}
