package auth_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/auth"
)

func pemOf(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestPublicKeyVerifiers(t *testing.T) {
	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{"account_id": "acct_1", "role": "member", "exp": time.Now().Add(time.Hour).Unix(), "sub": "jo@example.com"}
	cases := []struct {
		name   string
		pub    any
		method jwt.SigningMethod
		key    any
		alg    string
	}{
		{"EdDSA", edPub, jwt.SigningMethodEdDSA, edPriv, "EdDSA"},
		{"RS256", &rsaPriv.PublicKey, jwt.SigningMethodRS256, rsaPriv, "RS256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := auth.NewPublicKeyVerifier(pemOf(t, c.pub))
			if err != nil {
				t.Fatal(err)
			}
			if v.Algorithm() != c.alg {
				t.Fatalf("alg %s, want %s", v.Algorithm(), c.alg)
			}
			tok, err := jwt.NewWithClaims(c.method, claims).SignedString(c.key)
			if err != nil {
				t.Fatal(err)
			}
			p, err := v.Verify(tok)
			if err != nil || p.AccountID != "acct_1" || p.Role != hub.RoleMember || p.Subject != "jo@example.com" {
				t.Fatalf("verify: %+v %v", p, err)
			}
			// An HMAC token keyed with the public key's PEM must not pass:
			// the classic algorithm-confusion attack.
			forged, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(pemOf(t, c.pub)))
			if _, err := v.Verify(forged); hub.ErrorCode(err) != hub.EUnauthorized {
				t.Fatalf("forged HS256 token: %v", err)
			}
		})
	}
	t.Run("bad PEM", func(t *testing.T) {
		if _, err := auth.NewPublicKeyVerifier("not pem"); err == nil {
			t.Fatal("accepted a non-PEM key")
		}
	})
	t.Run("short RSA key", func(t *testing.T) {
		small, err := rsa.GenerateKey(rand.Reader, 1024)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.NewPublicKeyVerifier(pemOf(t, &small.PublicKey)); err == nil {
			t.Fatal("accepted a 1024-bit RSA key")
		}
	})
}

func TestSignerRoundTrip(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	sg, err := auth.NewSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := auth.NewHMACVerifier(secret)
	tok, exp, err := sg.Mint("acct_9", hub.RoleAdmin, "cli", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if time.Until(exp) > time.Minute || time.Until(exp) < 50*time.Second {
		t.Fatalf("exp %v", exp)
	}
	p, err := v.Verify(tok)
	if err != nil || p.AccountID != "acct_9" || !p.IsAdmin() {
		t.Fatalf("%+v %v", p, err)
	}
	if _, _, err := sg.Mint("a", "owner", "", time.Minute); err == nil {
		t.Fatal("minted an unknown role")
	}
	if _, err := auth.NewSigner([]byte("short")); err == nil {
		t.Fatal("accepted a short secret")
	}
}
