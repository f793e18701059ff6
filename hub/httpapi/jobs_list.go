package httpapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// jobFilterParams documents the filters of GET /v1/jobs.
var jobFilterParams = []Param{
	{Name: "status", Type: "string", Description: "Only jobs with this status.", Enum: []string{hub.JobOpen, hub.JobPaused, hub.JobClosed}},
	{Name: "external_id", Type: "string", Description: "Only the job with this external ID (your ATS or HRIS ID)."},
	{Name: "created_after", Type: "date-time", Description: "Only jobs created after this time (RFC 3339)."},
	{Name: "updated_after", Type: "date-time", Description: "Only jobs changed after this time (RFC 3339); use it to sync changes."},
}

func (s *Server) listJobs(c *fiber.Ctx) error {
	f, scope, err := jobFilter(c)
	if err != nil {
		return err
	}
	page, err := s.page(c, scope...)
	if err != nil {
		return err
	}
	jobs, more, err := s.store.ListJobs(c.UserContext(), principal(c).AccountID, f, page)
	if err != nil {
		return err
	}
	last := ""
	if len(jobs) > 0 {
		last = jobs[len(jobs)-1].ID
	}
	return sendList(s, c, jobs, more, last, scope...)
}

// jobFilter reads and checks the list filters. It also returns them in a
// canonical, labelled form that binds a cursor to them, so a cursor cannot
// continue a walk under other filters; times are canonical so that two
// spellings of one instant are the same filter.
func jobFilter(c *fiber.Ctx) (store.JobFilter, []string, error) {
	var (
		f    store.JobFilter
		errs []hub.FieldError
	)
	f.Status = c.Query("status")
	switch f.Status {
	case "", hub.JobOpen, hub.JobPaused, hub.JobClosed:
	default:
		errs = append(errs, hub.FieldError{Field: "status", Message: "must be one of open, paused, closed"})
	}
	f.ExternalID = c.Query("external_id")
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"created_after", &f.CreatedAfter}, {"updated_after", &f.UpdatedAfter}} {
		v := c.Query(p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			errs = append(errs, hub.FieldError{Field: p.name, Message: "must be an RFC 3339 time such as 2025-03-01T00:00:00Z"})
			continue
		}
		*p.dst = t
	}
	if len(errs) > 0 {
		return f, nil, hub.Invalid(errs...)
	}
	scope := []string{
		"status=" + f.Status,
		"external_id=" + strconv.Quote(f.ExternalID),
		"created_after=" + canonicalTime(f.CreatedAfter),
		"updated_after=" + canonicalTime(f.UpdatedAfter),
	}
	return f, scope, nil
}

// canonicalTime is t as the filter applies it: UTC, milliseconds.
func canonicalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return hub.TimeOf(t).Format(hub.TimeFormat)
}
