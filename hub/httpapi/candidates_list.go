package httpapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// candidateFilterParams documents the filters of GET /v1/candidates.
var candidateFilterParams = []Param{
	{Name: "job_id", Type: "string", Description: "Only candidates sourced for this job."},
	{Name: "status", Type: "string", Description: "Only candidates with this status.", Enum: hub.CandidateStatuses},
	{Name: "email", Type: "string", Description: "Only candidates with this e-mail address (compared without regard to case)."},
	{Name: "created_after", Type: "date-time", Description: "Only candidates added after this time (RFC 3339)."},
	{Name: "updated_after", Type: "date-time", Description: "Only candidates changed after this time (RFC 3339); use it to sync changes."},
}

func (s *Server) listCandidates(c *fiber.Ctx) error {
	f, scope, err := candidateFilter(c)
	if err != nil {
		return err
	}
	page, err := s.page(c, scope...)
	if err != nil {
		return err
	}
	cands, more, err := s.store.ListCandidates(c.UserContext(), principal(c).AccountID, f, page)
	if err != nil {
		return err
	}
	last := ""
	if len(cands) > 0 {
		last = cands[len(cands)-1].ID
	}
	for i := range cands {
		s.decorateCandidate(&cands[i])
	}
	return sendList(s, c, cands, more, last, scope...)
}

// candidateFilter reads and checks the list filters, and returns them in
// the canonical, labelled form that binds a cursor to them (the e-mail
// normalised, times in UTC milliseconds), so a cursor continues only the
// walk it came from, whichever spelling of a filter the client uses.
func candidateFilter(c *fiber.Ctx) (store.CandidateFilter, []string, error) {
	var (
		f    store.CandidateFilter
		errs []hub.FieldError
	)
	if v := c.Query("job_id"); v != "" {
		if !hub.ValidID(hub.PrefixJob, v) {
			errs = append(errs, hub.FieldError{Field: "job_id", Message: "must be a job ID such as job_01jndmj1srae67z5nhcjzhq5xv"})
		}
		f.JobID = v
	}
	if v := c.Query("status"); v != "" {
		if !hub.ValidCandidateStatus(v) {
			errs = append(errs, hub.FieldError{Field: "status", Message: "must be one of new, interested, contacted, not_interested, hired, rejected"})
		}
		f.Status = v
	}
	if v := c.Query("email"); v != "" {
		email, err := hub.NormalizeEmail(v)
		if err != nil {
			errs = append(errs, hub.FieldError{Field: "email", Message: err.Error()})
		}
		f.Email = email
	}
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
		"job_id=" + f.JobID,
		"status=" + f.Status,
		"email=" + strconv.Quote(f.Email),
		"created_after=" + canonicalTime(f.CreatedAfter),
		"updated_after=" + canonicalTime(f.UpdatedAfter),
	}
	return f, scope, nil
}
