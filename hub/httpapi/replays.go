package httpapi

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/endpoints"
)

// ReplayStore keeps replay jobs; *store.Store implements it. Creating one
// wakes this process's dispatcher, and every dispatcher's tick finds it,
// so the job runs even where this process runs no dispatcher.
type ReplayStore interface {
	CreateReplay(ctx context.Context, r hub.Replay) error
	GetReplay(ctx context.Context, accountID, id string) (hub.Replay, error)
}

// replayRoutes lists this file's routes; see routeTable.
func (s *Server) replayRoutes() []Route {
	const tag = "Webhooks"
	return []Route{
		{Method: "POST", Path: "/v1/webhooks/:id/replay", Access: Admins, JSON: true, Status: fiber.StatusAccepted, Tag: tag,
			Response: "replay",
			Summary:  "Start a background job that sends again every failed (or succeeded) delivery of an endpoint in a time range", handler: s.startReplay},
		{Method: "GET", Path: "/v1/replays/:id", Access: AnyCaller, Tag: tag, Response: "replay",
			Summary: "Get a replay job: its status and how many deliveries it has queued again so far", handler: s.getReplay},
	}
}

// replayInput is the body of POST /v1/webhooks/{id}/replay. status is one
// status or a list of them, so the older one-status form keeps working.
type replayInput struct {
	Since  *string         `json:"since"`
	Until  *string         `json:"until"`
	Status json.RawMessage `json:"status"`
}

// replayable are the statuses a replay may select: the final ones.
var replayable = map[hub.DeliveryStatus]bool{hub.DeliveryFailed: true, hub.DeliverySucceeded: true}

func (s *Server) startReplay(c *fiber.Ctx) error {
	w, err := s.loadWebhook(c)
	if err != nil {
		return err
	}
	var in replayInput
	if err := decodeJSON(c, &in, false); err != nil {
		return err
	}
	var errs []hub.FieldError
	parse := func(name string, v *string, required bool) hub.Time {
		if v == nil {
			if required {
				errs = append(errs, hub.FieldError{Field: name, Message: "is required"})
			}
			return hub.Time{}
		}
		t, err := time.Parse(time.RFC3339Nano, *v)
		if err != nil {
			errs = append(errs, hub.FieldError{Field: name, Message: "must be an RFC 3339 time such as 2026-01-31T09:00:00Z"})
			return hub.Time{}
		}
		return hub.TimeOf(t)
	}
	since, until := parse("since", in.Since, true), parse("until", in.Until, false)
	if until.IsZero() && in.Until == nil {
		until = hub.TimeOf(time.Now().Add(time.Millisecond))
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until.Time) {
		errs = append(errs, hub.FieldError{Field: "until", Message: "must be after since"})
	}
	statuses, ferr := replayStatuses(in.Status)
	if ferr != nil {
		errs = append(errs, *ferr)
	}
	if len(errs) > 0 {
		return hub.Invalid(errs...)
	}
	if err := endpoints.RequireActive(w); err != nil {
		return err
	}
	now := hub.Now()
	job := hub.Replay{ID: hub.NewID(hub.PrefixReplay), AccountID: w.AccountID, WebhookID: w.ID, Since: since, Until: until,
		Statuses: statuses, Status: hub.ReplayRunning, CreatedAt: now, UpdatedAt: now}
	if err := s.replayStore().CreateReplay(c.UserContext(), job); err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/v1/replays/"+job.ID)
	return sendJSON(c, fiber.StatusAccepted, job)
}

// replayStatuses reads status: absent or null means failed; otherwise
// failed or succeeded, alone or in a non-empty list (duplicates dropped).
func replayStatuses(raw json.RawMessage) ([]hub.DeliveryStatus, *hub.FieldError) {
	bad := &hub.FieldError{Field: "status", Message: `must be "failed" or "succeeded", or a list of them`}
	if len(raw) == 0 || string(raw) == "null" {
		return []hub.DeliveryStatus{hub.DeliveryFailed}, nil
	}
	var list []hub.DeliveryStatus
	var one hub.DeliveryStatus
	if err := json.Unmarshal(raw, &one); err == nil {
		list = []hub.DeliveryStatus{one}
	} else if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
		return nil, bad
	}
	seen := map[hub.DeliveryStatus]bool{}
	out := make([]hub.DeliveryStatus, 0, len(list))
	for _, st := range list {
		if !replayable[st] {
			return nil, bad
		}
		if !seen[st] {
			seen[st] = true
			out = append(out, st)
		}
	}
	return out, nil
}

func (s *Server) getReplay(c *fiber.Ctx) error {
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixReplay, id) {
		return hub.Errorf(hub.ENotFound, "replay not found")
	}
	job, err := s.replayStore().GetReplay(c.UserContext(), principal(c).AccountID, id)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, job)
}

func (s *Server) replayStore() ReplayStore { return s.store }
