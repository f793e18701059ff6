package hub

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// APIKeyPrefix starts every API key, so secret scanners and people can tell a
// Visage key at a glance.
const APIKeyPrefix = "vsk_"

// apiKeyBodyLen is the number of base62 characters after the prefix: 32
// characters carry about 190 bits, far beyond guessing.
const apiKeyBodyLen = 32

// displayPrefixLen is how much of a key the API shows after creation: enough
// to tell keys apart in a list, far too little to use.
const displayPrefixLen = len(APIKeyPrefix) + 6

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// APIKey is a key as stored and listed. The plaintext exists only in the
// response to its creation; the database keeps its SHA-256 (keys are long
// and random, so a fast hash is safe and keeps authentication cheap).
type APIKey struct {
	ID         string `json:"id" db:"id"`
	AccountID  string `json:"-" db:"account_id"`
	Label      string `json:"label" db:"label"`
	Prefix     string `json:"prefix" db:"prefix"`
	Hash       string `json:"-" db:"key_hash"`
	CreatedAt  Time   `json:"created_at" db:"created_at"`
	CreatedBy  string `json:"created_by" db:"created_by"`
	LastUsedAt Time   `json:"last_used_at" db:"last_used_at"`
	RevokedAt  Time   `json:"revoked_at" db:"revoked_at"`
}

// Revoked reports whether the key can no longer authenticate.
func (k APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// KeyAuth is what authenticating an API key yields: the key and the name of
// its account, in one read, because /v1/me (every connector's auth test)
// needs both.
type KeyAuth struct {
	APIKey
	AccountName string `db:"account_name"`
}

// NewAPIKey makes a fresh key for an account and returns it with its
// plaintext, which the caller shows once and forgets.
func NewAPIKey(accountID, label, createdBy string) (APIKey, string, error) {
	body := make([]byte, apiKeyBodyLen)
	if err := randomBase62(body); err != nil {
		return APIKey{}, "", err
	}
	plain := APIKeyPrefix + string(body)
	return APIKey{
		ID:        NewID(PrefixAPIKey),
		AccountID: accountID,
		Label:     label,
		Prefix:    plain[:displayPrefixLen],
		Hash:      HashAPIKey(plain),
		CreatedAt: Now(),
		CreatedBy: createdBy,
	}, plain, nil
}

// HashAPIKey returns the stored form of a key.
func HashAPIKey(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// LooksLikeAPIKey reports whether s has the shape of a key, so obvious
// garbage is refused without a database look-up.
func LooksLikeAPIKey(s string) bool {
	body, ok := strings.CutPrefix(s, APIKeyPrefix)
	if !ok || len(body) < apiKeyBodyLen || len(body) > 128 {
		return false
	}
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(base62, body[i]) < 0 {
			return false
		}
	}
	return true
}

// RandomToken returns n random base62 characters, for one-time links and
// similar secrets.
func RandomToken(n int) (string, error) {
	b := make([]byte, n)
	if err := randomBase62(b); err != nil {
		return "", err
	}
	return string(b), nil
}

// randomBase62 fills dst with uniformly random base62 characters, using
// rejection sampling so no character is more likely than another.
func randomBase62(dst []byte) error {
	buf := make([]byte, len(dst)*2)
	for i := 0; i < len(dst); {
		if _, err := rand.Read(buf); err != nil {
			return err
		}
		for _, b := range buf {
			if b >= 248 { // 248 = 4*62: keep the distribution uniform
				continue
			}
			dst[i] = base62[b%62]
			i++
			if i == len(dst) {
				break
			}
		}
	}
	return nil
}
