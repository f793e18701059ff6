package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
)

// EventsChannel is the PostgreSQL channel every dispatcher LISTENs on. The
// store sends one NOTIFY on it after each commit that made deliveries due
// (events written, a retry, a replay, an endpoint changed), so a change
// made by any hub process, API-only ones included, wakes every dispatcher.
const EventsChannel = "visage_events"

// notifyStatement sends the wake-up in one round trip, in a transaction of
// its own whose commit does not wait for the WAL flush. That matters:
// PostgreSQL holds one database-wide lock from a notifying transaction's
// pre-commit until its commit record is written, so when NOTIFY ran inside
// the event-writing transactions (the 00006 trigger) their durable commits
// queued behind each other one flush at a time, and the API's event rate
// fell to a few hundred per second under dispatch load. A lost wake-up
// (a crash between the two commits) costs at most one dispatcher tick.
const notifyStatement = `BEGIN; SET LOCAL synchronous_commit = off; NOTIFY ` + EventsChannel + `; COMMIT`

// notifier coalesces wake-ups: any number of signals while a NOTIFY is on
// its way become one more NOTIFY, so a process sends at most one at a time
// however fast it commits. Every commit that signals is covered, because a
// signal either finds the slot empty (and fills it: a NOTIFY will be sent
// after it) or full (a NOTIFY not yet started will be sent after it).
type notifier struct {
	db   *sqlx.DB
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
	sent atomic.Int64
	fail atomic.Int64
	once sync.Once
}

func newNotifier(db *sqlx.DB) *notifier {
	n := &notifier{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go n.run()
	return n
}

// signal asks for a NOTIFY after the caller's commit; it never blocks.
func (n *notifier) signal() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

func (n *notifier) run() {
	defer close(n.done)
	for {
		select {
		case <-n.stop:
			return
		case <-n.kick:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		// A failure is counted, not retried: the dispatchers' tick finds
		// the work anyway, and the next commit signals again.
		if _, err := n.db.ExecContext(ctx, notifyStatement); err != nil {
			n.fail.Add(1)
		} else {
			n.sent.Add(1)
		}
		cancel()
	}
}

// close stops the loop; a pending signal is dropped (the process is
// shutting down, and the other processes' ticks are the safety net).
func (n *notifier) close() {
	n.once.Do(func() { close(n.stop) })
	<-n.done
}

// NotifyStats reports how many wake-ups this store has sent to other
// processes' dispatchers and how many failed; zero on SQLite, where there
// is only one process.
func (s *Store) NotifyStats() (sent, failed int64) {
	if s.wake == nil {
		return 0, 0
	}
	return s.wake.sent.Load(), s.wake.fail.Load()
}

// deliveriesDue wakes every process's dispatcher after a commit that made
// deliveries due. On SQLite it does nothing: the only dispatcher shares the
// process and is woken by the API directly.
func (s *Store) deliveriesDue() {
	if s.wake != nil {
		s.wake.signal()
	}
}

// markEvents records that tx wrote outbox events, so inTx wakes the
// dispatchers once it has committed.
func (s *Store) markEvents(tx *sqlx.Tx) {
	if s.wake != nil {
		s.eventTxs.Store(tx, struct{}{})
	}
}

// settleTx forgets tx and, when it committed events, wakes the dispatchers.
func (s *Store) settleTx(tx *sqlx.Tx, committed bool) {
	if s.wake == nil {
		return
	}
	if _, wrote := s.eventTxs.LoadAndDelete(tx); wrote && committed {
		s.wake.signal()
	}
}
