// Package webhook signs outgoing webhook deliveries and verifies them on the
// receiving side, following the Standard Webhooks specification
// (https://www.standardwebhooks.com). Using that format rather than a home-made
// one means a customer can check our signatures with any Standard Webhooks or
// Svix library they already have, and that one Go helper (Verify) serves our
// own tests and Go receivers alike.
package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// SecretPrefix marks a string as a Standard Webhooks signing secret, so a
// secret pasted into the wrong field (an API key, a password) is recognisable
// as such and refused instead of silently signing with it.
const SecretPrefix = "whsec_"

// Key-size limits for a secret. 24 bytes (192 bits) is the smallest key the
// spec's own example uses and comfortably beyond brute force; 64 bytes is the
// HMAC-SHA256 block size, beyond which HMAC hashes the key down anyway, so a
// longer secret adds nothing but looks like a mistake.
const (
	// MinSecretBytes is the shortest key ParseSecret accepts.
	MinSecretBytes = 24
	// MaxSecretBytes is the longest key ParseSecret accepts.
	MaxSecretBytes = 64
)

// generatedSecretBytes is what GenerateSecret draws: 256 bits, the size of the
// HMAC-SHA256 output, which is the usual choice for an HMAC key.
const generatedSecretBytes = 32

// minDistinctBytes is the fewest distinct byte values a key must contain. A
// random 24-byte key has about 23 distinct values; fewer than 8 means it was
// typed or built by hand, not drawn from a random source.
const minDistinctBytes = 8

// ErrInvalidSecret is what every secret refusal matches with errors.Is, so a
// handler can map any of them to a field error without listing the cases.
var ErrInvalidSecret = errors.New("invalid webhook secret")

// SecretError explains why a secret was refused. Its message is a plain
// lower-case sentence meant to be shown to the API caller as a field error, telling them
// what to change; it matches ErrInvalidSecret with errors.Is.
type SecretError struct {
	Message string
}

// Error returns the caller-facing explanation unchanged, so it can be used as a
// field message without trimming a prefix.
func (e *SecretError) Error() string { return e.Message }

// Is lets errors.Is(err, ErrInvalidSecret) recognise every SecretError.
func (e *SecretError) Is(target error) bool { return target == ErrInvalidSecret }

func secretErrorf(format string, args ...any) error {
	return &SecretError{Message: fmt.Sprintf(format, args...)}
}

// GenerateSecret returns a fresh random signing secret in the whsec_ form, for
// endpoints whose owner did not supply one and for secret rotation.
func GenerateSecret() (string, error) {
	key := make([]byte, generatedSecretBytes)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("generate webhook secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// ParseSecret checks a client-supplied secret and returns the HMAC key it
// encodes. It is strict (the prefix is required) because it guards what we
// store: a secret we accept must work with every Standard Webhooks library and
// must actually be secret, so weak keys are refused with an actionable reason.
func ParseSecret(s string) ([]byte, error) {
	encoded, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok {
		return nil, secretErrorf("the secret must start with %q followed by the key in base64", SecretPrefix)
	}
	return decodeKey(encoded)
}

// parseSecretLenient is ParseSecret for the receiving side, where libraries
// customarily accept the secret with or without its prefix.
func parseSecretLenient(s string) ([]byte, error) {
	return decodeKey(strings.TrimPrefix(s, SecretPrefix))
}

func decodeKey(encoded string) ([]byte, error) {
	if encoded == "" {
		return nil, secretErrorf("the secret has no key after %q; append the key in base64", SecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, secretErrorf("the part of the secret after %q is not valid base64 (standard alphabet, with = padding)", SecretPrefix)
	}
	if len(key) < MinSecretBytes || len(key) > MaxSecretBytes {
		return nil, secretErrorf("the secret's key is %d bytes long; it must be %d to %d bytes before base64 encoding",
			len(key), MinSecretBytes, MaxSecretBytes)
	}
	if reason := weakness(key); reason != "" {
		return nil, secretErrorf("the secret's key is too predictable (%s); use random bytes, for example from \"openssl rand -base64 32\"", reason)
	}
	return key, nil
}

// weakness names what makes a key guessable, or returns "" for a key that
// looks random. The checks catch hand-made keys (one repeated byte, a short
// word repeated, a counting sequence); a key from a random source fails any of
// them with negligible probability. Counting sequences are spotted through
// the differences between neighbouring bytes: a short repeating cycle of
// them, or one step used for most of the key ("abcdef…" with a tail).
func weakness(key []byte) string {
	var seen [256]bool
	distinct := 0
	for _, b := range key {
		if !seen[b] {
			seen[b] = true
			distinct++
		}
	}
	switch {
	case distinct == 1:
		return "every byte is the same"
	case distinct < minDistinctBytes:
		return fmt.Sprintf("it uses only %d different byte values", distinct)
	case hasShortPeriod(key):
		return "it repeats a short pattern"
	}
	diffs := make([]byte, len(key)-1)
	var diffCount [256]int
	mostCommon := 0
	for i := range diffs {
		diffs[i] = key[i+1] - key[i]
		diffCount[diffs[i]]++
		mostCommon = max(mostCommon, diffCount[diffs[i]])
	}
	if hasShortPeriod(diffs) || mostCommon > len(diffs)/2 {
		return "it is mostly a simple counting sequence"
	}
	return ""
}

// hasShortPeriod reports whether s is a pattern of at most half its length
// repeated (the last repetition may be cut short).
func hasShortPeriod(s []byte) bool {
	for p := 1; p <= len(s)/2; p++ {
		periodic := true
		for i := p; i < len(s); i++ {
			if s[i] != s[i-p] {
				periodic = false
				break
			}
		}
		if periodic {
			return true
		}
	}
	return false
}
