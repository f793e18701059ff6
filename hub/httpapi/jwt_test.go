package httpapi_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/visage-jobs/visage-hub/hub"
)

// TestJWTRefusals sends every kind of bad admin token; each must be a 401
// problem, never a 500 and never access.
func TestJWTRefusals(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		now := time.Now()
		claims := func(mut func(jwt.MapClaims)) jwt.MapClaims {
			c := jwt.MapClaims{"account_id": e.acct.ID, "role": "admin", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
			if mut != nil {
				mut(c)
			}
			return c
		}
		hs := func(method jwt.SigningMethod, key []byte, c jwt.MapClaims) string {
			s, err := jwt.NewWithClaims(method, c).SignedString(key)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		_, edKey, _ := ed25519.GenerateKey(rand.Reader)
		rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		ed, _ := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims(nil)).SignedString(edKey)
		rs, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, claims(nil)).SignedString(rsaKey)
		none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil)).SignedString(jwt.UnsafeAllowNoneSignatureType)

		cases := map[string]string{
			"expired":            hs(jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() })),
			"not yet valid":      hs(jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() })),
			"wrong signature":    hs(jwt.SigningMethodHS256, []byte("another-secret-that-is-long-enough-too!!"), claims(nil)),
			"alg none":           none,
			"wrong alg HS384":    hs(jwt.SigningMethodHS384, testSecret, claims(nil)),
			"wrong alg EdDSA":    ed,
			"wrong alg RS256":    rs,
			"no exp":             hs(jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { delete(c, "exp") })),
			"no account_id":      hs(jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { delete(c, "account_id") })),
			"no role":            hs(jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { delete(c, "role") })),
			"unknown role":       hs(jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["role"] = "owner" })),
			"role of wrong type": hs(jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["role"] = 7 })),
			"unknown account":    hs(jwt.SigningMethodHS256, testSecret, claims(func(c jwt.MapClaims) { c["account_id"] = "acct_01jzzzzzzzzzzzzzzzzzzzzzzz" })),
			"garbage":            "not.a.jwt",
			"empty segments":     "..",
		}
		for name, tok := range cases {
			t.Run(name, func(t *testing.T) {
				e.do("GET", "/v1/api-keys", tok, "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			})
		}
		t.Run("a good token passes", func(t *testing.T) {
			good := hs(jwt.SigningMethodHS256, testSecret, claims(nil))
			e.do("GET", "/v1/api-keys", good, "").status(http.StatusOK)
		})
		t.Run("basic auth is not a bearer credential", func(t *testing.T) {
			e.do("GET", "/v1/me", "", "", "Authorization", "Basic dXNlcjpwYXNz").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
	})
}
