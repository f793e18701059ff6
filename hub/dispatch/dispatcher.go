// Package dispatch pushes events to webhook endpoints. It reads the outbox
// (events committed with the changes they report), fans each event out to
// one delivery per subscribed endpoint, and sends deliveries under a lease,
// signed, with retries, recording every attempt.
//
// Guarantees: an event committed is fanned out in the same transaction that
// marks it dispatched, so a crash loses nothing; a delivery is sent only by
// the dispatcher holding its lease, and its attempt is recorded only while
// that lease holds, so several processes on one PostgreSQL never send the
// same attempt twice in normal operation (a process that dies mid-attempt
// is retried by another once its lease expires: at least once).
package dispatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// Options tune a Dispatcher. Zero fields take the defaults in brackets.
type Options struct {
	// Owner names this dispatcher in leases [host-pid-random].
	Owner string
	// Policy is the SSRF policy of the default client.
	Policy ssrf.Policy
	// Client sends the requests [ssrf.NewClient(Policy, AttemptTimeout)].
	Client *http.Client
	// AttemptTimeout bounds one attempt [15 s].
	AttemptTimeout time.Duration
	// ConnectTimeout bounds the TCP connect of the default client [5 s].
	ConnectTimeout time.Duration
	// Schedule is the retry schedule [DefaultSchedule].
	Schedule Schedule
	// Lease is how long a claimed delivery belongs to this dispatcher; it
	// must comfortably exceed AttemptTimeout [2 min].
	Lease time.Duration
	// BatchSize is the most events fanned out, deliveries claimed or
	// attempts recorded per transaction [100].
	BatchSize int
	// MaxInFlight is the most deliveries claimed and not yet recorded at
	// once, being sent or waiting for their endpoint's turn [2048].
	MaxInFlight int
	// PerEndpoint is the most attempts running at once to one endpoint, so
	// a slow endpoint can take only a few workers, yet a healthy one with a
	// real network's latency still gets hundreds of deliveries a second [16].
	PerEndpoint int
	// Tick is the safety-net poll, which also recovers expired leases and
	// refreshes the queue metrics [5 s].
	Tick time.Duration
	// PruneSchedule is the cron spec of retention pruning [@hourly].
	PruneSchedule string
	// Retention is how long deliveries and their attempts are kept [720 h].
	Retention time.Duration
	// FailureWindow is how long an endpoint may fail every attempt before
	// it is disabled [120 h].
	FailureWindow time.Duration
	// ListenURL, a postgres:// URL, makes the dispatcher LISTEN for new
	// events committed by any process.
	ListenURL string
	// Now is the clock [time.Now]; tests move it.
	Now func() time.Time
	// Rand returns a number in [0, 1) for jitter [math/rand/v2].
	Rand func() float64
	// Logger [slog.Default()].
	Logger *slog.Logger
	// Registerer receives the metrics [a private registry].
	Registerer prometheus.Registerer
}

func (o Options) withDefaults() Options {
	if o.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		o.Owner = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = ssrf.DefaultRequestTimeout
	}
	if o.Schedule.Delays == nil {
		o.Schedule = DefaultSchedule()
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 100
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 2048
	}
	if o.PerEndpoint <= 0 {
		o.PerEndpoint = 16
	}
	if o.Client == nil {
		// Keep as many idle connections to a host as attempts may run at
		// once: many endpoints share one host (every Zapier hook is on
		// hooks.zapier.com), and a connection closed after an attempt
		// costs the next one a new TCP (and TLS) handshake. Idle ones
		// close after 90 s.
		o.Client = ssrf.NewClient(o.Policy, ssrf.ClientOptions{Timeout: o.AttemptTimeout, ConnectTimeout: o.ConnectTimeout,
			MaxIdleConnsPerHost: o.MaxInFlight})
	}
	if o.Tick <= 0 {
		o.Tick = 5 * time.Second
	}
	if o.PruneSchedule == "" {
		o.PruneSchedule = "@hourly"
	}
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.FailureWindow <= 0 {
		o.FailureWindow = 5 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = mrand.Float64
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	return o
}

// Dispatcher sends webhook deliveries. Run it once per process; Notify,
// Validate and SendTest are safe to call from any goroutine.
type Dispatcher struct {
	st      *store.Store
	o       Options
	sender  *Sender
	log     *slog.Logger
	metrics *metrics

	wake    chan struct{} // events may be waiting to be fanned out
	ready   chan struct{} // deliveries may be due, or slots were freed
	results chan store.AttemptRecord
	running sync.WaitGroup // attempts in flight

	mu      sync.Mutex
	inUse   int
	perEP   map[string]int           // claimed and not yet answered, per endpoint
	sending map[string]chan struct{} // per endpoint: a slot per attempt being sent
	paused  map[string]int           // endpoints with a 410 not yet recorded, and how many
	quick   map[string]bool          // endpoints whose last attempt succeeded quickly; see readAhead
	// queued says the queue may hold deliveries this process could claim:
	// set by Notify, by a fan-out that left deliveries unleased and by a
	// claim that stopped at a cap; cleared when the claim loop takes it.
	queued  atomic.Bool
	soonest time.Time // earliest retry this process scheduled

	replays replayRunner // see replay.go
}

