package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/loadgen"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// BenchmarkDispatch measures webhook delivery end to end (issue 4): events
// are committed through the API (POST /v1/candidates, each writing its
// outbox event in the creating transaction), the dispatcher fans them out
// to webhooks on a loopback receiver that verifies every signature, and the
// receiver notes each arrival.
//
//   - throughput: the API is driven as fast as it goes while the dispatcher
//     delivers each event to 8 webhooks; deliveries/s is what the receiver
//     got during the measured window (the smaller of what the API produced
//     and what the dispatcher could send), drain is how long the backlog
//     took to clear after the load stopped.
//   - capacity: the throughput run's figure is capped by how fast the API
//     commits events (on PostgreSQL it commits far fewer than 1/8 of what
//     the dispatcher can send), so this run measures the dispatcher alone:
//     events are committed through the API with the dispatchers stopped,
//     then fresh dispatchers drain that backlog (fan-out, claim, signed
//     send, record) with no API load; deliveries/s is the backlog's
//     deliveries over the time from the start to the last arrival.
//   - latency: events at a fixed 1,000/s (open loop) to one webhook;
//     commit-to-receipt runs from the event's timestamp, taken inside the
//     committing transaction (so it includes the commit), to its arrival.
//     The API's own request latency is reported beside it, since the
//     commit is part of both.
//
// Both run on SQLite and PostgreSQL (durable), and on PostgreSQL also with
// three hub instances sharing the database, each serving a third of the
// load and running its own dispatcher (own pool, own LISTEN connection;
// they share this OS process). Goals on this 2-core machine: ≥5,000 signed
// deliveries/s on PostgreSQL, p99 < 100 ms at 1,000 events/s.
func BenchmarkDispatch(b *testing.B) {
	cases := []struct {
		name    string
		dialect store.Dialect
		procs   int
	}{
		{"sqlite", store.SQLite, 1},
		{"postgres", store.Postgres, 1},
		{"postgres-3-hubs", store.Postgres, 3},
	}
	runs := dispatchRuns(b)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if runs["throughput"] {
				thr := throughputRun(b, c.dialect, c.procs)
				b.ReportMetric(thr.deliveriesPerSec, "deliveries/s")
				b.ReportMetric(thr.eventsPerSec, "events/s")
				b.Logf("%s: %s", c.name, thr)
			}
			if runs["capacity"] {
				capy := capacityRun(b, c.dialect, c.procs)
				b.ReportMetric(capy.deliveriesPerSec, "drain-deliveries/s")
				b.Logf("%s: %s", c.name, capy)
			}
			if runs["latency"] {
				lat := latencyRun(b, c.dialect, c.procs)
				b.ReportMetric(ms(lat.p50), "p50-ms")
				b.ReportMetric(ms(lat.p99), "p99-ms")
				b.Logf("%s: %s", c.name, lat)
			}
		})
	}
}

// fanOut is how many webhooks each event goes to in the throughput run.
const fanOut = 8

type throughput struct {
	eventsPerSec, deliveriesPerSec float64
	window, drain                  time.Duration
	events, deliveries, dupes      int
}

func (t throughput) String() string {
	return fmt.Sprintf("throughput: API %.0f events/s × %d webhooks; received %.0f verified deliveries/s over %s; "+
		"%d events → %d deliveries all received, backlog drained %s after the load stopped; %d duplicates",
		t.eventsPerSec, fanOut, t.deliveriesPerSec, t.window.Round(time.Millisecond), t.events, t.deliveries,
		t.drain.Round(time.Millisecond), t.dupes)
}

type capacity struct {
	deliveriesPerSec          float64
	events, deliveries, dupes int
	took                      time.Duration
}

func (c capacity) String() string {
	return fmt.Sprintf("capacity (dispatcher alone): %d pre-committed events × %d webhooks = %d deliveries drained in %s "+
		"with no API load: %.0f verified deliveries/s; %d duplicates",
		c.events, fanOut, c.deliveries, c.took.Round(time.Millisecond), c.deliveriesPerSec, c.dupes)
}

type latency struct {
	rate           float64
	p50, p99       time.Duration
	n              int
	apiP50, apiP99 time.Duration
}

func (l latency) String() string {
	return fmt.Sprintf("latency at %.0f events/s to 1 webhook: commit-to-receipt p50 %s, p99 %s (%d deliveries); "+
		"API request p50 %s, p99 %s",
		l.rate, l.p50.Round(10*time.Microsecond), l.p99.Round(10*time.Microsecond), l.n,
		l.apiP50.Round(10*time.Microsecond), l.apiP99.Round(10*time.Microsecond))
}

