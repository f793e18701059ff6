package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
)

// EventsChannel is the PostgreSQL channel every dispatcher LISTENs on. A
// store with no dispatcher running in its process (an API-only `serve`
// with VISAGE_DISPATCHER=off) sends a NOTIFY on it after commits that made
// work for dispatchers (events written, a retry, a replay, an endpoint
// enabled), so the `visage-hub dispatch` processes start at once. A store
// with a dispatcher of its own wakes that one directly (SubscribeDue) and
// sends nothing: its dispatcher fans out its events, and every NOTIFY
// costs each listening process a wake-up (with three hubs notifying each
// other at 1,000 events/s, commit-to-receipt p50 went from 24 to 69 ms).
// The payload is the sending store's NotifyToken.
const EventsChannel = "visage_events"

// notifyStatement sends the wake-up in one round trip, in a transaction of
// its own whose commit does not wait for the WAL flush. That matters:
// PostgreSQL holds one database-wide lock from a notifying transaction's
// pre-commit until its commit record is written, so when NOTIFY ran inside
// the event-writing transactions (the 00006 trigger) their durable commits
// queued behind each other one flush at a time, and the API's event rate
// fell to a few hundred per second under dispatch load. A lost wake-up
// (a crash between the two commits) costs at most one dispatcher tick.
func notifyStatement(token string) string {
	return `BEGIN; SET LOCAL synchronous_commit = off; NOTIFY ` + EventsChannel + `, '` + token + `'; COMMIT`
}

// notifyGap is the least time between two NOTIFYs of one store: every
// NOTIFY wakes every listening session and its dispatcher, so one per
// commit at 1,000 commits/s would be a good share of a 2-core machine, and
// a couple of milliseconds' delay is worth that.
const notifyGap = 2 * time.Millisecond

// notifier coalesces wake-ups: any number of signals while a NOTIFY is on
// its way become one more NOTIFY, so a process sends at most one at a time
// however fast it commits. Every commit that signals is covered, because a
// signal either finds the slot empty (and fills it: a NOTIFY will be sent
// after it) or full (a NOTIFY not yet started will be sent after it).
type notifier struct {
	db    *sqlx.DB
	token string
	kick  chan struct{}
	stop  chan struct{}
	done  chan struct{}
	sent  atomic.Int64
	fail  atomic.Int64
	once  sync.Once
	// signals counts the commits that asked for a NOTIFY.
	signals atomic.Int64
}

func newNotifier(db *sqlx.DB, token string) *notifier {
	n := &notifier{db: db, token: token, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
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
	stmt := notifyStatement(n.token)
	gap := time.NewTimer(0)
	defer gap.Stop()
	for {
		select {
		case <-n.stop:
			return
		case <-n.kick:
		}
		select { // rate limit: see notifyGap
		case <-n.stop:
			return
		case <-gap.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		// A failure is counted, not retried: the dispatchers' tick finds
		// the work anyway, and the next commit signals again.
		if _, err := n.db.ExecContext(ctx, stmt); err != nil {
			n.fail.Add(1)
		} else {
			n.sent.Add(1)
		}
		cancel()
		gap.Reset(notifyGap)
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

// Due says what a commit made ready for the dispatchers.
type Due int

// What a commit can make ready.
const (
	DueEvents     Due = iota // new events to fan out
	DueDeliveries            // deliveries to claim: a retry, a replay, an endpoint enabled
	DueReplays               // a replay job to run: one was created
)

// deliveriesDue wakes the dispatchers after a commit that made work for
// them: this process's at once (SubscribeDue), or, when none runs here,
// the other processes' by NOTIFY on PostgreSQL.
func (s *Store) deliveriesDue(what Due) {
	s.subMu.Lock()
	local := len(s.subs) > 0
	for _, fn := range s.subs {
		fn(what)
	}
	s.subMu.Unlock()
	if s.wake != nil && !local {
		s.wake.signals.Add(1)
		s.wake.signal()
	}
}

// SubscribeDue calls fn after every commit of this store that made
// deliveries due (events written, a retry, a replay, an endpoint enabled),
// so the dispatcher sharing the process starts at once, whichever part of
// the hub wrote. fn must not block. The returned function unsubscribes.
func (s *Store) SubscribeDue(fn func(Due)) (cancel func()) {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	if s.subs == nil {
		s.subs = map[int]func(Due){}
	}
	s.nextSub++
	id := s.nextSub
	s.subs[id] = fn
	return func() {
		s.subMu.Lock()
		delete(s.subs, id)
		s.subMu.Unlock()
	}
}

// NotifyToken is the payload of this store's NOTIFYs (empty on SQLite).
func (s *Store) NotifyToken() string {
	if s.wake == nil {
		return ""
	}
	return s.wake.token
}

// newToken names a store in its NOTIFY payloads.
func newToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail on Linux
	return hex.EncodeToString(b)
}

// markEvents records that tx wrote outbox events, so inTx wakes the
// dispatchers once it has committed.
func (s *Store) markEvents(tx *sqlx.Tx) {
	s.eventTxs.Store(tx, struct{}{})
}

// settleTx forgets tx and, when it committed events, wakes the dispatchers.
func (s *Store) settleTx(tx *sqlx.Tx, committed bool) {
	if _, wrote := s.eventTxs.LoadAndDelete(tx); wrote && committed {
		s.deliveriesDue(DueEvents)
	}
}
