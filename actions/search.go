package actions

import (
	"context"

	"github.com/visage-jobs/visage-hub/hub"
)

// findCandidate is find_candidate: candidates by e-mail and/or LinkedIn
// address (both must match when both are given), optionally of one job.
func findCandidate(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in struct {
		Email       string `json:"email"`
		LinkedInURL string `json:"linkedin_url"`
		JobID       string `json:"job_id"`
	}
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	out, err := b.FindCandidates(ctx, accountID, CandidateQuery(in))
	if out == nil {
		out = []hub.Candidate{}
	}
	return out, err
}

// findJob is find_job: jobs by external ID and/or whole title ignoring
// case, optionally with one status.
func findJob(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in struct {
		ExternalID string `json:"external_id"`
		Title      string `json:"title"`
		Status     string `json:"status"`
	}
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	out, err := b.FindJobs(ctx, accountID, JobQuery(in))
	if out == nil {
		out = []hub.Job{}
	}
	return out, err
}
