// Package auth verifies and mints the admin JWTs that guard account
// management. The accepted algorithm is pinned by configuration, so a token
// can never choose how it is checked ("alg": "none", or an HMAC made with a
// public key, are refused).
package auth

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/visage-jobs/visage-hub/hub"
)

// Issuer is the iss claim of tokens the hub mints.
const Issuer = "visage-hub"

// Claims are the claims an admin JWT carries.
type Claims struct {
	AccountID string   `json:"account_id"`
	Role      hub.Role `json:"role"`
	jwt.RegisteredClaims
}

// Verifier checks admin JWTs with one key and one algorithm.
type Verifier struct {
	alg string
	key any
}

// NewHMACVerifier verifies HS256 tokens signed with secret.
func NewHMACVerifier(secret []byte) (*Verifier, error) {
	if len(secret) < 32 {
		return nil, errors.New("the JWT secret must be at least 32 bytes")
	}
	return &Verifier{alg: jwt.SigningMethodHS256.Alg(), key: secret}, nil
}

// NewPublicKeyVerifier verifies tokens with a PEM public key: EdDSA for an
// Ed25519 key, RS256 for an RSA key. This lets an identity provider mint
// tokens without the hub holding a shared secret.
func NewPublicKeyVerifier(pemText string) (*Verifier, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("the JWT public key is not PEM")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse JWT public key: %w", err)
	}
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return &Verifier{alg: jwt.SigningMethodEdDSA.Alg(), key: k}, nil
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return nil, errors.New("the JWT RSA public key must be at least 2048 bits")
		}
		return &Verifier{alg: jwt.SigningMethodRS256.Alg(), key: k}, nil
	default:
		return nil, fmt.Errorf("unsupported JWT public key type %T (use Ed25519 or RSA)", pub)
	}
}

// Algorithm names the one algorithm this verifier accepts.
func (v *Verifier) Algorithm() string { return v.alg }

// Verify checks a token's signature, algorithm, expiry (required) and
// not-before, and that it names an account and a known role. Every failure
// is an unauthorized error with a short reason; none is a 500.
func (v *Verifier) Verify(token string) (hub.Principal, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return v.key, nil },
		jwt.WithValidMethods([]string{v.alg}),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(5*time.Second),
	)
	if err != nil {
		return hub.Principal{}, &hub.Error{Code: hub.EUnauthorized, Message: reason(err), Err: err}
	}
	if c.AccountID == "" {
		return hub.Principal{}, hub.Errorf(hub.EUnauthorized, "the token has no account_id claim")
	}
	if !c.Role.Valid() {
		return hub.Principal{}, hub.Errorf(hub.EUnauthorized, "the token's role claim must be admin or member")
	}
	return hub.Principal{AccountID: c.AccountID, Role: c.Role, Subject: c.Subject}, nil
}

func reason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "the token has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "the token is not valid yet"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "the token has no exp claim"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "the token's signature or algorithm is not accepted"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "the token is malformed"
	default:
		return "the token is not valid"
	}
}

// Signer mints HS256 admin tokens for the CLI and for sign-in links.
type Signer struct{ secret []byte }

// NewSigner returns a signer for the HS256 secret.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < 32 {
		return nil, errors.New("the JWT secret must be at least 32 bytes")
	}
	return &Signer{secret: secret}, nil
}

// Mint returns a token for the account and role, valid for ttl.
func (s *Signer) Mint(accountID string, role hub.Role, subject string, ttl time.Duration) (string, time.Time, error) {
	if !role.Valid() {
		return "", time.Time{}, fmt.Errorf("role must be admin or member, got %q", role)
	}
	if ttl <= 0 {
		return "", time.Time{}, errors.New("ttl must be positive")
	}
	now := time.Now()
	exp := now.Add(ttl)
	c := Claims{AccountID: accountID, Role: role, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: Issuer, Subject: subject, IssuedAt: jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
	}}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token: %w", err)
	}
	return tok, exp, nil
}
