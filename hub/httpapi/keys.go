package httpapi

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

// list is the envelope of every list response.
type list[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// meResponse is what connector platforms show as the connection label.
type meResponse struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	KeyID       string `json:"key_id,omitempty"`
	KeyLabel    string `json:"key_label,omitempty"`
	Role        string `json:"role,omitempty"`
}

// me is the auth test of Zapier, Make and n8n: who does this credential act for?
func (s *Server) me(c *fiber.Ctx) error {
	p := principal(c)
	return sendJSON(c, fiber.StatusOK, meResponse{
		AccountID: p.AccountID, AccountName: p.AccountName,
		KeyID: p.KeyID, KeyLabel: p.KeyLabel, Role: string(p.Role),
	})
}

func (s *Server) listKeys(c *fiber.Ctx) error {
	keys, err := s.store.ListAPIKeys(c.UserContext(), principal(c).AccountID)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, list[hub.APIKey]{Data: keys})
}

// createdKey is the one response that carries a key's plaintext.
type createdKey struct {
	hub.APIKey
	Key string `json:"key"`
}

const maxKeyLabel = 100

func (s *Server) createKey(c *fiber.Ctx) error {
	var in struct {
		Label *string `json:"label"`
	}
	if err := decodeJSON(c, &in, true); err != nil {
		return err
	}
	label := ""
	if in.Label != nil {
		label = strings.TrimSpace(*in.Label)
		if utf8.RuneCountInString(label) > maxKeyLabel {
			return hub.Invalid(hub.FieldError{Field: "label", Message: "must be at most 100 characters"})
		}
		if strings.ContainsFunc(label, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return hub.Invalid(hub.FieldError{Field: "label", Message: "must not contain control characters"})
		}
	}
	p := principal(c)
	k, plain, err := hub.NewAPIKey(p.AccountID, label, p.Actor())
	if err != nil {
		return err
	}
	if err := s.store.CreateAPIKey(c.UserContext(), k); err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/v1/api-keys/"+k.ID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return sendJSON(c, fiber.StatusCreated, createdKey{APIKey: k, Key: plain})
}

func (s *Server) getKey(c *fiber.Ctx) error {
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixAPIKey, id) {
		return hub.Errorf(hub.ENotFound, "API key not found")
	}
	k, err := s.store.GetAPIKey(c.UserContext(), principal(c).AccountID, id)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, k)
}

func (s *Server) revokeKey(c *fiber.Ctx) error {
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixAPIKey, id) {
		return hub.Errorf(hub.ENotFound, "API key not found")
	}
	k, err := s.store.RevokeAPIKey(c.UserContext(), principal(c).AccountID, id)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, k)
}

// tokenResponse is an admin JWT handed out for a sign-in link.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresAt   string `json:"expires_at"`
}

func (s *Server) exchange(c *fiber.Ctx, token string) error {
	if s.login == nil {
		return hub.Errorf(hub.ENotFound, "sign-in links are not enabled on this hub")
	}
	if token == "" {
		return hub.Invalid(hub.FieldError{Field: "token", Message: "is required"})
	}
	jwt, exp, err := s.login.Exchange(c.UserContext(), token)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return sendJSON(c, fiber.StatusOK, tokenResponse{AccessToken: jwt, TokenType: "Bearer", ExpiresAt: exp.UTC().Format(hub.TimeFormat)})
}

func (s *Server) exchangeLogin(c *fiber.Ctx) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := decodeJSON(c, &in, false); err != nil {
		return err
	}
	return s.exchange(c, in.Token)
}