// New builds a dispatcher on a store.
func New(st *store.Store, o Options) *Dispatcher {
	o = o.withDefaults()
	return &Dispatcher{
		st: st, o: o, log: o.Logger.With("component", "dispatcher", "owner", o.Owner),
		sender:  &Sender{Client: o.Client, Timeout: o.AttemptTimeout},
		metrics: newMetrics(o.Registerer, st),
		wake:    make(chan struct{}, 1),
		ready:   make(chan struct{}, 1),
		results: make(chan store.AttemptRecord, 4*o.MaxInFlight),
		perEP:   map[string]int{},
		sending: map[string]chan struct{}{},
		paused:  map[string]int{},
		quick:   map[string]bool{},
	}
}

// Owner is the name this dispatcher leases deliveries under.
func (d *Dispatcher) Owner() string { return d.o.Owner }

// Notify wakes the dispatcher to fan out and send at once. Call it after a
// transaction that wrote events commits, or that made deliveries due again
// (an endpoint enabled, a delivery retried); it never blocks, and calls
// made while the dispatcher is busy fold into one.
func (d *Dispatcher) Notify() {
	d.notifyEvents()
	d.queued.Store(true)
	d.kick()
}

// notifyEvents wakes the fan-out loop only: events were committed, and
// the deliveries made of them are leased as they are written or flagged
// for the claim loop then (see fanOut).
func (d *Dispatcher) notifyEvents() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// due is the store's wake-up call (SubscribeDue) for this process's writes.
func (d *Dispatcher) due(what store.Due) { d.wakeFor(store.DueBit(what)) }

// wakeFor wakes what a bit set of kinds of work calls for: the fan-out
// for events, the claim loop too for deliveries, the replay runner for
// replay jobs. Another process's NOTIFY carries such a set.
func (d *Dispatcher) wakeFor(kinds uint32) {
	if kinds&store.DueBit(store.DueReplays) != 0 {
		d.replays.wake()
	}
	if kinds&store.DueBit(store.DueDeliveries) != 0 {
		d.Notify()
	} else if kinds&store.DueBit(store.DueEvents) != 0 {
		d.notifyEvents()
	}
}

// kick wakes the claim loop only: slots were freed or deliveries made.
func (d *Dispatcher) kick() {
	select {
	case d.ready <- struct{}{}:
	default:
	}
}

// Run dispatches until ctx ends, then stops claiming, lets the attempts in
// flight finish (each is bounded by AttemptTimeout), records them and
// returns. Their requests are not cancelled with ctx: an attempt cut off
// halfway would be sent again by whoever takes the delivery next.
//
// Fanning out and claiming run on two goroutines, so the transactions of
// one never wait for the other's: under load the claim loop keeps the
// slots full while new events are turned into deliveries beside it.
func (d *Dispatcher) Run(ctx context.Context) error {
	// Two writers, so one batch's commit does not hold up the next: the
	// global slots of recorded attempts are what new claims wait for.
	writers := make([]chan struct{}, 2)
	for i := range writers {
		writers[i] = make(chan struct{})
		go d.writeLoop(writers[i])
	}
	writerDone := make(chan struct{})
	go func() {
		for _, w := range writers {
			<-w
		}
		close(writerDone)
	}()
	stopCron, err := d.startCron(ctx)
	if err != nil {
		close(d.results)
		<-writerDone
		return err
	}
	unsubscribe := d.st.SubscribeDue(d.due)
	defer unsubscribe()
	if d.o.ListenURL != "" {
		go d.listen(ctx)
	}
	d.log.Info("dispatcher started", "max_in_flight", d.o.MaxInFlight, "per_endpoint", d.o.PerEndpoint)
	fanDone := make(chan struct{})
	go d.fanLoop(ctx, fanDone)
	// The claim loop wakes whenever slots free up, but claims only when
	// the queue may hold deliveries for it (see queued), or when its timer
	// (a retry this process scheduled, or the tick) says so: an idle claim
	// is a transaction, and it was once tried after every single attempt.
	claimNow := true
	for ctx.Err() == nil {
		if d.queued.Swap(false) || claimNow {
			d.claim(ctx)
		}
		claimNow = false
		timer := time.NewTimer(d.nextWait())
		select {
		case <-ctx.Done():
		case <-d.ready:
		case <-timer.C:
			claimNow = true
		}
		timer.Stop()
	}
	<-fanDone
	stopCron()
	d.running.Wait()
	close(d.results)
	<-writerDone
	d.log.Info("dispatcher stopped")
	return nil
}

// retryAt notes a retry this process scheduled, so the loop wakes for it.
func (d *Dispatcher) retryAt(t time.Time) {
	d.mu.Lock()
	if d.soonest.IsZero() || t.Before(d.soonest) {
		d.soonest = t
	}
	d.mu.Unlock()
	d.kick() // the loop may be asleep until later than t
}
