package hub

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Signer makes and checks short MACs with a key derived for one purpose, so
// a cursor can never be replayed as a resume link and the other way round.
// Cursors carry a MAC so that a tampered or other account's cursor is
// refused instead of paging through someone else's rows; resume links carry
// one so they work without an API key yet cannot be forged or extended.
type Signer struct{ key []byte }

// NewSigner derives a purpose-bound key from the hub's secret.
func NewSigner(secret []byte, purpose string) *Signer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("visage-hub/" + purpose))
	return &Signer{key: m.Sum(nil)}
}

func (s *Signer) mac(parts ...string) string {
	m := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// EncodeCursor returns an opaque cursor for the item after which the next
// page starts, bound to scope (the account, the list and its filters).
func (s *Signer) EncodeCursor(scope, lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastID)) + "." + s.mac(scope, lastID)
}

// DecodeCursor returns the ID a cursor points after, or a malformed error
// when the cursor was altered or made for another scope.
func (s *Signer) DecodeCursor(scope, cursor string) (string, error) {
	bad := &Error{Code: EMalformed, Message: "the cursor is invalid; use next_cursor from the previous page unchanged",
		Fields: []FieldError{{Field: "cursor", Message: "is not a cursor this list gave out"}}}
	body, sig, ok := strings.Cut(cursor, ".")
	if !ok || len(cursor) > 200 {
		return "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || !hmac.Equal([]byte(sig), []byte(s.mac(scope, string(raw)))) {
		return "", bad
	}
	return string(raw), nil
}

// SignLink returns the query string (exp and sig) that makes path fetchable
// without credentials until exp.
func (s *Signer) SignLink(path string, exp time.Time) string {
	e := strconv.FormatInt(exp.Unix(), 10)
	return "exp=" + e + "&sig=" + s.mac(path, e)
}

// VerifyLink checks a signed link's exp and sig for path at time now.
func (s *Signer) VerifyLink(path, exp, sig string, now time.Time) error {
	forbidden := Errorf(EForbidden, "this link is invalid or has expired; fetch the resource again for a fresh link")
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !hmac.Equal([]byte(sig), []byte(s.mac(path, exp))) {
		return forbidden
	}
	if now.Unix() > e {
		return forbidden
	}
	return nil
}
