package dispatch

import (
	"context"
	"time"

	"github.com/visage-jobs/visage-hub/hub/store"
)

// This file holds the two loops that feed the slots: fanning out new
// events (leasing the deliveries it writes when there is room) and
// claiming waiting deliveries from the queue.

// fanLoop fans out events whenever Notify (a commit, the LISTEN
// notification or the tick) says there may be some.
func (d *Dispatcher) fanLoop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	for ctx.Err() == nil {
		d.fanOut(ctx)
		select {
		case <-ctx.Done():
		case <-d.wake:
		}
	}
}

// nextWait is how long the loop may sleep: until the earliest retry this
// process scheduled, at most one tick (the poll that finds work of other
// processes and retries scheduled elsewhere).
func (d *Dispatcher) nextWait() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	wait := d.o.Tick
	if !d.soonest.IsZero() {
		if until := d.soonest.Sub(d.o.Now()); until < wait {
			wait = max(until, time.Millisecond)
		}
		if wait <= time.Millisecond {
			d.soonest = time.Time{}
		}
	}
	return wait
}

// fanOut turns undispatched events into deliveries until none are left,
// leasing the new ones it has free slots for and sending them at once.
func (d *Dispatcher) fanOut(ctx context.Context) {
	for ctx.Err() == nil {
		var reserved []string
		claimed := time.Now()
		res, err := d.st.FanOutAndClaim(ctx, store.FanOutRequest{Limit: d.o.BatchSize, At: d.o.Now(), Owner: d.o.Owner, Lease: d.o.Lease,
			Take: func(ep string) bool {
				if d.reserve(ep) {
					reserved = append(reserved, ep)
					return true
				}
				return false
			}})
		if err != nil {
			for _, ep := range reserved {
				d.release(ep)
			}
			if ctx.Err() == nil {
				d.log.Error("fan out events", "err", err)
			}
			return
		}
		for _, ep := range res.Refused {
			d.release(ep)
		}
		for _, t := range res.Tasks {
			d.running.Add(1)
			go d.process(t, claimed)
		}
		if res.Deliveries > 0 {
			d.metrics.fannedOut.Add(float64(res.Deliveries))
			if res.Deliveries > len(res.Tasks) {
				d.queued.Store(true) // some wait in the queue for the claim loop
				d.kick()
			}
		}
		if res.Events < d.o.BatchSize {
			return
		}
	}
}

// claim fills the free slots with due deliveries. Each claimed delivery is
// sent on its own goroutine and recorded on its own, so a slow endpoint
// never holds up the others claimed with it.
func (d *Dispatcher) claim(ctx context.Context) {
	for ctx.Err() == nil {
		free, busy := d.capacity()
		if free == 0 {
			d.queued.Store(true) // try again when slots free up
			return
		}
		var reserved []string
		refused := 0
		now, claimed := d.o.Now(), time.Now()
		tasks, err := d.st.ClaimDeliveries(ctx, store.ClaimRequest{
			Owner: d.o.Owner, Now: now, Lease: d.o.Lease, Limit: min(free, d.o.BatchSize), Exclude: busy,
			PerEndpoint: d.maxAhead(),
			Take: func(ep string) bool {
				if d.reserve(ep) {
					reserved = append(reserved, ep)
					return true
				}
				refused++
				return false
			},
		})
		if err != nil {
			for _, ep := range reserved {
				d.release(ep)
			}
			if ctx.Err() == nil {
				d.log.Error("claim deliveries", "err", err)
			}
			return
		}
		d.releaseUnclaimed(reserved, tasks)
		for _, t := range tasks {
			d.running.Add(1)
			go d.process(t, claimed)
		}
		if len(tasks) == 0 {
			// Deliveries to endpoints at their cap stay in the queue:
			// claim again when a slot frees up.
			if refused > 0 || len(busy) > 0 {
				d.queued.Store(true)
			}
			return
		}
	}
}

// releaseUnclaimed frees the slots reserved for deliveries the claim chose
// but could not lease (another dispatcher took them meanwhile).
func (d *Dispatcher) releaseUnclaimed(reserved []string, tasks []store.Task) {
	if len(reserved) == len(tasks) {
		return
	}
	got := map[string]int{}
	for _, t := range tasks {
		got[t.Delivery.EndpointID]++
	}
	for _, ep := range reserved {
		if got[ep] > 0 {
			got[ep]--
			continue
		}
		d.release(ep)
	}
}
