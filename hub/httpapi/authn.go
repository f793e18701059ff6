package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

const localPrincipal = "principal"

// credentials returns the bearer credential of a request: the Authorization
// header's Bearer value, or X-API-Key.
func credentials(c *fiber.Ctx) string {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			return strings.TrimSpace(h[7:])
		}
		return ""
	}
	return strings.TrimSpace(c.Get("X-API-Key"))
}

// authenticate resolves the caller from an API key or an admin JWT and puts
// the principal on the request. Which credential a route accepts is decided
// by the guards below, not here.
func (s *Server) authenticate(c *fiber.Ctx) error {
	if err := s.identify(c); err != nil {
		return err
	}
	return c.Next()
}

// identify is authenticate without passing the request on, for a Public
// route that accepts credentials or something else instead (a signed
// resume link) and so must decide inside its handler.
func (s *Server) identify(c *fiber.Ctx) error {
	cred := credentials(c)
	if cred == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="visage"`)
		return hub.Errorf(hub.EUnauthorized, "send an API key as 'Authorization: Bearer vsk_…' or 'X-API-Key'")
	}
	var p hub.Principal
	if strings.HasPrefix(cred, hub.APIKeyPrefix) {
		ka, err := s.keyPrincipal(c, cred)
		if err != nil {
			return err
		}
		p = ka
		if err := s.limiter.allow(c, p.KeyID); err != nil {
			return err
		}
	} else {
		jp, err := s.jwtPrincipal(c, cred)
		if err != nil {
			return err
		}
		p = jp
	}
	c.Locals(localPrincipal, p)
	return nil
}

func (s *Server) keyPrincipal(c *fiber.Ctx, cred string) (hub.Principal, error) {
	invalid := hub.Errorf(hub.EUnauthorized, "the API key is invalid or has been revoked")
	if !hub.LooksLikeAPIKey(cred) {
		return hub.Principal{}, invalid
	}
	ka, err := s.store.AuthenticateAPIKey(c.UserContext(), hub.HashAPIKey(cred))
	if hub.ErrorCode(err) == hub.ENotFound {
		return hub.Principal{}, invalid
	}
	if err != nil {
		return hub.Principal{}, err
	}
	if ka.Revoked() {
		return hub.Principal{}, invalid
	}
	s.usage.seen(ka.ID, ka.LastUsedAt.Time)
	return hub.Principal{AccountID: ka.AccountID, AccountName: ka.AccountName, KeyID: ka.ID, KeyLabel: ka.Label}, nil
}

func (s *Server) jwtPrincipal(c *fiber.Ctx, token string) (hub.Principal, error) {
	if s.jwt == nil {
		return hub.Principal{}, hub.Errorf(hub.EUnauthorized, "admin tokens are not enabled on this hub")
	}
	p, err := s.jwt.Verify(token)
	if err != nil {
		return hub.Principal{}, err
	}
	acct, err := s.store.GetAccount(c.UserContext(), p.AccountID)
	if hub.ErrorCode(err) == hub.ENotFound {
		return hub.Principal{}, hub.Errorf(hub.EUnauthorized, "the token's account does not exist")
	}
	if err != nil {
		return hub.Principal{}, err
	}
	p.AccountName = acct.Name
	return p, nil
}

// principal returns the authenticated caller; only routes behind
// authenticate call it.
func principal(c *fiber.Ctx) hub.Principal {
	p, _ := c.Locals(localPrincipal).(hub.Principal)
	return p
}

// adminOnly lets through account admins holding a JWT. API keys cannot
// manage keys or webhooks: a leaked key must not be able to mint more.
func adminOnly(c *fiber.Ctx) error {
	p := principal(c)
	if p.KeyID != "" {
		return hub.Errorf(hub.EForbidden, "this endpoint needs an admin token, not an API key")
	}
	if p.Role != hub.RoleAdmin {
		return hub.Errorf(hub.EForbidden, "only account admins can do this")
	}
	return c.Next()
}

// peopleOnly lets through admins and members holding a JWT (reading
// settings), and refuses API keys.
func peopleOnly(c *fiber.Ctx) error {
	if principal(c).KeyID != "" {
		return hub.Errorf(hub.EForbidden, "this endpoint needs an admin or member token, not an API key")
	}
	return c.Next()
}
