package webhook

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Spec test vector, from the Standard Webhooks reference libraries' tests.
const (
	specSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specMsgID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specBody      = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

// randomLooking returns n fixed bytes with no structure, so fixtures are
// deterministic but pass the entropy checks the way a real key would.
func randomLooking(n int) []byte {
	var out []byte
	for i := byte(0); len(out) < n; i++ {
		sum := sha512.Sum512([]byte{'k', i})
		out = append(out, sum[:]...)
	}
	return out[:n]
}

func whsec(key []byte) string { return SecretPrefix + base64.StdEncoding.EncodeToString(key) }

func repeatPattern(pattern []byte, n int) []byte {
	return bytes.Repeat(pattern, n/len(pattern)+1)[:n]
}

func counting(start, step byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = start + byte(i)*step
	}
	return out
}

func TestParseSecret(t *testing.T) {
	specKey, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(specSecret, SecretPrefix))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("seed"))
	tests := []struct {
		name    string
		in      string
		wantKey []byte // when the secret is accepted
		wantErr string // substring of the refusal message
	}{
		{name: "spec example secret", in: specSecret, wantKey: specKey},
		{name: "32 random bytes", in: whsec(sum[:]), wantKey: sum[:]},
		{name: "24 bytes is the minimum", in: whsec(randomLooking(24)), wantKey: randomLooking(24)},
		{name: "64 bytes is the maximum", in: whsec(randomLooking(64)), wantKey: randomLooking(64)},
		{name: "no prefix", in: strings.TrimPrefix(specSecret, SecretPrefix), wantErr: `must start with "whsec_"`},
		{name: "upper-case prefix", in: "WHSEC_" + strings.TrimPrefix(specSecret, SecretPrefix), wantErr: `must start with "whsec_"`},
		{name: "misspelt prefix", in: "whsek_" + strings.TrimPrefix(specSecret, SecretPrefix), wantErr: `must start with "whsec_"`},
		{name: "empty string", in: "", wantErr: `must start with "whsec_"`},
		{name: "prefix only", in: SecretPrefix, wantErr: "has no key"},
		{name: "not base64", in: SecretPrefix + "this is not base64!", wantErr: "not valid base64"},
		{name: "unpadded base64", in: SecretPrefix + base64.RawStdEncoding.EncodeToString(randomLooking(32)), wantErr: "not valid base64"},
		{name: "url-safe alphabet", in: SecretPrefix + strings.Repeat("-_", 16), wantErr: "not valid base64"},
		{name: "16 bytes is too short", in: whsec(randomLooking(16)), wantErr: "is 16 bytes long; it must be 24 to 64 bytes"},
		{name: "23 bytes is too short", in: whsec(randomLooking(23)), wantErr: "is 23 bytes long"},
		{name: "65 bytes is too long", in: whsec(randomLooking(65)), wantErr: "is 65 bytes long"},
		{name: "all zero bytes", in: whsec(make([]byte, 32)), wantErr: "every byte is the same"},
		{name: "all the same letter", in: whsec(bytes.Repeat([]byte{'a'}, 32)), wantErr: "every byte is the same"},
		{name: "few distinct values", in: whsec([]byte("aabbaabbccddbbaaddccabcdabcdbbcc")), wantErr: "only 4 different byte values"},
		{name: "repeated word", in: whsec(repeatPattern([]byte("Tr0ub4dor&3x"), 32)), wantErr: "repeats a short pattern"},
		{name: "repeated random half", in: whsec(repeatPattern(randomLooking(16), 32)), wantErr: "repeats a short pattern"},
		{name: "counting bytes", in: whsec(counting(0, 1, 32)), wantErr: "counting sequence"},
		{name: "counting in steps of 7", in: whsec(counting(200, 7, 40)), wantErr: "counting sequence"},
		{name: "ascii alphabet", in: whsec([]byte("abcdefghijklmnopqrstuvwxyz012345")), wantErr: "counting sequence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := ParseSecret(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseSecret(%q) = %v, want success", tt.in, err)
				}
				if !bytes.Equal(key, tt.wantKey) {
					t.Fatalf("key = %x, want %x", key, tt.wantKey)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseSecret(%q) succeeded, want error containing %q", tt.in, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidSecret) {
				t.Errorf("error %v does not match ErrInvalidSecret", err)
			}
			var se *SecretError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SecretError", err)
			}
			if !strings.Contains(se.Message, tt.wantErr) {
				t.Errorf("message %q does not contain %q", se.Message, tt.wantErr)
			}
			if se.Error() != se.Message {
				t.Errorf("Error() = %q, want the bare message %q for field errors", se.Error(), se.Message)
			}
			if key != nil {
				t.Errorf("key = %x, want nil on error", key)
			}
		})
	}
}

func TestGenerateSecret(t *testing.T) {
	seen := map[string]bool{}
	for i := range 20 {
		s, err := GenerateSecret()
		if err != nil {
			t.Fatalf("GenerateSecret #%d: %v", i, err)
		}
		if !strings.HasPrefix(s, SecretPrefix) {
			t.Fatalf("secret %q lacks the %q prefix", s, SecretPrefix)
		}
		key, err := ParseSecret(s)
		if err != nil {
			t.Fatalf("generated secret %q does not parse: %v", s, err)
		}
		if len(key) != generatedSecretBytes {
			t.Fatalf("generated key is %d bytes, want %d", len(key), generatedSecretBytes)
		}
		if seen[s] {
			t.Fatalf("GenerateSecret returned %q twice", s)
		}
		seen[s] = true
	}
}

func TestWeaknessAcceptsRandomKeys(t *testing.T) {
	// Many structureless keys of every allowed size must pass, or the
	// entropy rules would refuse genuine random secrets.
	for n := MinSecretBytes; n <= MaxSecretBytes; n++ {
		t.Run(fmt.Sprintf("%d_bytes", n), func(t *testing.T) {
			for seed := range 50 {
				sum := sha512.Sum512([]byte{byte(n), byte(seed)})
				if reason := weakness(sum[:n]); reason != "" {
					t.Fatalf("random %d-byte key %x refused: %s", n, sum[:n], reason)
				}
			}
		})
	}
}
