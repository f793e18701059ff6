package store

import "github.com/visage-jobs/visage-hub/hub"

// JobListSQL exposes the jobs list query to the external tests, which
// check that the searches' filters are answered from an index.
func JobListSQL(s *Store, accountID string, f JobFilter, page hub.Page) (string, []any, error) {
	q, args, _, err := jobListSQL(accountID, f, page)
	return s.q(q), args, err
}
