package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/schemas"
)

// replayJSON is a replay job as a client reads it.
type replayJSON struct {
	ID         string   `json:"id"`
	WebhookID  string   `json:"webhook_id"`
	Since      string   `json:"since"`
	Until      string   `json:"until"`
	Statuses   []string `json:"statuses"`
	Status     string   `json:"status"`
	Count      int      `json:"count"`
	Error      *string  `json:"error"`
	CreatedAt  string   `json:"created_at"`
	FinishedAt *string  `json:"finished_at"`
}

// seedDeliveries writes n finished deliveries of an endpoint straight into
// the table, created at `at`: history to replay.
func (e *env) seedDeliveries(endpointID string, status hub.DeliveryStatus, at time.Time, n int) {
	e.t.Helper()
	tx, err := e.st.DB().Beginx()
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		_, err := tx.Exec(tx.Rebind(`INSERT INTO deliveries (id, account_id, endpoint_id, event_id, event_type, status, attempts,
			next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`),
			hub.NewID(hub.PrefixDelivery), e.acct.ID, endpointID, hub.NewID(hub.PrefixEvent), hub.EventJobCreated, string(status),
			hub.TimeOf(at), hub.TimeOf(at), hub.TimeOf(at))
		if err != nil {
			_ = tx.Rollback()
			e.t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		e.t.Fatal(err)
	}
}

// startReplay starts a replay and checks the 202: the job, valid against
// its schema, and its Location.
func (e *env) startReplay(t *testing.T, webhookID, body string) replayJSON {
	t.Helper()
	r := e.do("POST", "/v1/webhooks/"+webhookID+"/replay", e.token(hub.RoleAdmin), body).status(http.StatusAccepted)
	if err := schemas.Validate("replay", r.body); err != nil {
		t.Fatalf("202 body %s: %v %v", r.body, err, hub.ErrorFields(err))
	}
	var job replayJSON
	r.decode(&job)
	if r.h.Get("Location") != "/v1/replays/"+job.ID || !hub.ValidID(hub.PrefixReplay, job.ID) || job.WebhookID != webhookID {
		t.Fatalf("202 Location %q, job %+v", r.h.Get("Location"), job)
	}
	return job
}

// waitReplay polls GET /v1/replays/{id} until the job is no longer
// running, within a bound, and returns it.
func (e *env) waitReplay(t *testing.T, id string) replayJSON {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := e.do("GET", "/v1/replays/"+id, e.token(hub.RoleMember), "").status(http.StatusOK)
		var job replayJSON
		r.decode(&job)
		if job.Status != "running" {
			if err := schemas.Validate("replay", r.body); err != nil {
				t.Fatalf("GET body %s: %v %v", r.body, err, hub.ErrorFields(err))
			}
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("replay %s still running after 15s: %+v", id, job)
		}
		time.Sleep(10 * time.Millisecond) // polling the job's stored state
	}
}

func TestReplayJobs(t *testing.T) {
	eachHookEnv(t, "127.0.0.0/8", func(t *testing.T, e *env, d *dispatch.Dispatcher) {
		dbT := t
		rc := newHookReceiver(t)
		since := time.Now().Add(-time.Hour).UTC()
		in := since.Add(time.Minute)
		sinceJSON := since.Format(time.RFC3339Nano)
		t.Run("a job over more deliveries than one chunk queues each matching one once", func(t *testing.T) {
			w := e.createHook(`{"url":"` + rc.url() + `"}`)
			other := e.createHook(`{"url":"` + rc.url() + `"}`)
			e.seedDeliveries(w.ID, hub.DeliveryFailed, in, 600)
			e.seedDeliveries(w.ID, hub.DeliverySucceeded, in, 20)
			e.seedDeliveries(w.ID, hub.DeliveryFailed, since.Add(-time.Minute), 15)
			e.seedDeliveries(other.ID, hub.DeliveryFailed, in, 10)
			job := e.startReplay(t, w.ID, `{"since":"`+sinceJSON+`"}`)
			if job.Status != "running" || job.Count != 0 || job.FinishedAt != nil || job.Error != nil ||
				len(job.Statuses) != 1 || job.Statuses[0] != "failed" || job.Since != since.Format(hub.TimeFormat) {
				t.Fatalf("new job %+v", job)
			}
			runDispatcher(dbT, d) // started after the request: the job waits for a runner, as under an API-only process
			got := e.waitReplay(t, job.ID)
			if got.Status != "succeeded" || got.Count != 600 || got.FinishedAt == nil || got.Error != nil {
				t.Fatalf("finished job %+v, want succeeded with 600", got)
			}
		})
		t.Run("the status filter", func(t *testing.T) {
			for _, c := range []struct {
				name, status string
				statuses     []string
				want         int
			}{
				{"one status, the older form", `"succeeded"`, []string{"succeeded"}, 4},
				{"a list", `["failed","succeeded","failed"]`, []string{"failed", "succeeded"}, 11},
			} {
				t.Run(c.name, func(t *testing.T) {
					w := e.createHook(`{"url":"` + rc.url() + `"}`)
					e.seedDeliveries(w.ID, hub.DeliveryFailed, in, 7)
					e.seedDeliveries(w.ID, hub.DeliverySucceeded, in, 4)
					job := e.startReplay(t, w.ID, `{"since":"`+sinceJSON+`","status":`+c.status+`}`)
					if strings.Join(job.Statuses, ",") != strings.Join(c.statuses, ",") {
						t.Fatalf("statuses %v, want %v", job.Statuses, c.statuses)
					}
					if got := e.waitReplay(t, job.ID); got.Status != "succeeded" || got.Count != c.want {
						t.Fatalf("job %+v, want %d queued", got, c.want)
					}
				})
			}
		})
	})
}

