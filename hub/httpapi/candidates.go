package httpapi

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// CandidateStore is the persistence the candidate and resume endpoints
// need; it is part of Store. Every method but GetResumeByLink takes the
// account from the caller's principal, so no request can reach another
// account's candidates; GetResumeByLink is only called after a signed
// link's signature has been checked.
type CandidateStore interface {
	CreateCandidate(ctx context.Context, accountID string, c hub.Candidate) (hub.Candidate, error)
	GetCandidate(ctx context.Context, accountID, id string) (hub.Candidate, error)
	ListCandidates(ctx context.Context, accountID string, f store.CandidateFilter, p hub.Page) ([]hub.Candidate, bool, error)
	UpdateCandidate(ctx context.Context, accountID, id string, apply func(*hub.Candidate) error) (hub.Candidate, error)
	PutResume(ctx context.Context, accountID string, r hub.Resume) (hub.Candidate, error)
	GetResume(ctx context.Context, accountID, candidateID string) (hub.Resume, error)
	GetResumeByLink(ctx context.Context, candidateID string) (hub.Resume, error)
	DeleteResume(ctx context.Context, accountID, candidateID string) (hub.Candidate, error)
	// SetCandidateDecorator lets the store put signed resume links into
	// the candidates it writes into events; New installs the server's.
	SetCandidateDecorator(fn func(*hub.Candidate))
}

// candidateRoutes lists this file's routes; see routeTable.
func (s *Server) candidateRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/v1/candidates", Access: AnyCaller, JSON: true, Summary: "Add a candidate", Tag: "Candidates",
			Request: "candidate_create", Response: "candidate", Status: fiber.StatusCreated, handler: s.createCandidate},
		{Method: "GET", Path: "/v1/candidates", Access: AnyCaller, Summary: "List candidates, newest first", Tag: "Candidates",
			Response: "list:candidate", Query: append(append([]Param{}, candidateFilterParams...), paging...), handler: s.listCandidates},
		{Method: "GET", Path: "/v1/candidates/:id", Access: AnyCaller, Summary: "Get a candidate", Tag: "Candidates",
			Response: "candidate", handler: s.getCandidate},
		{Method: "PATCH", Path: "/v1/candidates/:id", Access: AnyCaller, JSON: true,
			Summary: "Change some fields of a candidate, including its status (null clears a field)", Tag: "Candidates",
			Request: "candidate_update", Response: "candidate", handler: s.updateCandidate},
	}
}

func (s *Server) createCandidate(c *fiber.Ctx) error {
	var in hub.CandidateInput
	if err := bind(c, "candidate_create", &in); err != nil {
		return err
	}
	cand, err := s.store.CreateCandidate(c.UserContext(), principal(c).AccountID, in.Candidate())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/v1/candidates/"+cand.ID)
	return s.sendCandidate(c, fiber.StatusCreated, cand)
}

// candidateID returns the :id parameter, or not found when it cannot be a
// candidate ID, so garbage never reaches the database and looks like any
// unknown candidate.
func candidateID(c *fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixCand, id) {
		return "", hub.Errorf(hub.ENotFound, "candidate not found")
	}
	return strings.Clone(id), nil
}

func (s *Server) getCandidate(c *fiber.Ctx) error {
	id, err := candidateID(c)
	if err != nil {
		return err
	}
	cand, err := s.store.GetCandidate(c.UserContext(), principal(c).AccountID, id)
	if err != nil {
		return err
	}
	return s.sendCandidate(c, fiber.StatusOK, cand)
}

func (s *Server) updateCandidate(c *fiber.Ctx) error {
	id, err := candidateID(c)
	if err != nil {
		return err
	}
	var in hub.CandidateInput
	if err := bind(c, "candidate_update", &in); err != nil {
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
	cand, err := s.store.UpdateCandidate(c.UserContext(), principal(c).AccountID, id, in.Patch(present))
	if err != nil {
		return err
	}
	return s.sendCandidate(c, fiber.StatusOK, cand)
}

// sendCandidate writes a candidate as the API shows it, with a freshly
// signed resume link.
func (s *Server) sendCandidate(c *fiber.Ctx, status int, cand hub.Candidate) error {
	s.decorateCandidate(&cand)
	return sendJSON(c, status, cand)
}
