package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// replayFixture is an account with two endpoints on a real database, and
// deliveries written straight into the table (hundreds of them: a replay
// must span several chunks).
type replayFixture struct {
	t           *testing.T
	st          *store.Store
	acct        hub.Account
	ep, otherEP hub.Webhook
	since       time.Time // the replayed range is [since, since+30 min)
}

func newReplayFixture(t *testing.T, st *store.Store) *replayFixture {
	t.Helper()
	ctx := context.Background()
	acct, err := st.CreateAccount(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	f := &replayFixture{t: t, st: st, acct: acct, since: time.Now().Add(-time.Hour).Truncate(time.Millisecond)}
	mk := func() hub.Webhook {
		now := hub.Now()
		w := hub.Webhook{ID: hub.NewID(hub.PrefixWebhook), AccountID: acct.ID, Kind: hub.KindWebhook, URL: "https://example.com/h",
			Events: []string{}, Status: hub.WebhookActive, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", CreatedAt: now, UpdatedAt: now}
		if err := st.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
		return w
	}
	f.ep, f.otherEP = mk(), mk()
	return f
}

func (f *replayFixture) until() time.Time { return f.since.Add(30 * time.Minute) }

// seed writes n deliveries to ep with a status, created at `at`, leased
// until leaseUntil when that is not zero, and returns their IDs.
func (f *replayFixture) seed(ep hub.Webhook, status hub.DeliveryStatus, at time.Time, n int, leaseUntil time.Time) []string {
	f.t.Helper()
	return storetest.InsertDeliveries(f.t, f.st, storetest.Deliveries{AccountID: f.acct.ID, EndpointID: ep.ID,
		Status: status, At: at, N: n, LeaseUntil: leaseUntil})
}

// statuses returns each delivery's status.
func (f *replayFixture) statuses() map[string]hub.DeliveryStatus {
	f.t.Helper()
	var rows []struct {
		ID     string `db:"id"`
		Status string `db:"status"`
	}
	if err := f.st.DB().Select(&rows, `SELECT id, status FROM deliveries`); err != nil {
		f.t.Fatal(err)
	}
	out := map[string]hub.DeliveryStatus{}
	for _, r := range rows {
		out[r.ID] = hub.DeliveryStatus(r.Status)
	}
	return out
}

// job creates a running replay job of f.ep over f's range.
func (f *replayFixture) job(statuses ...hub.DeliveryStatus) hub.Replay {
	f.t.Helper()
	now := hub.Now()
	r := hub.Replay{ID: hub.NewID(hub.PrefixReplay), AccountID: f.acct.ID, WebhookID: f.ep.ID, Since: hub.TimeOf(f.since),
		Until: hub.TimeOf(f.until()), Statuses: statuses, Status: hub.ReplayRunning, CreatedAt: now, UpdatedAt: now}
	if err := f.st.CreateReplay(context.Background(), r); err != nil {
		f.t.Fatal(err)
	}
	return r
}

// claim takes the next job as owner at now, failing unless it is want.
func (f *replayFixture) claim(owner string, now time.Time, want string) store.ReplayLease {
	f.t.Helper()
	l := store.ReplayLease{Owner: owner, Now: now, Lease: time.Minute}
	got, ok, err := f.st.ClaimReplay(context.Background(), l)
	if err != nil || !ok || got.ID != want {
		f.t.Fatalf("claim by %s: %+v ok=%v err=%v, want %s", owner, got, ok, err, want)
	}
	return l
}

// finish runs chunks of size under l until the job is done and returns
// how many deliveries they queued and how many chunks it took.
func (f *replayFixture) finish(id string, l store.ReplayLease, size int) (queued, chunks int) {
	f.t.Helper()
	for chunks < 100 {
		n, done, err := f.st.ReplayChunk(context.Background(), id, l, size)
		if err != nil {
			f.t.Fatalf("chunk %d: %v", chunks, err)
		}
		queued += n
		chunks++
		if done {
			return queued, chunks
		}
	}
	f.t.Fatal("the job never finished")
	return 0, 0
}

func TestReplayQueuesExactlyTheMatchingDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newReplayFixture(t, st)
		in := f.since.Add(10 * time.Minute)
		matching := f.seed(f.ep, hub.DeliveryFailed, in, 620, time.Time{})
		matching = append(matching, f.seed(f.ep, hub.DeliveryFailed, f.since, 3, time.Time{})...) // since is inclusive
		untouched := map[string]hub.DeliveryStatus{}
		for _, g := range []struct {
			ep         hub.Webhook
			status     hub.DeliveryStatus
			at         time.Time
			n          int
			leaseUntil time.Time
		}{
			{f.ep, hub.DeliverySucceeded, in, 40, time.Time{}},                          // another status
			{f.ep, hub.DeliveryRetrying, in, 10, time.Time{}},                           // still waiting
			{f.ep, hub.DeliveryFailed, f.since.Add(-time.Millisecond), 30, time.Time{}}, // before the range
			{f.ep, hub.DeliveryFailed, f.until(), 30, time.Time{}},                      // until is exclusive
			{f.ep, hub.DeliveryFailed, in, 5, time.Now().Add(time.Hour)},                // being sent right now
			{f.otherEP, hub.DeliveryFailed, in, 50, time.Time{}},                        // another endpoint
		} {
			for _, id := range f.seed(g.ep, g.status, g.at, g.n, g.leaseUntil) {
				untouched[id] = g.status
			}
		}
		job := f.job(hub.DeliveryFailed)
		l := f.claim("runner-a", time.Now(), job.ID)
		queued, chunks := f.finish(job.ID, l, 250)
		if queued != len(matching) || chunks != 3 {
			t.Fatalf("queued %d in %d chunks, want %d in 3 (628 rows in range of 250 a chunk)", queued, chunks, len(matching))
		}
		got, err := st.GetReplay(context.Background(), f.acct.ID, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != hub.ReplaySucceeded || got.Count != len(matching) || got.FinishedAt.IsZero() || got.Error != nil {
			t.Fatalf("job after the last chunk: %+v", got)
		}
		now := f.statuses()
		for _, id := range matching {
			if now[id] != hub.DeliveryPending {
				t.Fatalf("matching delivery %s is %s, want pending", id, now[id])
			}
		}
		for id, was := range untouched {
			if now[id] != was {
				t.Fatalf("delivery %s outside the replay went from %s to %s", id, was, now[id])
			}
		}
		if _, ok, err := st.ClaimReplay(context.Background(), store.ReplayLease{Owner: "runner-b", Now: time.Now(), Lease: time.Minute}); ok || err != nil {
			t.Fatalf("a finished job was claimable: ok=%v err=%v", ok, err)
		}
	})
}

func TestReplayStatusFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newReplayFixture(t, st)
		in := f.since.Add(time.Minute)
		failed := f.seed(f.ep, hub.DeliveryFailed, in, 7, time.Time{})
		succeeded := f.seed(f.ep, hub.DeliverySucceeded, in, 4, time.Time{})
		for _, c := range []struct {
			name     string
			statuses []hub.DeliveryStatus
			want     []string
		}{
			{"succeeded only", []hub.DeliveryStatus{hub.DeliverySucceeded}, succeeded},
			{"failed and succeeded", []hub.DeliveryStatus{hub.DeliveryFailed, hub.DeliverySucceeded}, append(append([]string{}, failed...), succeeded...)},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := st.DB().Exec(st.DB().Rebind(`UPDATE deliveries SET status = 'failed' WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(failed)), ",")+`)`), toAny(failed)...)
				if err != nil {
					t.Fatal(err)
				}
				_, err = st.DB().Exec(st.DB().Rebind(`UPDATE deliveries SET status = 'succeeded' WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(succeeded)), ",")+`)`), toAny(succeeded)...)
				if err != nil {
					t.Fatal(err)
				}
				job := f.job(c.statuses...)
				queued, _ := f.finish(job.ID, f.claim("runner", time.Now(), job.ID), 3)
				if queued != len(c.want) {
					t.Fatalf("queued %d, want %d", queued, len(c.want))
				}
				pending := 0
				for _, s := range f.statuses() {
					if s == hub.DeliveryPending {
						pending++
					}
				}
				if pending != len(c.want) {
					t.Fatalf("%d deliveries pending, want %d", pending, len(c.want))
				}
				for _, id := range c.want {
					if f.statuses()[id] != hub.DeliveryPending {
						t.Fatalf("%s was not queued", id)
					}
				}
			})
		}
	})
}

func toAny(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// TestReplayTakenOverAfterARunnerDies: runner A takes the job and queues
// one chunk, then dies; its deliveries are sent and fail again before
// runner B, once A's lease has expired, takes the job over. B continues
// from A's cursor: the count ends exact, and A's deliveries are not queued
// a second time.
func TestReplayTakenOverAfterARunnerDies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newReplayFixture(t, st)
		matching := f.seed(f.ep, hub.DeliveryFailed, f.since.Add(time.Minute), 600, time.Time{})
		job := f.job(hub.DeliveryFailed)
		t0 := time.Now()
		a := f.claim("runner-a", t0, job.ID)
		n, done, err := st.ReplayChunk(ctx, job.ID, a, 250)
		if err != nil || n != 250 || done {
			t.Fatalf("first chunk: %d done=%v %v", n, done, err)
		}
		// A's deliveries are sent and fail again; then A dies.
		_, err = st.DB().Exec(`UPDATE deliveries SET status = 'failed' WHERE status = 'pending'`)
		if err != nil {
			t.Fatal(err)
		}
		b := store.ReplayLease{Owner: "runner-b", Now: t0.Add(30 * time.Second), Lease: time.Minute}
		if _, ok, err := st.ClaimReplay(ctx, b); ok || err != nil {
			t.Fatalf("a job whose lease holds was taken over: ok=%v err=%v", ok, err)
		}
		mid, err := st.GetReplay(ctx, f.acct.ID, job.ID)
		if err != nil || mid.Status != hub.ReplayRunning || mid.Count != 250 || mid.Cursor != matching[249] {
			t.Fatalf("job after one chunk: %+v %v", mid, err)
		}
		b = f.claim("runner-b", t0.Add(2*time.Minute), job.ID)
		// A wakes up too late: its lease is B's now, so it does nothing.
		late := a
		late.Now = t0.Add(2 * time.Minute)
		if _, _, err := st.ReplayChunk(ctx, job.ID, late, 250); !errors.Is(err, store.ErrReplayLost) {
			t.Fatalf("chunk by the runner that lost its lease: %v, want ErrReplayLost", err)
		}
		queued, _ := f.finish(job.ID, b, 250)
		if queued != 350 {
			t.Fatalf("runner B queued %d, want the 350 after A's chunk", queued)
		}
		got, err := st.GetReplay(ctx, f.acct.ID, job.ID)
		if err != nil || got.Status != hub.ReplaySucceeded || got.Count != 600 {
			t.Fatalf("final job: %+v %v", got, err)
		}
		now := f.statuses()
		for i, id := range matching {
			want := hub.DeliveryPending
			if i < 250 {
				want = hub.DeliveryFailed // queued once by A, sent, failed: not queued again
			}
			if now[id] != want {
				t.Fatalf("delivery %d is %s, want %s", i, now[id], want)
			}
		}
	})
}