// dispatchHubs starts procs hubs with dispatchers on one fresh database,
// sharing one account.
func dispatchHubs(b *testing.B, d store.Dialect, procs int) []*benchHub {
	b.Helper()
	pol, err := ssrf.ParsePolicy(loopbackOnly)
	if err != nil {
		b.Fatal(err)
	}
	url := databaseURL(b, d)
	var hubs []*benchHub
	for i := 0; i < procs; i++ {
		h := newHub(b, url, &dispatch.Options{Policy: pol, Owner: fmt.Sprintf("bench-%d", i)})
		if i == 0 {
			h.seedAccount(b)
		} else {
			h.sameAccount(hubs[0])
		}
		hubs = append(hubs, h)
	}
	return hubs
}

// addWebhooks creates n webhooks on the receiver through the API; each is
// validated (the receiver answers the challenge) and active.
func addWebhooks(b *testing.B, h *benchHub, rc *receiver, n int) {
	b.Helper()
	for i := 0; i < n; i++ {
		path := rc.path(i)
		req, _ := http.NewRequest("POST", h.base+"/v1/webhooks", strings.NewReader(`{"url":"`+rc.base+path+`"}`))
		req.Header.Set("Authorization", "Bearer "+h.admin)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var w struct{ Status, Secret string }
		err = json.NewDecoder(res.Body).Decode(&w)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusCreated || w.Status != "active" {
			b.Fatalf("create webhook: %d %+v %v", res.StatusCode, w, err)
		}
		rc.setSecret(path, w.Secret)
	}
}

// createCandidates returns a loadgen request generator that adds a new
// candidate per request (unique email), i.e. commits one event.
func createCandidates(h *benchHub, seq *atomic.Int64) func(worker, i int) loadgen.Request {
	header := map[string]string{"Authorization": "Bearer " + h.key, "Content-Type": "application/json"}
	return func(worker, i int) loadgen.Request {
		k := seq.Add(1)
		body := fmt.Sprintf(`{"first_name":"Grace","last_name":"Hopper %d","email":"grace%d@example.com"}`, k, k)
		return loadgen.Request{Method: "POST", Path: "/v1/candidates", Body: []byte(body), Header: header}
	}
}

// drive runs one loadgen per hub at once, each with a share of the
// concurrency and rate, and returns the measured window, the summed
// request rate and the result of the hub with the worst p99.
func drive(b *testing.B, hubs []*benchHub, concurrency int, rate float64) (from, to time.Time, rps float64, worst loadgen.Result) {
	b.Helper()
	var seq atomic.Int64
	results := make([]loadgen.Result, len(hubs))
	errs := make([]error, len(hubs))
	var wg sync.WaitGroup
	for i, h := range hubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = loadgen.Run(context.Background(), loadgen.Config{
				Target: h.base, Next: createCandidates(h, &seq), Concurrency: max(1, concurrency/len(hubs)),
				Rate: rate / float64(len(hubs)), Duration: duration(), Warmup: time.Second, ExpectStatus: http.StatusCreated,
			})
		}()
	}
	wg.Wait()
	to = time.Now()
	var elapsed time.Duration
	for i, r := range results {
		if errs[i] != nil {
			b.Fatal(errs[i])
		}
		if r.Errors > 0 {
			b.Fatalf("%d API errors, first: %s", r.Errors, r.FirstError)
		}
		rps += r.RPS
		elapsed = max(elapsed, r.Elapsed)
		if r.P99 >= worst.P99 {
			worst = r
		}
	}
	return to.Add(-elapsed), to, rps, worst
}

// checkpoint starts each measured run on a fresh PostgreSQL checkpoint
// cycle, as pgbench's documentation advises: the runs before it (100,000
// candidates, a throughput run's deliveries) leave enough WAL that the
// server otherwise checkpoints back to back through the next run (seen in
// its log: "checkpoint starting: wal" right after each "complete"), and
// a checkpoint's final sync stalls commits for up to seconds on this
// disk. That is the previous run's cost landing in this one's window; a
// steady 1,000 events/s on its own writes about 6 MB of WAL a second and
// checkpoints every minute or two. It needs a superuser (pgtest's clusters
// have one); on a server given by VISAGE_TEST_POSTGRES_URL without the
// right, the run goes on and says so.
func checkpoint(b *testing.B, h *benchHub) {
	b.Helper()
	if h.st.Dialect() != store.Postgres {
		return
	}
	if _, err := h.st.DB().Exec(`CHECKPOINT`); err != nil {
		b.Logf("CHECKPOINT before the run failed (%v); figures may include a checkpoint left by earlier runs", err)
	}
}

