package store

import "github.com/visage-jobs/visage-hub/hub"

// CandidateListSQL exposes the list query to the external tests, which
// check that every filter combination is answered from an index.
func CandidateListSQL(s *Store, accountID string, f CandidateFilter, page hub.Page) (string, []any, error) {
	q, args, _, err := candidateListSQL(accountID, f, page)
	return s.q(q), args, err
}
