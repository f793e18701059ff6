package dispatch

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// process sends one claimed delivery and hands the result to the writer.
// The endpoint's share of the slot is freed as soon as the response is in,
// so the next delivery to it can go out while this one's record waits for
// its batch's commit (the lease keeps the delivery itself from being
// claimed again); the global share is freed once it is recorded.
// A 410 is the exception: it pauses the endpoint in this process until the
// writer has recorded it disabled, so no more deliveries are sent to a
// receiver that asked us to stop.
//
// A delivery claimed ahead waits here for one of its endpoint's sending
// slots. If its lease would run out before an attempt started now could be
// recorded, it is not sent at all: it goes back to the queue when the
// lease expires, rather than risk a second dispatcher sending it too.
func (d *Dispatcher) process(t store.Task, claimed time.Time) {
	defer d.running.Done()
	slot := d.sendSlot(t.Delivery.EndpointID)
	slot <- struct{}{}
	if time.Since(claimed)+d.o.AttemptTimeout+leaseMargin > d.o.Lease {
		<-slot
		d.release(t.Delivery.EndpointID)
		d.log.Warn("a claimed delivery waited too long for its endpoint; it is left to its lease", "delivery_id", t.Delivery.ID)
		return
	}
	rec := d.attempt(context.Background(), t)
	<-slot
	if rec.Outcome == store.OutcomeGone {
		d.pause(rec.EndpointID)
	} else {
		d.endpointDone(rec.EndpointID)
	}
	d.results <- rec
}

// leaseMargin is the time an attempt's record needs after the attempt, on
// top of its timeout, before the lease ends. (The configuration insists on
// a lease at least 5 s longer than the timeout, so a delivery sent at once
// always fits.)
const leaseMargin = time.Second

// attempt sends the delivery once and decides what happens next: success,
// a retry per the schedule (or the receiver's Retry-After), or failure.
func (d *Dispatcher) attempt(ctx context.Context, t store.Task) store.AttemptRecord {
	n := t.Delivery.AttemptCount + 1
	rec := store.AttemptRecord{DeliveryID: t.Delivery.ID, EndpointID: t.Delivery.EndpointID, Kind: t.Endpoint.Kind}
	var a hub.Attempt
	if t.Body == nil {
		msg := "the event no longer exists (it was pruned), so there is nothing to send"
		a = hub.Attempt{SentAt: hub.TimeOf(d.o.Now()), Error: &msg, RequestHeaders: map[string]string{}, ResponseHeaders: map[string]string{}}
		rec.Outcome = store.OutcomeNeutral
	} else {
		a = d.sender.Send(ctx, t.Endpoint, t.Delivery.EventID, t.Body, d.o.Now())
	}
	a.Attempt = n
	d.metrics.latency.Observe(float64(a.DurationMS) / 1000)
	d.noteSpeed(t.Delivery.EndpointID, a.Succeeded(), time.Duration(a.DurationMS)*time.Millisecond)
	switch {
	case a.Succeeded():
		rec.Status, rec.Outcome = hub.DeliverySucceeded, store.OutcomeSuccess
	case rec.Outcome == store.OutcomeNeutral:
		rec.Status = hub.DeliveryFailed
	case a.ResponseStatus != nil && *a.ResponseStatus == http.StatusGone:
		rec.Status, rec.Outcome = hub.DeliveryFailed, store.OutcomeGone
	case a.Error != nil && isRefusal(*a.Error):
		// The guard refused the target: trying again cannot help.
		rec.Status, rec.Outcome = hub.DeliveryFailed, store.OutcomeFailure
	default:
		rec.Outcome = store.OutcomeFailure
		var ra time.Duration
		if a.ResponseStatus != nil {
			ra = RetryAfter(*a.ResponseStatus, a.ResponseHeaders["Retry-After"], d.o.Now())
		}
		if delay, ok := d.o.Schedule.Next(n, ra, d.o.Rand()); ok {
			next := d.o.Now().Add(delay)
			rec.Status, a.NextAttemptAt = hub.DeliveryRetrying, hub.TimeOf(next)
		} else {
			rec.Status = hub.DeliveryFailed
		}
	}
	rec.Attempt = a
	return rec
}

// isRefusal spots the SSRF guard's refusal, which Sender.describe words.
func isRefusal(msg string) bool { return strings.HasPrefix(msg, refusedPrefix) }

// writeLoop records attempt results. It takes whatever results are waiting
// (up to a batch) into one transaction, so under load one commit carries
// many attempts and when idle a result is written at once.
func (d *Dispatcher) writeLoop(done chan<- struct{}) {
	defer close(done)
	batch := make([]store.AttemptRecord, 0, d.o.BatchSize)
	for rec := range d.results {
		batch = append(batch[:0], rec)
	fill:
		for len(batch) < d.o.BatchSize {
			select {
			case r, ok := <-d.results:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		d.record(batch)
	}
}

// record writes one batch, retrying a few times if the database is
// briefly unavailable. If it stays down the leases run out and the
// deliveries are sent again later: at least once, never lost.
func (d *Dispatcher) record(batch []store.AttemptRecord) {
	opts := store.RecordOptions{Owner: d.o.Owner, Now: d.o.Now(), FailureWindow: d.o.FailureWindow}
	var res store.RecordResult
	var err error
	for try := 0; try < 5; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		res, err = d.st.RecordAttempts(ctx, batch, opts)
		cancel()
		if err == nil {
			break
		}
		time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
	}
	for _, r := range batch {
		if r.Outcome == store.OutcomeGone {
			d.unpause(r.EndpointID)
		}
	}
	d.recorded(len(batch))
	if err != nil {
		d.log.Error("record attempts", "err", err, "attempts", len(batch))
		return
	}
	if lost := len(batch) - res.Applied; lost > 0 {
		d.log.Warn("attempts recorded after their lease expired were dropped", "count", lost)
	}
	for _, r := range batch {
		d.metrics.deliveries.WithLabelValues(string(r.Status)).Inc()
		if r.Status == hub.DeliveryRetrying {
			d.retryAt(r.Attempt.NextAttemptAt.Time)
		}
	}
	for id, reason := range res.Disabled {
		d.metrics.disabled.Inc()
		d.log.Warn("endpoint disabled", "endpoint_id", id, "reason", reason)
	}
}
