package web

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

// maxLabel matches the API's limit on key labels.
const maxLabel = 100

// settingsPage is Settings > Visage API: the API keys, and the places where
// the webhook and delivery-log sections will go.
func (p *Pages) settingsPage(c *fiber.Ctx) error {
	d, err := p.keysPage(c)
	if err != nil {
		return p.fail(c, err)
	}
	if err := p.listHooks(c, &d); err != nil {
		return p.fail(c, err)
	}
	if c.Query("deleted") != "" {
		d.Flash = "The webhook is deleted. Visage no longer sends events to it."
	}
	if id := c.Query("revoked"); id != "" {
		for _, k := range d.Revoked {
			if k.ID == id {
				d.Flash = "The key “" + keyName(k) + "” is revoked. Requests that use it are now refused."
			}
		}
	}
	return p.render(c, fiber.StatusOK, "settings", d)
}

// keysPage loads the account's keys, active first, then revoked, each
// newest first (the store's order).
func (p *Pages) keysPage(c *fiber.Ctx) (pageData, error) {
	v := viewerOf(c)
	keys, err := p.st.ListAPIKeys(c.UserContext(), v.account.ID)
	if err != nil {
		return pageData{}, err
	}
	d := v.page("Visage API")
	for _, k := range keys {
		if k.Revoked() {
			d.Revoked = append(d.Revoked, k)
		} else {
			d.Active = append(d.Active, k)
		}
	}
	return d, nil
}

// checkLabel applies the API's rules for labels, so a key made here could
// have been made with POST /v1/api-keys.
func checkLabel(label string) string {
	if utf8.RuneCountInString(label) > maxLabel {
		return "The label can be at most 100 characters."
	}
	if strings.ContainsFunc(label, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "The label must not contain control characters."
	}
	return ""
}

// createKey makes a key with the same store method as the API and shows
// its plaintext once, on a page that is never cached.
func (p *Pages) createKey(c *fiber.Ctx) error {
	v := viewerOf(c)
	label := strings.TrimSpace(c.FormValue("label"))
	if msg := checkLabel(label); msg != "" {
		d, err := p.keysPage(c)
		if err != nil {
			return p.fail(c, err)
		}
		d.Label, d.LabelError = label, msg
		if err := p.listHooks(c, &d); err != nil {
			return p.fail(c, err)
		}
		return p.render(c, fiber.StatusUnprocessableEntity, "settings", d)
	}
	k, plain, err := hub.NewAPIKey(v.account.ID, label, v.sess.Subject)
	if err != nil {
		return p.fail(c, err)
	}
	if err := p.st.CreateAPIKey(c.UserContext(), k); err != nil {
		return p.fail(c, err)
	}
	d := v.page("Your new API key")
	d.NewKey, d.Key = plain, k
	return p.render(c, fiber.StatusCreated, "created", d)
}

// keyFromPath loads the key named in the URL, or renders the not-found
// page (for a bad ID, an unknown key and another account's key alike).
func (p *Pages) keyFromPath(c *fiber.Ctx) (hub.APIKey, bool, error) {
	id := c.Params("id")
	notFound := func() (hub.APIKey, bool, error) {
		return hub.APIKey{}, false, p.message(c, fiber.StatusNotFound, "API key not found",
			"This key does not exist in your account. It may have been deleted, or the link is wrong.", backTo("", ""), "Back to API keys")
	}
	if !hub.ValidID(hub.PrefixAPIKey, id) {
		return notFound()
	}
	k, err := p.st.GetAPIKey(c.UserContext(), viewerOf(c).account.ID, id)
	if hub.ErrorCode(err) == hub.ENotFound {
		return notFound()
	}
	if err != nil {
		return hub.APIKey{}, false, p.fail(c, err)
	}
	return k, true, nil
}

// confirmRevoke is the confirmation step: revoking breaks every
// integration that uses the key, so it takes a second, deliberate click.
func (p *Pages) confirmRevoke(c *fiber.Ctx) error {
	k, ok, err := p.keyFromPath(c)
	if !ok {
		return err
	}
	d := viewerOf(c).page("Revoke API key")
	d.Key = k
	return p.render(c, fiber.StatusOK, "revoke", d)
}

// revokeKey revokes with the API's store method, which returns only once
// every hub process refuses the key.
func (p *Pages) revokeKey(c *fiber.Ctx) error {
	k, ok, err := p.keyFromPath(c)
	if !ok {
		return err
	}
	if _, err := p.st.RevokeAPIKey(c.UserContext(), viewerOf(c).account.ID, k.ID); err != nil {
		return p.fail(c, err)
	}
	return c.Redirect(backTo("revoked", k.ID), fiber.StatusSeeOther)
}
