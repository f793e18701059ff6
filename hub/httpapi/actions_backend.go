package httpapi

import (
	"context"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// actionBackend adapts the server's store (and the guarded downloader) to
// what the action implementations need: the store methods the REST
// handlers use, and the searches as filtered, capped list queries.
type actionBackend struct {
	Store
	actions.Downloader
}

// actionBackend builds the adapter under the operator's SSRF policy; an
// invalid policy is reported by every action and search rather than
// failing the whole server, like webhook creation does.
func (s *Server) actionBackend() (actions.Backend, error) {
	pol, err := s.policy()
	if err != nil {
		return nil, err
	}
	return actionBackend{Store: s.store, Downloader: actions.NewDownloader(pol)}, nil
}

// FindJobs implements actions.Backend.
func (b actionBackend) FindJobs(ctx context.Context, accountID string, q actions.JobQuery) ([]hub.Job, error) {
	f := store.JobFilter{ExternalID: q.ExternalID, Title: q.Title, Status: q.Status}
	jobs, _, err := b.ListJobs(ctx, accountID, f, hub.Page{Limit: actions.SearchLimit})
	return jobs, err
}

// FindCandidates implements actions.Backend.
func (b actionBackend) FindCandidates(ctx context.Context, accountID string, q actions.CandidateQuery) ([]hub.Candidate, error) {
	f := store.CandidateFilter{Email: q.Email, LinkedInURL: q.LinkedInURL, JobID: q.JobID}
	cands, _, err := b.ListCandidates(ctx, accountID, f, hub.Page{Limit: actions.SearchLimit})
	return cands, err
}
