package dispatch

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
	"github.com/robfig/cron/v3"

	"github.com/visage-jobs/visage-hub/hub/store"
)

// startCron schedules the safety net: every Tick it wakes the loop (in
// case a notification was missed), runs waiting replay jobs, frees expired
// leases and refreshes the queue metrics; on PruneSchedule it deletes
// deliveries past retention. It also starts the replay runner (replay.go).
func (d *Dispatcher) startCron(ctx context.Context) (stop func(), err error) {
	c := cron.New()
	if _, err := c.AddFunc(fmt.Sprintf("@every %s", d.o.Tick), func() { d.tick(ctx) }); err != nil {
		return nil, fmt.Errorf("dispatcher tick: %w", err)
	}
	if _, err := c.AddFunc(d.o.PruneSchedule, func() { d.Prune(ctx) }); err != nil {
		return nil, fmt.Errorf("delivery prune schedule %q: %w", d.o.PruneSchedule, err)
	}
	c.Start()
	stopReplays := d.startReplays(ctx)
	return func() { <-c.Stop().Done(); stopReplays() }, nil
}

// tick is the periodic safety net.
func (d *Dispatcher) tick(ctx context.Context) {
	d.Notify()
	d.replays.wake()
	if n, err := d.st.RecoverLeases(ctx, d.o.Now()); err != nil {
		d.logErr(ctx, "recover leases", err)
	} else if n > 0 {
		d.log.Warn("recovered expired delivery leases", "count", n)
	}
	d.RefreshMetrics(ctx)
}

// RefreshMetrics updates the queue gauges from the database.
func (d *Dispatcher) RefreshMetrics(ctx context.Context) {
	st, err := d.st.DeliveryQueueStats(ctx)
	if err != nil {
		d.logErr(ctx, "queue stats", err)
		return
	}
	d.metrics.depth.Set(float64(st.Depth))
	d.metrics.disabledGauge.Set(float64(st.DisabledEndpoints))
	age := 0.0
	if !st.OldestPending.IsZero() {
		age = max(0, d.o.Now().Sub(st.OldestPending.Time).Seconds())
	}
	d.metrics.oldest.Set(age)
}

// Prune deletes deliveries older than the retention and returns how many.
func (d *Dispatcher) Prune(ctx context.Context) int {
	now := d.o.Now()
	n, err := d.st.PruneDeliveries(ctx, now.Add(-d.o.Retention), now)
	if err != nil {
		d.logErr(ctx, "prune deliveries", err)
	}
	if n > 0 {
		d.log.Info("pruned old deliveries", "count", n, "retention", d.o.Retention.String())
	}
	return n
}

func (d *Dispatcher) logErr(ctx context.Context, what string, err error) {
	if ctx.Err() == nil {
		d.log.Error(what, "err", err)
	}
}

// listen wakes the dispatcher whenever any process commits events: the
// store sends NOTIFY visage_events after each such commit (see
// store.EventsChannel), from API-only processes too.
// pq.Listener reconnects by itself; after a reconnect it wakes the loop,
// since notifications sent while disconnected are lost (the tick would
// find the events anyway).
func (d *Dispatcher) listen(ctx context.Context) {
	l := pq.NewListener(d.o.ListenURL, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			d.logErr(ctx, "event listener", err)
		}
		if ev == pq.ListenerEventReconnected {
			d.wakeFor(store.AllDue)
		}
	})
	defer l.Close()
	if err := l.Listen(store.EventsChannel); err != nil {
		d.logErr(ctx, "listen for events", err)
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-l.Notify:
			if n == nil { // a reconnect: anything may have been missed
				d.wakeFor(store.AllDue)
				continue
			}
			// This store's own NOTIFYs already woke us (SubscribeDue).
			if token, kinds := store.DecodeWake(n.Extra); token != d.st.NotifyToken() {
				d.wakeFor(kinds)
			}
		case <-time.After(90 * time.Second):
			go func() { _ = l.Ping() }()
		}
	}
}
