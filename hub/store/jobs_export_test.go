package store

import (
	"context"

	"github.com/visage-jobs/visage-hub/hub"
)

// JobListSQL exposes the jobs list query to the external tests, which
// check that the searches' filters are answered from an index.
func JobListSQL(s *Store, accountID string, f JobFilter, page hub.Page) (string, []any, error) {
	q, args, _, err := jobListSQL(accountID, f, page)
	return s.q(q), args, err
}

// MigrateDownTo rolls the schema back to version, for the tests that
// check a migration's Down and a second Up.
func MigrateDownTo(ctx context.Context, s *Store, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// MarkedEventTxs counts the transactions still marked as having written
// events; every one is forgotten when it ends, committed or not.
func MarkedEventTxs(s *Store) int {
	n := 0
	s.eventTxs.Range(func(_, _ any) bool { n++; return true })
	return n
}

// QueueSetting reads a setting and where it came from (pg_settings.source)
// as the dispatcher's pool and the main pool see them.
func QueueSetting(s *Store, name string) (queue, main [2]string, err error) {
	const q = `SELECT setting, source FROM pg_settings WHERE name = $1`
	if err = s.queue.QueryRow(q, name).Scan(&queue[0], &queue[1]); err != nil {
		return queue, main, err
	}
	err = s.db.QueryRow(q, name).Scan(&main[0], &main[1])
	return queue, main, err
}

// WakeSignals counts the commits that asked the store to NOTIFY other
// processes (0 on SQLite).
func WakeSignals(s *Store) int64 {
	if s.wake == nil {
		return 0
	}
	return s.wake.signals.Load()
}

// SignalWake asks the store's notifier for a NOTIFY, as a commit does.
func SignalWake(s *Store, what Due) { s.wake.signal(what) }
