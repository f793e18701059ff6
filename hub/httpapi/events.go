package httpapi

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// EventReader is the storage the event routes need. It is part of Store;
// it is declared here so the event routes' needs are read in one place.
type EventReader interface {
	ListEvents(ctx context.Context, accountID string, f store.EventFilter, p hub.Page) ([]hub.Event, bool, error)
	GetEvent(ctx context.Context, accountID, id string) (hub.Event, error)
}

// eventRoutes lists this file's routes; see routeTable.
func (s *Server) eventRoutes() []Route {
	filters := []Param{
		{Name: "type", Type: "string", Description: "Only events of this type.", Enum: hub.EventTypes},
		{Name: "created_after", Type: "date-time", Description: "Only events that happened strictly after this RFC 3339 time."},
	}
	return []Route{
		{Method: "GET", Path: "/v1/events", Access: AnyCaller, Tag: "Events", Response: "list:event",
			Summary: "List events, newest first, as webhooks deliver them",
			Query:   append(filters, paging...), handler: s.listEvents},
		{Method: "GET", Path: "/v1/events/:id", Access: AnyCaller, Tag: "Events", Response: "event",
			Summary: "Get an event", handler: s.getEvent},
	}
}

// listEvents serves the outbox as a list, so a client that missed
// deliveries (or never subscribed) can read the same envelopes back.
func (s *Server) listEvents(c *fiber.Ctx) error {
	f, err := eventFilter(c)
	if err != nil {
		return err
	}
	// The cursor is bound to the normalised filter values, so equivalent
	// spellings of one time continue each other's walk and a cursor taken
	// with one filter cannot page through another.
	after := ""
	if !f.CreatedAfter.IsZero() {
		after = strconv.FormatInt(f.CreatedAfter.UnixMilli(), 10)
	}
	p, err := s.page(c, f.Type, after)
	if err != nil {
		return err
	}
	events, more, err := s.store.ListEvents(c.UserContext(), principal(c).AccountID, f, p)
	if err != nil {
		return err
	}
	last := ""
	if len(events) > 0 {
		last = events[len(events)-1].ID
	}
	return sendList(s, c, events, more, last, f.Type, after)
}

// eventFilter reads and checks ?type= and ?created_after=, naming each bad
// parameter in one 422.
func eventFilter(c *fiber.Ctx) (store.EventFilter, error) {
	var (
		f    store.EventFilter
		errs []hub.FieldError
	)
	if v := c.Query("type"); v != "" {
		if hub.ValidEventType(v) {
			f.Type = v
		} else {
			errs = append(errs, hub.FieldError{Field: "type", Message: "must be one of " + strings.Join(hub.EventTypes, ", ")})
		}
	}
	if v := c.Query("created_after"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			errs = append(errs, hub.FieldError{Field: "created_after", Message: "must be an RFC 3339 time such as 2025-03-08T14:02:51Z"})
		} else {
			f.CreatedAfter = t.UTC()
		}
	}
	if len(errs) > 0 {
		return store.EventFilter{}, hub.Invalid(errs...)
	}
	return f, nil
}

func (s *Server) getEvent(c *fiber.Ctx) error {
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixEvent, id) {
		return hub.Errorf(hub.ENotFound, "event not found")
	}
	ev, err := s.store.GetEvent(c.UserContext(), principal(c).AccountID, id)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, ev)
}
