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

// candidateInput is a create or update body after schema validation.
// Pointers tell "sent" from "left out" only together with fieldsOf; the
// schema has already refused wrong types, unknown fields and limits.
type candidateInput struct {
	JobID          *string         `json:"job_id"`
	FirstName      *string         `json:"first_name"`
	LastName       *string         `json:"last_name"`
	FullName       *string         `json:"full_name"`
	Email          *string         `json:"email"`
	Phone          *string         `json:"phone"`
	LinkedInURL    *string         `json:"linkedin_url"`
	Headline       *string         `json:"headline"`
	Location       *string         `json:"location"`
	CurrentTitle   *string         `json:"current_title"`
	CurrentCompany *string         `json:"current_company"`
	Experience     []hub.Position  `json:"experience"`
	Education      []hub.Schooling `json:"education"`
	Skills         []string        `json:"skills"`
	Tags           []string        `json:"tags"`
	Status         *string         `json:"status"`
	Source         *string         `json:"source"`
}

// candidate builds a new candidate from a create body; the store fills in
// the rest (ID, derived full name, default status, timestamps).
func (in candidateInput) candidate() hub.Candidate {
	return hub.Candidate{
		JobID: in.JobID, FirstName: in.FirstName, LastName: in.LastName, FullName: deref(in.FullName),
		Email: in.Email, Phone: in.Phone, LinkedInURL: in.LinkedInURL, Headline: in.Headline,
		Location: in.Location, CurrentTitle: in.CurrentTitle, CurrentCompany: in.CurrentCompany,
		Experience: in.Experience, Education: in.Education, Skills: in.Skills, Tags: in.Tags,
		Status: deref(in.Status), Source: in.Source,
	}
}

// patch sets only the fields present in the body; a field sent as null is
// cleared and a list sent replaces the list. A full name that was derived
// from the first and last names follows them when they change and no full
// name is sent, so "Ann Lee" renamed to Anna becomes "Anna Lee".
func (in candidateInput) patch(present map[string]bool) func(*hub.Candidate) error {
	return func(c *hub.Candidate) error {
		derived := c.FullName == hub.JoinName(c.FirstName, c.LastName)
		strs := []struct {
			name string
			dst  **string
			v    *string
		}{
			{"job_id", &c.JobID, in.JobID}, {"first_name", &c.FirstName, in.FirstName},
			{"last_name", &c.LastName, in.LastName}, {"email", &c.Email, in.Email},
			{"phone", &c.Phone, in.Phone}, {"linkedin_url", &c.LinkedInURL, in.LinkedInURL},
			{"headline", &c.Headline, in.Headline}, {"location", &c.Location, in.Location},
			{"current_title", &c.CurrentTitle, in.CurrentTitle},
			{"current_company", &c.CurrentCompany, in.CurrentCompany}, {"source", &c.Source, in.Source},
		}
		for _, f := range strs {
			if present[f.name] {
				*f.dst = f.v
			}
		}
		if present["full_name"] {
			c.FullName = deref(in.FullName)
		} else if derived && (present["first_name"] || present["last_name"]) {
			if joined := hub.JoinName(c.FirstName, c.LastName); joined != "" {
				c.FullName = joined
			}
		}
		if present["status"] {
			c.Status = deref(in.Status)
		}
		if present["experience"] {
			c.Experience = in.Experience
		}
		if present["education"] {
			c.Education = in.Education
		}
		if present["skills"] {
			c.Skills = in.Skills
		}
		if present["tags"] {
			c.Tags = in.Tags
		}
		return nil
	}
}

func (s *Server) createCandidate(c *fiber.Ctx) error {
	var in candidateInput
	if err := bind(c, "candidate_create", &in); err != nil {
		return err
	}
	cand, err := s.store.CreateCandidate(c.UserContext(), principal(c).AccountID, in.candidate())
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
	var in candidateInput
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
	cand, err := s.store.UpdateCandidate(c.UserContext(), principal(c).AccountID, id, in.patch(present))
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