// TestReplayThatNeverProgressesFails: a job whose runners keep failing
// (or dying) before any chunk goes through is marked failed after
// MaxReplayTries takes, with the last error; a shutdown's release does not
// count as a try.
func TestReplayThatNeverProgressesFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newReplayFixture(t, st)
		f.seed(f.ep, hub.DeliveryFailed, f.since.Add(time.Minute), 3, time.Time{})
		job := f.job(hub.DeliveryFailed)
		at := time.Now()
		for i := 0; i < 3; i++ { // shutdowns: released without an error
			l := f.claim("runner", at, job.ID)
			if err := st.ReleaseReplay(ctx, job.ID, l, nil); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < store.MaxReplayTries; i++ {
			l := f.claim("runner", at, job.ID)
			if i%2 == 0 { // a failed chunk: released with its error
				if err := st.ReleaseReplay(ctx, job.ID, l, errors.New("disk full")); err != nil {
					t.Fatal(err)
				}
			} else { // a runner killed: its lease expires
				at = at.Add(2 * time.Minute)
			}
		}
		if got, ok, err := st.ClaimReplay(ctx, store.ReplayLease{Owner: "runner", Now: at.Add(2 * time.Minute), Lease: time.Minute}); ok || err != nil {
			t.Fatalf("claim after %d tries: %+v ok=%v err=%v", store.MaxReplayTries, got, ok, err)
		}
		got, err := st.GetReplay(ctx, f.acct.ID, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != hub.ReplayFailed || got.Error == nil || !strings.Contains(*got.Error, "disk full") || got.FinishedAt.IsZero() || got.Count != 0 {
			t.Fatalf("job after %d tries: %+v", store.MaxReplayTries, got)
		}
	})
}

func TestReplayBelongsToItsAccountAndEndpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newReplayFixture(t, st)
		job := f.job(hub.DeliveryFailed, hub.DeliverySucceeded)
		got, err := st.GetReplay(ctx, f.acct.ID, job.ID)
		if err != nil || len(got.Statuses) != 2 || got.Statuses[1] != hub.DeliverySucceeded || got.WebhookID != f.ep.ID ||
			!got.Since.Equal(job.Since.Time) || !got.Until.Equal(job.Until.Time) || got.Status != hub.ReplayRunning || !got.FinishedAt.IsZero() {
			t.Fatalf("read back %+v %v, wrote %+v", got, err, job)
		}
		other, err := st.CreateAccount(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetReplay(ctx, other.ID, job.ID); hub.ErrorCode(err) != hub.ENotFound {
			t.Fatalf("another account read the job: %v", err)
		}
		if err := st.DeleteWebhook(ctx, f.acct.ID, f.ep.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetReplay(ctx, f.acct.ID, job.ID); hub.ErrorCode(err) != hub.ENotFound {
			t.Fatalf("the job outlived its endpoint: %v", err)
		}
	})
}

// TestReplayIsTakenByOneRunnerAtATime: runners claiming at once (several
// processes' ticks) get the job once between them.
func TestReplayIsTakenByOneRunnerAtATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newReplayFixture(t, st)
		job := f.job(hub.DeliveryFailed)
		now := time.Now()
		const runners = 6
		got := make(chan string, runners)
		errs := make(chan error, runners)
		for i := 0; i < runners; i++ {
			go func(i int) {
				r, ok, err := st.ClaimReplay(context.Background(), store.ReplayLease{Owner: "runner-" + string(rune('a'+i)), Now: now, Lease: time.Minute})
				if err != nil {
					errs <- err
					return
				}
				if ok {
					got <- r.ID
				}
				errs <- nil
			}(i)
		}
		for i := 0; i < runners; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		close(got)
		var taken []string
		for id := range got {
			taken = append(taken, id)
		}
		if len(taken) != 1 || taken[0] != job.ID {
			t.Fatalf("taken %v, want %s once", taken, job.ID)
		}
	})
}