func TestReplayAccessAndInput(t *testing.T) {
	eachHookEnv(t, "127.0.0.0/8", func(t *testing.T, e *env, _ *dispatch.Dispatcher) {
		admin := e.token(hub.RoleAdmin)
		rc := newHookReceiver(t)
		w := e.createHook(`{"url":"` + rc.url() + `"}`)
		job := e.startReplay(t, w.ID, `{"since":"2026-01-01T00:00:00Z","until":"2026-01-02T00:00:00.5+01:00"}`)
		if job.Until != "2026-01-01T23:00:00.500Z" {
			t.Fatalf("until %q, want it in UTC with milliseconds", job.Until)
		}
		key, keyID := e.key("zapier")
		t.Run("any caller of the account reads it", func(t *testing.T) {
			for _, cred := range []string{admin, e.token(hub.RoleMember), key} {
				var got replayJSON
				e.do("GET", "/v1/replays/"+job.ID, cred, "").status(http.StatusOK).decode(&got)
				if got.ID != job.ID || got.WebhookID != w.ID {
					t.Fatalf("read %+v", got)
				}
			}
		})
		other, err := e.st.CreateAccount(t.Context(), "Globex")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ name, cred, id string }{
			{"unknown ID", admin, hub.NewID(hub.PrefixReplay)},
			{"malformed ID", admin, "rpl_nope"},
			{"an ID of another kind", admin, w.ID},
			{"upper-case ID", admin, strings.ToUpper(job.ID)},
			{"another account's job", e.tokenFor(other.ID, hub.RoleAdmin), job.ID},
		} {
			t.Run("404: "+c.name, func(t *testing.T) {
				e.do("GET", "/v1/replays/"+c.id, c.cred, "").problem(http.StatusNotFound, hub.ENotFound, "")
			})
		}
		t.Run("another account cannot start one on this endpoint", func(t *testing.T) {
			e.do("POST", "/v1/webhooks/"+w.ID+"/replay", e.tokenFor(other.ID, hub.RoleAdmin), `{"since":"2026-01-01T00:00:00Z"}`).
				problem(http.StatusNotFound, hub.ENotFound, "")
		})
		base := "/v1/webhooks/" + w.ID + "/replay"
		for _, c := range []struct {
			name, body string
			status     int
			code       hub.Code
			field      string
		}{
			{"since missing", `{}`, 422, hub.EInvalid, "since"},
			{"since not a time", `{"since":"last week"}`, 422, hub.EInvalid, "since"},
			{"until not a time", `{"since":"2026-01-01T00:00:00Z","until":"2026-13-01T00:00:00Z"}`, 422, hub.EInvalid, "until"},
			{"until before since", `{"since":"2026-02-01T00:00:00Z","until":"2026-01-01T00:00:00Z"}`, 422, hub.EInvalid, "until"},
			{"until equal to since", `{"since":"2026-02-01T00:00:00Z","until":"2026-02-01T01:00:00+01:00"}`, 422, hub.EInvalid, "until"},
			{"status pending", `{"since":"2026-01-01T00:00:00Z","status":"pending"}`, 422, hub.EInvalid, "status"},
			{"status unknown in a list", `{"since":"2026-01-01T00:00:00Z","status":["failed","lost"]}`, 422, hub.EInvalid, "status"},
			{"status an empty list", `{"since":"2026-01-01T00:00:00Z","status":[]}`, 422, hub.EInvalid, "status"},
			{"status a number", `{"since":"2026-01-01T00:00:00Z","status":3}`, 422, hub.EInvalid, "status"},
			{"since a number", `{"since":1767225600}`, 422, hub.EInvalid, "since"},
			{"unknown field", `{"since":"2026-01-01T00:00:00Z","statuses":["failed"]}`, 422, hub.EInvalid, "statuses"},
			{"an array body", `[]`, 422, hub.EInvalid, ""},
			{"malformed JSON", `{"since":`, 400, hub.EMalformed, ""},
			{"empty body", ``, 400, hub.EMalformed, ""},
			{"oversize body", `{"since":"2026-01-01T00:00:00Z","x":"` + strings.Repeat("a", 1<<20) + `"}`, 413, hub.ETooLarge, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				var r resp
				if c.body == "" {
					r = e.do("POST", base, admin, "", "Content-Type", "application/json")
				} else {
					r = e.do("POST", base, admin, c.body)
				}
				r.problem(c.status, c.code, c.field)
			})
		}
		t.Run("an endpoint that is not active is a conflict", func(t *testing.T) {
			e.do("POST", "/v1/webhooks/"+w.ID+"/disable", admin, "").status(http.StatusOK)
			e.do("POST", base, admin, `{"since":"2026-01-01T00:00:00Z"}`).problem(http.StatusConflict, hub.EConflict, "")
		})
		t.Run("member and API key may not start one", func(t *testing.T) {
			e.do("POST", base, e.token(hub.RoleMember), `{"since":"2026-01-01T00:00:00Z"}`).problem(http.StatusForbidden, hub.EForbidden, "")
			e.do("POST", base, key, `{"since":"2026-01-01T00:00:00Z"}`).problem(http.StatusForbidden, hub.EForbidden, "")
		})
		t.Run("a revoked key is refused", func(t *testing.T) {
			e.do("DELETE", "/v1/api-keys/"+keyID, admin, "").status(http.StatusOK)
			e.do("GET", "/v1/replays/"+job.ID, key, "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			e.do("POST", base, key, `{"since":"2026-01-01T00:00:00Z"}`).problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
		t.Run("no credentials", func(t *testing.T) {
			e.do("GET", "/v1/replays/"+job.ID, "", "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
	})
}
