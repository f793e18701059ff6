package httpapi

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/triggers"
)

// Polling limits: what a poll returns without ?limit=, and at most.
const (
	defaultPollLimit = 100
	maxPollLimit     = hub.MaxPageLimit
)

// pollingRoutes lists the polling trigger and sample routes; see
// triggerRoutes.
func (s *Server) pollingRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/v1/triggers/:key", Access: AnyCaller, Tag: "Triggers",
			Summary:  "Poll a trigger: its items, newest first, as a bare array",
			Response: "array:" + triggers.CandidateItem + "|" + triggers.JobItem, handler: s.pollTrigger,
			Query: []Param{
				{Name: "since", Type: "string", Description: "Only items after this one: an item id (evt_…, exact: items are ordered by when they were committed, so polling with the newest id you got never skips or repeats one) or an RFC 3339 time (compared with occurred_at). With since, the limit oldest items after it are returned, newest first; poll again with the first item's id for the rest."},
				{Name: "limit", Type: "integer", Description: "Items to return, 1 to 200 (default 100)."},
				{Name: "job_id", Type: "string", Description: "Only items about this job of your account (job_…)."},
			}},
		{Method: "GET", Path: "/v1/samples/:event_type", Access: AnyCaller, Tag: "Triggers", Response: "hook_delivery",
			Summary: "A sample REST-hook delivery of an event type: the account's latest real event, else the built-in sample",
			handler: s.sampleDelivery},
	}
}

// pollQuery reads ?since=, ?limit= and ?job_id=, naming each bad parameter
// in one 422.
func (s *Server) pollQuery(c *fiber.Ctx, eventType string) (store.PollQuery, error) {
	q := store.PollQuery{Type: eventType, Limit: defaultPollLimit}
	var errs []hub.FieldError
	if v := c.Query("since"); v != "" {
		if hub.ValidID(hub.PrefixEvent, v) {
			q.SinceID = v
		} else if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			q.SinceTime = t.UTC()
		} else {
			errs = append(errs, hub.FieldError{Field: "since", Message: "must be an item id (evt_…) or an RFC 3339 time such as 2025-03-08T14:02:51Z"})
		}
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPollLimit {
			errs = append(errs, hub.FieldError{Field: "limit", Message: "must be a whole number from 1 to 200"})
		}
		q.Limit = n
	}
	if v := c.Query("job_id"); v != "" {
		ok := hub.ValidID(hub.PrefixJob, v)
		if ok {
			var err error
			if ok, err = s.webhookStore().JobExists(c.UserContext(), principal(c).AccountID, v); err != nil {
				return q, err
			}
		}
		if !ok {
			errs = append(errs, hub.FieldError{Field: "job_id", Message: "no job with this ID in your account"})
		}
		q.JobID = v
	}
	if len(errs) > 0 {
		return q, hub.Invalid(errs...)
	}
	return q, nil
}

// pollTrigger answers a polling trigger with a bare array of items, the
// shape Zapier, Make and n8n polling expects. Each item's id is its
// event's, so a platform de-duplicating on id triggers once per
// occurrence.
func (s *Server) pollTrigger(c *fiber.Ctx) error {
	tr, ok := triggers.ByKey(c.Params("key"))
	if !ok {
		return hub.Errorf(hub.ENotFound, "no trigger named %q; GET /v1/meta lists them", c.Params("key"))
	}
	q, err := s.pollQuery(c, tr.Event)
	if err != nil {
		return err
	}
	evs, err := s.store.PollEvents(c.UserContext(), principal(c).AccountID, q)
	if hub.ErrorCode(err) == hub.ENotFound && q.SinceID != "" {
		return hub.Invalid(hub.FieldError{Field: "since", Message: "no item with this id in your account"})
	}
	if err != nil {
		return err
	}
	items := make([]json.RawMessage, 0, len(evs))
	for _, ev := range evs {
		item, err := triggers.Item(ev)
		if err != nil {
			return err
		}
		items = append(items, item)
	}
	return sendJSON(c, fiber.StatusOK, items)
}

// sampleDelivery returns what a REST hook of the event type would receive:
// the account's most recent real event of the type, so field mappings are
// built on real data, or the built-in sample before there is one.
func (s *Server) sampleDelivery(c *fiber.Ctx) error {
	typ := c.Params("event_type")
	if !hub.ValidEventType(typ) {
		return hub.Errorf(hub.ENotFound, "unknown event type %q; use one of %s", typ, strings.Join(hub.EventTypes, ", "))
	}
	ev, err := s.store.LatestEvent(c.UserContext(), principal(c).AccountID, typ)
	if hub.ErrorCode(err) == hub.ENotFound {
		ev, err = triggers.Sample(typ)
	}
	if err != nil {
		return err
	}
	d, err := triggers.DeliveryOf(ev)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, d)
}
