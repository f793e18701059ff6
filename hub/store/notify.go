package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
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
// The payload says who sent it and what is ready (EncodeWake).
const EventsChannel = "visage_events"

// notifyStatement sends the wake-up in one round trip, in a transaction of
// its own whose commit does not wait for the WAL flush. That matters:
// PostgreSQL holds one database-wide lock from a notifying transaction's
// pre-commit until its commit record is written, so when NOTIFY ran inside
// the event-writing transactions (the 00006 trigger) their durable commits
// queued behind each other one flush at a time, and the API's event rate
// fell to a few hundred per second under dispatch load. A lost wake-up
// (a crash between the two commits) costs at most one dispatcher tick.
func notifyStatement(payload string) string {
	return `BEGIN; SET LOCAL synchronous_commit = off; NOTIFY ` + EventsChannel + `, '` + payload + `'; COMMIT`
}

// EncodeWake is a NOTIFY payload: the sending store's token and the kinds
// of work its commits made ready since its last NOTIFY, so a dispatcher in
// another process does only what is needed (fan out events, claim
// deliveries, run a replay job). The token is hex and the kinds a decimal
// bit set, so the payload needs no quoting.
func EncodeWake(token string, kinds uint32) string {
	return token + ":" + strconv.FormatUint(uint64(kinds), 10)
}

// DecodeWake reads a payload EncodeWake wrote. A payload it cannot read
// (an older hub's) says everything may be ready.
func DecodeWake(payload string) (token string, kinds uint32) {
	token, bits, ok := strings.Cut(payload, ":")
	if !ok {
		return payload, AllDue
	}
	n, err := strconv.ParseUint(bits, 10, 32)
	if err != nil || n == 0 {
		return token, AllDue
	}
	return token, uint32(n)
}

// DueBit is the bit of a kind of work in a wake-up's bit set.
func DueBit(what Due) uint32 { return 1 << uint(what) }

// AllDue is every kind of work at once.
const AllDue = 1<<DueEvents | 1<<DueDeliveries | 1<<DueReplays

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
	// pending is the bit set of kinds asked for since the last NOTIFY.
	pending atomic.Uint32
}

func newNotifier(db *sqlx.DB, token string) *notifier {
	n := &notifier{db: db, token: token, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go n.run()
	return n
}

// signal asks for a NOTIFY saying what is ready after the caller's
// commit; it never blocks. The kind is noted before the kick, and the
// loop reads the kinds after taking the kick, so every kind asked for
// travels in this NOTIFY or the next.
func (n *notifier) signal(what Due) {
	n.pending.Or(DueBit(what))
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

func (n *notifier) run() {
	defer close(n.done)
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
		kinds := n.pending.Swap(0)
		if kinds == 0 {
			// A signal whose kind the previous NOTIFY already carried
			// kicked after it was sent: nothing to send, and no gap to
			// keep (the timer has fired and must be re-armed, or the
			// next round would wait on it forever).
			gap.Reset(0)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		// A failure is counted, not retried: the dispatchers' tick finds
		// the work anyway, and the next commit signals again.
		if _, err := n.db.ExecContext(ctx, notifyStatement(EncodeWake(n.token, kinds))); err != nil {
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
		s.wake.signal(what)
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
