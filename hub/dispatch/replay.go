package dispatch

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// Replay jobs (POST /v1/webhooks/{id}/replay) are stored, and every
// dispatcher runs them: at start, on every tick, and at once when this
// process creates one. So a job completes whichever process answered the
// request and whether or not it lives on, including in deployments where
// the API processes run no dispatcher. A job is worked under a lease
// renewed by each chunk; a runner that dies leaves it to the next one,
// which continues from the job's cursor.
const (
	// replayChunk is how many deliveries one transaction queues again: a
	// few hundred keeps each transaction short beside the API's.
	replayChunk = 250
	// replayLease is how long a job stays this runner's after a take or a
	// chunk; a chunk takes milliseconds, so only a dead or stuck runner
	// lets it expire.
	replayLease = time.Minute
)

// replayRunner wakes the replay loop. Its zero value is ready to use.
type replayRunner struct {
	once sync.Once
	kick chan struct{}
}

func (r *replayRunner) ch() chan struct{} {
	r.once.Do(func() { r.kick = make(chan struct{}, 1) })
	return r.kick
}

// wake asks for a round of replay work; it never blocks, and calls made
// while a round runs fold into one more round.
func (r *replayRunner) wake() {
	select {
	case r.ch() <- struct{}{}:
	default:
	}
}

// startReplays runs replay rounds whenever woken until ctx ends; stop
// waits for the round in progress. The first round runs at once, for jobs
// a stopped process left behind.
func (d *Dispatcher) startReplays(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	d.replays.wake()
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-d.replays.ch():
			}
			d.RunReplays(ctx)
		}
	}()
	return func() { <-done }
}

// RunReplays takes replay jobs one at a time and works each to its end,
// until none is left to take, a database error stops the round (the next
// tick tries again) or ctx ends. It returns how many jobs it finished.
func (d *Dispatcher) RunReplays(ctx context.Context) (finished int) {
	for ctx.Err() == nil {
		job, ok, err := d.st.ClaimReplay(ctx, d.replayLease())
		if err != nil {
			d.logErr(ctx, "claim replay job", err)
			return finished
		}
		if !ok {
			return finished
		}
		done, err := d.runReplay(ctx, job)
		if done {
			finished++
		}
		if err != nil {
			return finished
		}
	}
	return finished
}

func (d *Dispatcher) replayLease() store.ReplayLease {
	return store.ReplayLease{Owner: d.o.Owner, Now: d.o.Now(), Lease: replayLease}
}

// runReplay queues the job's deliveries chunk by chunk. It reports whether
// the job finished, and an error when it stopped for one: then the lease
// is given back with the error recorded (or, when the process is stopping,
// without), so the next runner starts at once.
func (d *Dispatcher) runReplay(ctx context.Context, job hub.Replay) (bool, error) {
	log := d.log.With("replay_id", job.ID, "webhook_id", job.WebhookID)
	total := job.Count
	for {
		l := d.replayLease()
		n, done, err := d.st.ReplayChunk(ctx, job.ID, l, replayChunk)
		if errors.Is(err, store.ErrReplayLost) {
			log.Warn("a replay job is no longer this runner's (another took it over, or its endpoint was deleted)", "count", total)
			return false, nil
		}
		if err != nil {
			var failure error
			if ctx.Err() == nil {
				failure = err
				log.Error("replay chunk", "err", err)
			}
			rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if rerr := d.st.ReleaseReplay(rctx, job.ID, l, failure); rerr != nil {
				log.Error("release replay job (its lease will expire)", "err", rerr)
			}
			cancel()
			return false, err
		}
		total += n
		if done {
			log.Info("replay finished", "count", total)
			return true, nil
		}
	}
}
