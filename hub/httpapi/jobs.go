package httpapi

import (
	"context"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/schemas"
)

// JobStore is the persistence the jobs endpoints need; it is part of Store.
// Every method takes the account from the caller's principal, so no request
// can reach another account's jobs.
type JobStore interface {
	CreateJob(ctx context.Context, accountID string, j hub.Job) (hub.Job, error)
	GetJob(ctx context.Context, accountID, id string) (hub.Job, error)
	ListJobs(ctx context.Context, accountID string, f store.JobFilter, p hub.Page) ([]hub.Job, bool, error)
	UpdateJob(ctx context.Context, accountID, id string, apply func(*hub.Job) error) (hub.Job, error)
	UpsertJobByExternalID(ctx context.Context, accountID, externalID string, apply func(*hub.Job) error) (hub.Job, bool, error)
}

// jobRoutes lists this file's routes; see routeTable.
func (s *Server) jobRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/v1/jobs", Access: AnyCaller, JSON: true, Summary: "Create a job", Tag: "Jobs",
			Request: "job_create", Response: "job", Status: fiber.StatusCreated, handler: s.createJob},
		{Method: "GET", Path: "/v1/jobs", Access: AnyCaller, Summary: "List jobs, newest first", Tag: "Jobs",
			Response: "list:job", Query: append(append([]Param{}, jobFilterParams...), paging...), handler: s.listJobs},
		{Method: "GET", Path: "/v1/jobs/:id", Access: AnyCaller, Summary: "Get a job", Tag: "Jobs",
			Response: "job", handler: s.getJob},
		{Method: "PATCH", Path: "/v1/jobs/:id", Access: AnyCaller, JSON: true, Summary: "Change some fields of a job (null clears a field)", Tag: "Jobs",
			Request: "job_update", Response: "job", handler: s.updateJob},
		{Method: "POST", Path: "/v1/jobs/:id/close", Access: AnyCaller, Summary: "Close a job (safe to repeat)", Tag: "Jobs",
			Response: "job", handler: s.closeJob},
		{Method: "PUT", Path: "/v1/jobs/by-external-id/:external_id", Access: AnyCaller, JSON: true,
			Summary: "Create or replace the job with your external ID (ATS/HRIS sync)", Tag: "Jobs",
			Request: "job_upsert", Response: "job", handler: s.upsertJob},
	}
}

func (s *Server) createJob(c *fiber.Ctx) error {
	var in hub.JobInput
	if err := bind(c, "job_create", &in); err != nil {
		return err
	}
	j := hub.Job{ExternalID: in.ExternalID}
	in.Replace(&j)
	j, err := s.store.CreateJob(c.UserContext(), principal(c).AccountID, j)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/v1/jobs/"+j.ID)
	return sendJSON(c, fiber.StatusCreated, j)
}

// jobID returns the :id parameter, or not found when it cannot be a job ID,
// so garbage never reaches the database and looks like any unknown job.
func jobID(c *fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixJob, id) {
		return "", hub.Errorf(hub.ENotFound, "job not found")
	}
	return strings.Clone(id), nil
}

func (s *Server) getJob(c *fiber.Ctx) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	j, err := s.store.GetJob(c.UserContext(), principal(c).AccountID, id)
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, j)
}

func (s *Server) updateJob(c *fiber.Ctx) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	var in hub.JobInput
	if err := bind(c, "job_update", &in); err != nil {
		return err
	}
	fields, err := fieldsOf(c)
	if err != nil {
		return err
	}
	present := make(map[string]bool, len(fields))
	for k := range fields {
		present[k] = true
	}
	j, err := s.store.UpdateJob(c.UserContext(), principal(c).AccountID, id, in.Patch(present))
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, j)
}

func (s *Server) closeJob(c *fiber.Ctx) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	j, err := s.store.UpdateJob(c.UserContext(), principal(c).AccountID, id, func(j *hub.Job) error {
		j.Status = hub.JobClosed
		return nil
	})
	if err != nil {
		return err
	}
	return sendJSON(c, fiber.StatusOK, j)
}

func (s *Server) upsertJob(c *fiber.Ctx) error {
	ext, err := pathExternalID(c)
	if err != nil {
		return err
	}
	var in hub.JobInput
	if err := bind(c, "job_upsert", &in); err != nil {
		return err
	}
	j, created, err := s.store.UpsertJobByExternalID(c.UserContext(), principal(c).AccountID, ext, func(j *hub.Job) error {
		in.Replace(j)
		return nil
	})
	if err != nil {
		return err
	}
	if created {
		c.Set(fiber.HeaderLocation, "/v1/jobs/"+j.ID)
		return sendJSON(c, fiber.StatusCreated, j)
	}
	return sendJSON(c, fiber.StatusOK, j)
}

// pathExternalID decodes the :external_id segment (an ATS ID may hold
// spaces or slashes, sent percent-encoded) and checks it against the same
// schema rule as external_id in a body, so both places agree on the limits.
func pathExternalID(c *fiber.Ctx) (string, error) {
	bad := func(msg string) error {
		return hub.Invalid(hub.FieldError{Field: "external_id", Message: msg})
	}
	ext, err := url.PathUnescape(c.Params("external_id"))
	if err != nil {
		return "", bad("is not a valid percent-encoded path segment")
	}
	ext = strings.Clone(ext)
	if err := schemas.ValidateValue("job_update", map[string]string{"external_id": ext}); err != nil {
		if fields := hub.ErrorFields(err); len(fields) > 0 {
			return "", bad(fields[0].Message)
		}
		return "", err
	}
	return ext, nil
}
