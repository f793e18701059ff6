package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
	"github.com/visage-jobs/visage-hub/triggers"
)

// trgItem is the head of a trigger item, as a platform de-duplicates on it.
type trgItem struct {
	ID             string  `json:"id"`
	EventType      string  `json:"event_type"`
	OccurredAt     string  `json:"occurred_at"`
	CandidateID    string  `json:"candidate_id"`
	JobID          *string `json:"job_id"`
	Status         string  `json:"status"`
	PreviousStatus *string `json:"previous_status"`
}

// trgPoll polls a trigger and checks every item against its Item schema.
func (e *env) trgPoll(cred, key, query string) []trgItem {
	e.t.Helper()
	r := e.do("GET", "/v1/triggers/"+key+query, cred, "").status(http.StatusOK)
	if !strings.HasPrefix(strings.TrimSpace(string(r.body)), "[") {
		e.t.Fatalf("not a bare array: %s", r.body)
	}
	var raw []json.RawMessage
	r.decode(&raw)
	tr, _ := triggers.ByKey(key)
	out := []trgItem{}
	for _, it := range raw {
		if err := schemas.Validate(tr.Item, it); err != nil {
			e.t.Fatalf("%s item %s: %v %v", key, it, err, hub.ErrorFields(err))
		}
		var h trgItem
		if err := json.Unmarshal(it, &h); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, h)
	}
	return out
}

// trgPollN polls until n items come back (or 5 s pass) and returns the
// last answer. On PostgreSQL a poll only shows events below the oldest
// running transaction, so a background write (the usage tracker, the
// dispatcher) that began just before a test's own write can hide it for
// that transaction's lifetime; waiting for it keeps the tests exact
// without assuming which poll shows it first.
func (e *env) trgPollN(cred, key, query string, n int) []trgItem {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		items := e.trgPoll(cred, key, query)
		if len(items) >= n || time.Now().After(deadline) {
			return items
		}
		time.Sleep(5 * time.Millisecond) // waiting for another transaction to end
	}
}

