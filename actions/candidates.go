package actions

import (
	"context"
	"fmt"

	"github.com/visage-jobs/visage-hub/hub"
)

// maxTags is the candidate schema's limit on tags (candidate.json).
const maxTags = 50

// createCandidate is create_candidate: POST /v1/candidates.
func createCandidate(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in hub.CandidateInput
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	return b.CreateCandidate(ctx, accountID, in.Candidate())
}

// updateCandidateStatus is update_candidate_status: PATCH
// /v1/candidates/{id} with only the status, so the store sends
// candidate.status_changed (and candidate.interested) as it does there.
func updateCandidateStatus(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in struct {
		CandidateID string `json:"candidate_id"`
		Status      string `json:"status"`
	}
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	return b.UpdateCandidate(ctx, accountID, in.CandidateID, func(c *hub.Candidate) error {
		c.Status = in.Status
		return nil
	})
}

// addCandidateTags is add_candidate_tags: the candidate's tags followed by
// the new ones it does not have yet, each kept once, in order. Adding tags
// it already has changes nothing and sends no event.
func addCandidateTags(ctx context.Context, b Backend, accountID string, input []byte) (any, error) {
	var in struct {
		CandidateID string   `json:"candidate_id"`
		Tags        []string `json:"tags"`
	}
	if err := decode(input, &in); err != nil {
		return nil, err
	}
	return b.UpdateCandidate(ctx, accountID, in.CandidateID, func(c *hub.Candidate) error {
		tags := unionTags(c.Tags, in.Tags)
		if len(tags) > maxTags {
			return hub.Invalid(hub.FieldError{Field: "tags", Message: fmt.Sprintf(
				"would give the candidate %d tags; a candidate has at most %d", len(tags), maxTags)})
		}
		c.Tags = tags
		return nil
	})
}

// unionTags returns have followed by the members of add not in it, each
// once, in their order.
func unionTags(have, add []string) []string {
	out := make([]string, 0, len(have)+len(add))
	seen := make(map[string]bool, len(have)+len(add))
	for _, list := range [][]string{have, add} {
		for _, t := range list {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}
