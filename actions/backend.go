package actions

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/visage-jobs/visage-hub/hub"
)

// Func is an entry's implementation. input is the request body (an action)
// or the object built from the query (a search), already validated against
// the entry's Input schema, so a Func only decodes it. It returns what the
// Output schema describes: the resource for an action, a list of resources
// (never nil) for a search. Errors are domain errors (hub.Errorf,
// hub.Invalid), mapped to problem documents at the edge.
type Func func(ctx context.Context, b Backend, accountID string, input []byte) (any, error)

// Backend is everything the implementations need from the hub. The store
// methods are the ones the REST handlers call, so a change made through an
// action is the same change, with the same outbox events, as through the
// REST API. Every method acts within accountID only: another account's IDs
// are not found.
type Backend interface {
	CreateJob(ctx context.Context, accountID string, j hub.Job) (hub.Job, error)
	UpdateJob(ctx context.Context, accountID, id string, apply func(*hub.Job) error) (hub.Job, error)
	UpsertJobByExternalID(ctx context.Context, accountID, externalID string, apply func(*hub.Job) error) (hub.Job, bool, error)
	CreateCandidate(ctx context.Context, accountID string, c hub.Candidate) (hub.Candidate, error)
	GetCandidate(ctx context.Context, accountID, id string) (hub.Candidate, error)
	UpdateCandidate(ctx context.Context, accountID, id string, apply func(*hub.Candidate) error) (hub.Candidate, error)
	PutResume(ctx context.Context, accountID string, r hub.Resume) (hub.Candidate, error)
	// FindJobs returns the account's jobs matching q, newest first, at
	// most SearchLimit.
	FindJobs(ctx context.Context, accountID string, q JobQuery) ([]hub.Job, error)
	// FindCandidates returns the account's candidates matching q, newest
	// first, at most SearchLimit.
	FindCandidates(ctx context.Context, accountID string, q CandidateQuery) ([]hub.Candidate, error)
	// Fetch GETs rawURL through the hub's outbound guard (the SSRF policy
	// webhooks use; redirects are not followed). A refused or failed
	// request is an error whose message says why; the caller closes the
	// body.
	Fetch(ctx context.Context, rawURL string) (*http.Response, error)
}

// SearchLimit is the most items a search returns: the platforms use the
// first match (Zapier, Make) or show a short list (n8n), so a search is a
// look-up, not a way to page through an account.
const SearchLimit = 100

// JobQuery is what find_job matches; empty fields do not filter. Title
// matches the whole title ignoring case.
type JobQuery struct {
	ExternalID string
	Title      string
	Status     string
}

// CandidateQuery is what find_candidate matches; empty fields do not
// filter. Email and LinkedInURL are normalised as stored ones are.
type CandidateQuery struct {
	Email       string
	LinkedInURL string
	JobID       string
}

// decode reads validated input into dst; failing here is a bug (the schema
// and the Go type disagree), not bad input.
func decode(input []byte, dst any) error {
	if err := json.Unmarshal(input, dst); err != nil {
		return fmt.Errorf("actions: decode validated input: %w", err)
	}
	return nil
}

// present returns the names of the members input has, so a partial update
// can tell a field sent as null (clear it) from one left out.
func present(input []byte) (map[string]bool, error) {
	var m map[string]json.RawMessage
	if err := decode(input, &m); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out, nil
}