func TestPollingTriggers(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, keyID := e.key("zapier")
		job := e.candJob(e.acct.ID)
		var cand, other struct{ ID string }
		e.do("POST", "/v1/candidates", key, `{"full_name":"Amara Okafor","job_id":"`+job+`"}`).status(http.StatusCreated).decode(&cand)
		e.do("POST", "/v1/candidates", key, `{"full_name":"Jonas Weber"}`).status(http.StatusCreated).decode(&other)
		for _, st := range []string{"interested", "contacted", "interested"} {
			e.do("PATCH", "/v1/candidates/"+cand.ID, key, `{"status":"`+st+`"}`).status(http.StatusOK)
		}

		t.Run("interested twice triggers twice, newest first", func(t *testing.T) {
			items := e.trgPollN(key, "candidate_interested", "", 2)
			if len(items) != 2 || items[0].ID == items[1].ID || items[0].CandidateID != cand.ID || items[1].CandidateID != cand.ID {
				t.Fatalf("items %+v", items)
			}
			if items[0].OccurredAt < items[1].OccurredAt || items[0].EventType != "candidate.interested" || items[0].PreviousStatus != nil {
				t.Fatalf("order or head %+v", items)
			}
			for _, it := range items {
				var ev struct{ ID, Type string }
				e.do("GET", "/v1/events/"+it.ID, key, "").status(http.StatusOK).decode(&ev)
				if ev.Type != "candidate.interested" {
					t.Fatalf("item id %s is not its event's: %+v", it.ID, ev)
				}
			}
		})
		t.Run("status changes carry the previous status", func(t *testing.T) {
			items := e.trgPollN(key, "candidate_status_changed", "", 3)
			if len(items) != 3 {
				t.Fatalf("items %+v", items)
			}
			want := [][2]string{{"interested", "contacted"}, {"contacted", "interested"}, {"interested", "new"}}
			for i, it := range items {
				if it.PreviousStatus == nil || it.Status != want[i][0] || *it.PreviousStatus != want[i][1] {
					t.Fatalf("item %d: %s from %v, want %v", i, it.Status, it.PreviousStatus, want[i])
				}
			}
		})
		t.Run("since an item id, a time, and limit", func(t *testing.T) {
			all := e.trgPollN(key, "new_candidate", "", 2)
			if len(all) != 2 || all[0].CandidateID != other.ID || all[1].CandidateID != cand.ID {
				t.Fatalf("new_candidate %+v", all)
			}
			if got := e.trgPoll(key, "new_candidate", "?since="+all[1].ID); len(got) != 1 || got[0].ID != all[0].ID {
				t.Fatalf("since %s: %+v", all[1].ID, got)
			}
			if got := e.trgPoll(key, "new_candidate", "?since="+all[0].ID); len(got) != 0 {
				t.Fatalf("since the newest: %+v", got)
			}
			if got := e.trgPoll(key, "new_candidate", "?limit=1"); len(got) != 1 || got[0].ID != all[0].ID {
				t.Fatalf("limit 1 without since keeps the newest: %+v", got)
			}
			if got := e.trgPoll(key, "new_candidate", "?since=2020-01-01T00:00:00Z&limit=1"); len(got) != 1 || got[0].ID != all[1].ID {
				t.Fatalf("limit 1 with since gives the oldest after it: %+v", got)
			}
			future := url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339))
			if got := e.trgPoll(key, "new_candidate", "?since="+future); len(got) != 0 {
				t.Fatalf("since the future: %+v", got)
			}
		})
		t.Run("job filter", func(t *testing.T) {
			got := e.trgPoll(key, "new_candidate", "?job_id="+job)
			if len(got) != 1 || got[0].CandidateID != cand.ID || got[0].JobID == nil || *got[0].JobID != job {
				t.Fatalf("job filter %+v", got)
			}
		})
		t.Run("job triggers", func(t *testing.T) {
			var j struct{ ID string }
			e.do("POST", "/v1/jobs", key, `{"title":"Staff Engineer"}`).status(http.StatusCreated).decode(&j)
			e.trgPollN(key, "new_job", "", 1)
			r := e.do("GET", "/v1/triggers/new_job", key, "").status(http.StatusOK)
			var items []map[string]any
			r.decode(&items)
			if len(items) != 1 || items[0]["job_id"] != j.ID || items[0]["title"] != "Staff Engineer" || !hub.ValidID(hub.PrefixEvent, items[0]["id"].(string)) {
				t.Fatalf("new_job %s", r.body)
			}
			if _, has := items[0]["previous_status"]; has {
				t.Fatalf("a job item has previous_status: %s", r.body)
			}
			if got := e.trgPoll(key, "job_closed", ""); len(got) != 0 {
				t.Fatalf("job_closed %+v", got)
			}
		})
		t.Run("another account sees nothing", func(t *testing.T) {
			_, cred := e.candOther()
			if got := e.trgPoll(cred, "candidate_interested", ""); len(got) != 0 {
				t.Fatalf("%+v", got)
			}
			e.do("GET", "/v1/triggers/new_candidate?job_id="+job, cred, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "job_id")
			mine := e.trgPoll(key, "new_candidate", "")[0].ID
			e.do("GET", "/v1/triggers/new_candidate?since="+mine, cred, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "since")
		})
		t.Run("bad input", func(t *testing.T) {
			e.do("GET", "/v1/triggers/no_such_trigger", key, "").problem(http.StatusNotFound, hub.ENotFound, "")
			for q, field := range map[string]string{
				"?since=yesterday": "since", "?since=evt_123": "since", "?limit=0": "limit", "?limit=201": "limit",
				"?limit=ten": "limit", "?job_id=job_nope": "job_id", "?job_id=" + hub.NewID(hub.PrefixJob): "job_id",
				"?since=" + hub.NewID(hub.PrefixEvent): "since",
			} {
				e.do("GET", "/v1/triggers/new_candidate"+q, key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, field)
			}
			e.do("GET", "/v1/triggers/new_candidate", "", "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			e.do("DELETE", "/v1/api-keys/"+keyID, e.token(hub.RoleAdmin), "").status(http.StatusOK)
			e.do("GET", "/v1/triggers/new_candidate", key, "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
	})
}

// TestPollingSinceUnderConcurrentWrites creates candidates through the API
// from several goroutines while a client polls new_candidate with since =
// the newest item it got: every candidate is seen exactly once.
func TestPollingSinceUnderConcurrentWrites(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("make")
		e.do("POST", "/v1/candidates", key, `{"full_name":"Before Everyone"}`).status(http.StatusCreated)
		since := e.trgPollN(key, "new_candidate", "", 1)[0].ID
		const writers, each = 4, 10
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			created = map[string]bool{}
		)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					r := e.do("POST", "/v1/candidates", key, `{"full_name":"Concurrent Candidate"}`)
					var c struct{ ID string }
					if r.code != http.StatusCreated || json.Unmarshal(r.body, &c) != nil {
						t.Errorf("create: %d %s", r.code, r.body)
						return
					}
					mu.Lock()
					created[c.ID] = true
					mu.Unlock()
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		seen := map[string]int{}
		poll := func() int {
			items := e.trgPoll(key, "new_candidate", "?limit=3&since="+since)
			for _, it := range items {
				seen[it.CandidateID]++
			}
			if len(items) > 0 {
				since = items[0].ID
			}
			return len(items)
		}
	walk:
		for {
			select {
			case <-done:
				break walk
			default:
				poll()
			}
		}
		// Drain what is left; an empty answer may only mean a background
		// transaction is still open (see trgPollN), so wait for the count.
		deadline := time.Now().Add(5 * time.Second)
		for len(seen) < len(created) && time.Now().Before(deadline) {
			if poll() == 0 {
				time.Sleep(5 * time.Millisecond) // waiting for another transaction to end
			}
		}
		if n := poll(); n != 0 {
			t.Errorf("%d items after every candidate was seen", n)
		}
		if len(created) != writers*each || len(seen) != len(created) {
			t.Fatalf("created %d, seen %d", len(created), len(seen))
		}
		for id := range created {
			if seen[id] != 1 {
				t.Errorf("%s seen %d times", id, seen[id])
			}
		}
	})
}

