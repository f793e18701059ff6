package dispatch

import "time"

// This file keeps the dispatcher's slots: MaxInFlight deliveries leased and
// not yet recorded in all, and per endpoint at most readAhead leased and
// PerEndpoint being sent.

// capacity returns the free slots and the endpoints that have none.
func (d *Dispatcher) capacity() (int, []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var busy []string
	for ep, n := range d.perEP {
		if n >= d.readAhead(ep) && len(busy) < 500 {
			busy = append(busy, ep)
		}
	}
	for ep := range d.paused {
		if d.perEP[ep] < d.readAhead(ep) && len(busy) < 500 {
			busy = append(busy, ep)
		}
	}
	return d.o.MaxInFlight - d.inUse, busy
}

func (d *Dispatcher) reserve(ep string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inUse >= d.o.MaxInFlight || d.perEP[ep] >= d.readAhead(ep) || d.paused[ep] > 0 {
		return false
	}
	d.inUse++
	if d.perEP[ep]++; d.sending[ep] == nil {
		d.sending[ep] = make(chan struct{}, d.o.PerEndpoint)
	}
	return true
}

// readAhead is how many deliveries to one endpoint may be leased at once,
// being sent (at most PerEndpoint) or waiting their turn in memory. An
// endpoint whose last attempt succeeded within quickAttempt gets eight
// rounds: a fan-out batch (up to BatchSize events) then leases nearly all
// the deliveries it creates for it as it writes them, instead of leaving
// them to a claim transaction, which on PostgreSQL is a second write of
// each row (with two rounds, 60 % of deliveries went through claims at
// full load, a quarter of the database's work per delivery). Any other
// endpoint (new, failing, slow or hanging) gets two rounds, so what it
// holds of MaxInFlight stays small and cannot crowd out healthy ones.
// The extra rounds are only handed out while less than half of
// MaxInFlight is taken: a quick endpoint that starts hanging keeps what
// it was given until its attempts time out (and it stops being quick),
// and this bounds what such endpoints can hold together.
// Called with d.mu held.
func (d *Dispatcher) readAhead(ep string) int {
	if d.quick[ep] && d.inUse < d.o.MaxInFlight/2 {
		return d.maxAhead()
	}
	return 2 * d.o.PerEndpoint
}

// maxAhead is the most readAhead gives any endpoint.
func (d *Dispatcher) maxAhead() int { return 8 * d.o.PerEndpoint }

// quickAttempt is how fast a successful attempt must be for its endpoint
// to be read ahead of (see readAhead).
const quickAttempt = 500 * time.Millisecond

// noteSpeed records whether an endpoint's latest attempt succeeded quickly.
func (d *Dispatcher) noteSpeed(ep string, ok bool, took time.Duration) {
	d.mu.Lock()
	if ok && took < quickAttempt {
		d.quick[ep] = true
	} else {
		delete(d.quick, ep)
	}
	d.mu.Unlock()
}

// sendSlot returns the endpoint's semaphore of attempts being sent.
func (d *Dispatcher) sendSlot(ep string) chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sending[ep]
}

// release gives back both halves of a reserved slot, for a delivery that
// was reserved but not sent.
func (d *Dispatcher) release(ep string) {
	d.endpointDone(ep)
	d.recorded(1)
}

// endpointDone frees the endpoint's share of a slot: the attempt's
// response is in, so the endpoint may get another request. The global
// share stays taken until the attempt is recorded, which bounds the
// attempts sent but not yet written (resent after a crash) to MaxInFlight.
func (d *Dispatcher) endpointDone(ep string) {
	d.mu.Lock()
	if d.perEP[ep]--; d.perEP[ep] <= 0 {
		delete(d.perEP, ep)
		delete(d.sending, ep)
	}
	d.mu.Unlock()
	d.kick()
}

// recorded frees the global share of n slots once their attempts are
// written (or given up on).
func (d *Dispatcher) recorded(n int) {
	d.mu.Lock()
	d.inUse -= n
	d.mu.Unlock()
	d.kick()
}

// pause frees an endpoint's share of a slot but takes no more deliveries
// to it until unpause: its 410 is on its way to the database.
func (d *Dispatcher) pause(ep string) {
	d.mu.Lock()
	d.paused[ep]++
	d.mu.Unlock()
	d.endpointDone(ep)
}

func (d *Dispatcher) unpause(ep string) {
	d.mu.Lock()
	if d.paused[ep]--; d.paused[ep] <= 0 {
		delete(d.paused, ep)
	}
	d.mu.Unlock()
	d.kick()
}
