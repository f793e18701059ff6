package httpapi

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

// listScope identifies one list for cursor binding: the account, the route
// and every filter value, so a cursor only continues the walk it came from.
func listScope(c *fiber.Ctx, filters ...string) string {
	scope := principal(c).AccountID + "|" + c.Route().Path
	for _, f := range filters {
		scope += "|" + f
	}
	return scope
}

// page reads ?limit= and ?cursor= for a list whose filters are given.
func (s *Server) page(c *fiber.Ctx, filters ...string) (hub.Page, error) {
	p := hub.Page{Limit: hub.DefaultPageLimit}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > hub.MaxPageLimit {
			return p, hub.Invalid(hub.FieldError{Field: "limit", Message: "must be a whole number from 1 to 200"})
		}
		p.Limit = n
	}
	if cur := c.Query("cursor"); cur != "" {
		after, err := s.cursors.DecodeCursor(listScope(c, filters...), cur)
		if err != nil {
			return p, err
		}
		p.After = after
	}
	return p, nil
}

// sendList writes the list envelope. more says whether another page exists;
// lastID is the ID of the last item on this page. The next page's URL is
// also sent as a Link header, for clients that follow links.
func sendList[T any](s *Server, c *fiber.Ctx, items []T, more bool, lastID string, filters ...string) error {
	if items == nil {
		items = []T{}
	}
	out := list[T]{Data: items}
	if more && lastID != "" {
		cur := s.cursors.EncodeCursor(listScope(c, filters...), lastID)
		out.NextCursor = &cur
		q := url.Values{}
		c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
		q.Set("cursor", cur)
		c.Append(fiber.HeaderLink, "<"+s.cfg.BaseURL()+c.Path()+"?"+q.Encode()+`>; rel="next"`)
	}
	return sendJSON(c, fiber.StatusOK, out)
}