// committedEvents counts the account's events: what the dispatcher owes.
func committedEvents(b *testing.B, h *benchHub) int {
	b.Helper()
	var n int
	if err := h.st.DB().Get(&n, h.st.DB().Rebind(`SELECT COUNT(*) FROM events WHERE account_id = ?`), h.acct.ID); err != nil {
		b.Fatal(err)
	}
	return n
}

// settle waits until every owed delivery arrived and checks none failed
// verification.
func settle(b *testing.B, rc *receiver, want int) (arr []arrival, dupes int) {
	b.Helper()
	if !rc.waitFor(want, 5*time.Minute) {
		b.Fatalf("%d of %d deliveries arrived", rc.count(), want)
	}
	arr, dupes, bad, first := rc.snapshot()
	if bad > 0 {
		b.Fatalf("%d deliveries failed verification, first: %s", bad, first)
	}
	return arr, dupes
}

func throughputRun(b *testing.B, d store.Dialect, procs int) throughput {
	b.Helper()
	hubs := dispatchHubs(b, d, procs)
	rc := newReceiver(b)
	addWebhooks(b, hubs[0], rc, fanOut)
	checkpoint(b, hubs[0])
	from, to, rps, _ := drive(b, hubs, 16, 0)
	events := committedEvents(b, hubs[0])
	arr, dupes := settle(b, rc, events*fanOut)
	last := arr[0].at
	for _, a := range arr {
		if a.at.After(last) {
			last = a.at
		}
	}
	return throughput{eventsPerSec: rps, deliveriesPerSec: float64(between(arr, from, to)) / to.Sub(from).Seconds(),
		window: to.Sub(from), drain: max(0, last.Sub(to)), events: events, deliveries: len(arr), dupes: dupes}
}

func latencyRun(b *testing.B, d store.Dialect, procs int) latency {
	b.Helper()
	rate := latencyRate()
	hubs := dispatchHubs(b, d, procs)
	rc := newReceiver(b)
	addWebhooks(b, hubs[0], rc, 1)
	checkpoint(b, hubs[0])
	from, to, _, api := drive(b, hubs, 64, rate)
	arr, _ := settle(b, rc, committedEvents(b, hubs[0]))
	// Every event committed in the measured window, however late it came.
	p50, p99, n := percentiles(arr, from, to)
	return latency{rate: rate, p50: p50, p99: p99, n: n, apiP50: api.P50, apiP99: api.P99}
}

// capacityRun commits a backlog through the API with every dispatcher
// stopped, then starts fresh ones and times the drain: what the
// dispatchers can send when nothing else competes for the machine.
func capacityRun(b *testing.B, d store.Dialect, procs int) capacity {
	b.Helper()
	hubs := dispatchHubs(b, d, procs)
	rc := newReceiver(b)
	addWebhooks(b, hubs[0], rc, fanOut)
	for _, h := range hubs {
		h.stopDispatcher()
	}
	drive(b, hubs, 16, 0)
	events := committedEvents(b, hubs[0])
	checkpoint(b, hubs[0]) // the drain starts on a fresh checkpoint cycle too
	if n := rc.count(); n != 0 {
		b.Fatalf("%d deliveries arrived while every dispatcher was stopped", n)
	}
	start := time.Now()
	for _, h := range hubs {
		h.startDispatcher(h.dopts)
	}
	arr, dupes := settle(b, rc, events*fanOut)
	last := start
	for _, a := range arr {
		if a.at.After(last) {
			last = a.at
		}
	}
	took := last.Sub(start)
	return capacity{deliveriesPerSec: float64(len(arr)) / took.Seconds(), events: events, deliveries: len(arr), dupes: dupes, took: took}
}

// dispatchRuns is the set of runs to do: all three, or the comma-separated
// list in VISAGE_BENCH_RUNS (throughput, capacity, latency), to repeat one
// while tuning.
func dispatchRuns(b *testing.B) map[string]bool {
	all := map[string]bool{"throughput": true, "capacity": true, "latency": true}
	v := os.Getenv("VISAGE_BENCH_RUNS")
	if v == "" {
		return all
	}
	out := map[string]bool{}
	for _, r := range strings.Split(v, ",") {
		r = strings.TrimSpace(r)
		if !all[r] {
			b.Fatalf("VISAGE_BENCH_RUNS: unknown run %q (throughput, capacity, latency)", r)
		}
		out[r] = true
	}
	return out
}

// latencyRate is the fixed event rate of the latency run: 1,000/s, or
// VISAGE_BENCH_RATE to see how latency moves with load.
func latencyRate() float64 {
	if r, err := strconv.ParseFloat(os.Getenv("VISAGE_BENCH_RATE"), 64); err == nil && r > 0 {
		return r
	}
	return 1000
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
