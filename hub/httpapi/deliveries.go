package httpapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// deliveryFilterParams documents the filters of a delivery log.
var deliveryFilterParams = []Param{
	{Name: "status", Type: "string", Description: "Only deliveries with this status.", Enum: []string{"pending", "retrying", "succeeded", "failed"}},
	{Name: "event_type", Type: "string", Description: "Only deliveries of this event type.", Enum: hub.EventTypes},
	{Name: "created_after", Type: "date-time", Description: "Only deliveries created after this time (RFC 3339)."},
	{Name: "created_before", Type: "date-time", Description: "Only deliveries created before this time (RFC 3339)."},
}

// deliveryRoutes lists this file's routes; see routeTable.
func (s *Server) deliveryRoutes() []Route {
	const tag = "Webhooks"
	return []Route{
		{Method: "GET", Path: "/v1/webhooks/:id/deliveries", Access: AnyCaller, Tag: tag,
			Summary: "List an endpoint's deliveries, newest first (the delivery log)",
			Query:   append(append([]Param{}, deliveryFilterParams...), paging...), handler: s.listDeliveries},
		{Method: "GET", Path: "/v1/deliveries/:id", Access: AnyCaller, Tag: tag,
			Summary: "Get a delivery with every attempt", handler: s.getDelivery},
		{Method: "POST", Path: "/v1/deliveries/:id/retry", Access: Admins, Status: fiber.StatusAccepted, Tag: tag,
			Summary: "Send a delivery again now", handler: s.retryDelivery},
	}
}

// deliveryFilter reads the log filters, and returns them canonically for
// binding a cursor to them.
func deliveryFilter(c *fiber.Ctx) (store.DeliveryFilter, []string, error) {
	var (
		f    store.DeliveryFilter
		errs []hub.FieldError
	)
	if st := c.Query("status"); st != "" {
		if !hub.ValidDeliveryStatus(st) {
			errs = append(errs, hub.FieldError{Field: "status", Message: "must be one of pending, retrying, succeeded, failed"})
		}
		f.Status = hub.DeliveryStatus(st)
	}
	if et := c.Query("event_type"); et != "" {
		if !hub.ValidEventType(et) {
			errs = append(errs, hub.FieldError{Field: "event_type", Message: "must be one of " + strings.Join(hub.EventTypes, ", ")})
		}
		f.EventType = et
	}
	for _, p := range []struct {
		name string
		dst  *hub.Time
	}{{"created_after", &f.CreatedAfter}, {"created_before", &f.CreatedBefore}} {
		if v := c.Query(p.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				errs = append(errs, hub.FieldError{Field: p.name, Message: "must be an RFC 3339 time such as 2026-01-31T09:00:00Z"})
				continue
			}
			*p.dst = hub.TimeOf(t)
		}
	}
	if len(errs) > 0 {
		return f, nil, hub.Invalid(errs...)
	}
	scope := []string{"status=" + string(f.Status), "event_type=" + f.EventType,
		"created_after=" + canonical(f.CreatedAfter), "created_before=" + canonical(f.CreatedBefore)}
	return f, scope, nil
}

func canonical(t hub.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(hub.TimeFormat)
}

func (s *Server) listDeliveries(c *fiber.Ctx) error {
	w, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	f, scope, err := deliveryFilter(c)
	if err != nil {
		return err
	}
	page, err := s.page(c, append(scope, w.ID)...)
	if err != nil {
		return err
	}
	ds, more, err := s.webhookStore().ListDeliveries(c.UserContext(), w.AccountID, w.ID, f, page)
	if err != nil {
		return err
	}
	last := ""
	if len(ds) > 0 {
		last = ds[len(ds)-1].ID
	}
	return sendList(s, c, ds, more, last, append(scope, w.ID)...)
}

func deliveryID(c *fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixDelivery, id) {
		return "", hub.Errorf(hub.ENotFound, "delivery not found")
	}
	return id, nil
}

func (s *Server) getDelivery(c *fiber.Ctx) error {
	id, err := deliveryID(c)
	if err != nil {
		return err
	}
	d, err := s.webhookStore().GetDelivery(c.UserContext(), principal(c).AccountID, id)
	if err != nil {
		return err
	}
	if d.Attempts == nil {
		d.Attempts = []hub.Attempt{}
	}
	return sendJSON(c, fiber.StatusOK, d)
}

// retryDelivery queues one more attempt now (the endpoint must be active).
func (s *Server) retryDelivery(c *fiber.Ctx) error {
	d, err := s.endpointRules().Retry(c.UserContext(), principal(c).AccountID, c.Params("id"))
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusAccepted, d)
}