func TestSamples(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("n8n")
		for _, et := range hub.EventTypes {
			t.Run("built-in "+et, func(t *testing.T) {
				r := e.do("GET", "/v1/samples/"+et, key, "").status(http.StatusOK)
				if err := schemas.Validate("hook_delivery", r.body); err != nil {
					t.Fatalf("%s: %v %v", r.body, err, hub.ErrorFields(err))
				}
				ev, err := triggers.Sample(et)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := triggers.DeliveryBody(ev)
				if !jsonEqual(t, r.body, want) {
					t.Fatalf("sample %s, want the built-in %s", r.body, want)
				}
			})
		}
		t.Run("the latest real event wins", func(t *testing.T) {
			var first, second struct{ ID string }
			e.do("POST", "/v1/candidates", key, `{"full_name":"First Real"}`).status(http.StatusCreated).decode(&first)
			e.do("POST", "/v1/candidates", key, `{"full_name":"Second Real"}`).status(http.StatusCreated).decode(&second)
			e.trgPollN(key, "new_candidate", "", 2)
			r := e.do("GET", "/v1/samples/candidate.created", key, "").status(http.StatusOK)
			if err := schemas.Validate("hook_delivery", r.body); err != nil {
				t.Fatalf("%s: %v %v", r.body, err, hub.ErrorFields(err))
			}
			var got struct {
				ID   string
				Data struct{ ID string }
				Item json.RawMessage
			}
			r.decode(&got)
			polled := e.do("GET", "/v1/triggers/new_candidate?limit=1", key, "").status(http.StatusOK)
			var items []json.RawMessage
			polled.decode(&items)
			if got.Data.ID != second.ID || len(items) != 1 || !jsonEqual(t, items[0], got.Item) {
				t.Fatalf("sample %s, latest poll %s", r.body, polled.body)
			}
			_, cred := e.candOther()
			var theirs struct{ Data struct{ ID string } }
			e.do("GET", "/v1/samples/candidate.created", cred, "").status(http.StatusOK).decode(&theirs)
			if theirs.Data.ID == second.ID || theirs.Data.ID == first.ID {
				t.Fatal("another account got this account's candidate as its sample")
			}
		})
		t.Run("unknown type and no credentials", func(t *testing.T) {
			e.do("GET", "/v1/samples/candidate.deleted", key, "").problem(http.StatusNotFound, hub.ENotFound, "")
			e.do("GET", "/v1/samples/candidate.created", "", "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
	})
}
