package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// jobEvent is an outbox row as the tests read it back.
type jobEvent struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// jobOutbox returns every event of the env's account, oldest first.
func (e *env) jobOutbox() []jobEvent {
	e.t.Helper()
	db := e.st.DB()
	rows, err := db.QueryContext(context.Background(),
		db.Rebind(`SELECT id, type, created_at, data FROM events WHERE account_id = ? ORDER BY id`), e.acct.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []jobEvent
	for rows.Next() {
		var (
			ev   jobEvent
			ts   hub.Time
			data string
		)
		if err := rows.Scan(&ev.ID, &ev.Type, &ts, &data); err != nil {
			e.t.Fatal(err)
		}
		ev.Timestamp, ev.Data = ts.Format(hub.TimeFormat), json.RawMessage(data)
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// jobCall sends a request that must succeed with status, checks that the
// body is a valid job and that exactly the events of types were written,
// each valid against its event schema and carrying the job in the body.
func (e *env) jobCall(method, path, cred, body string, status int, types ...string) (hub.Job, resp) {
	e.t.Helper()
	before := len(e.jobOutbox())
	r := e.do(method, path, cred, body).status(status)
	if err := schemas.Validate("job", r.body); err != nil {
		e.t.Fatalf("%s %s: response is not a valid job: %v\n%s", method, path, err, r.body)
	}
	evs := e.jobOutbox()[before:]
	if len(evs) != len(types) {
		e.t.Fatalf("%s %s wrote %d events %+v, want %v", method, path, len(evs), evs, types)
	}
	for i, ev := range evs {
		if ev.Type != types[i] || !jobSameJSON(ev.Data, r.body) {
			e.t.Fatalf("event %d: %s with %s, want %s with %s", i, ev.Type, ev.Data, types[i], r.body)
		}
		name, ok := schemas.ForEvent(ev.Type)
		if !ok {
			e.t.Fatalf("no schema for %s", ev.Type)
		}
		if err := schemas.ValidateValue(name, ev); err != nil {
			e.t.Fatalf("event %s does not match %s: %v %+v", ev.Type, name, err, hub.ErrorFields(err))
		}
	}
	var j hub.Job
	r.decode(&j)
	return j, r
}

// jobFailing sends a request that must fail with the given problem and checks
// that it wrote no event.
func (e *env) jobFailing(method, path, cred, body string, status int, code hub.Code, field string) {
	e.t.Helper()
	before := len(e.jobOutbox())
	e.do(method, path, cred, body).problem(status, code, field)
	if after := len(e.jobOutbox()); after != before {
		e.t.Fatalf("%s %s failed but wrote %d events", method, path, after-before)
	}
}

func jobSameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

const fullJob = `{"external_id":"REQ-1","title":"Backend Engineer","description":"Go and PostgreSQL",
	"department":"Engineering","location":"Berlin","workplace_type":"hybrid","employment_type":"full_time",
	"hiring_manager":{"name":"Lena Fischer","email":"lena@example.com"}}`

func TestJobLifecycle(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("zapier")
		member := e.token(hub.RoleMember)
		j, r := e.jobCall("POST", "/v1/jobs", key, fullJob, http.StatusCreated, hub.EventJobCreated)
		path := "/v1/jobs/" + j.ID

		t.Run("create answers with the job and its location", func(t *testing.T) {
			if r.h.Get("Location") != path || j.Status != hub.JobOpen || *j.ExternalID != "REQ-1" ||
				*j.HiringManager.Email != "lena@example.com" || j.CreatedAt.IsZero() || !j.UpdatedAt.Equal(j.CreatedAt.Time) {
				t.Fatalf("created %s (Location %q)", r.body, r.h.Get("Location"))
			}
		})
		t.Run("get returns the same job to a key and to a member", func(t *testing.T) {
			for _, cred := range []string{key, member} {
				got, gr := e.jobCall("GET", path, cred, "", http.StatusOK)
				if got.ID != j.ID || !jobSameJSON(gr.body, r.body) {
					t.Fatalf("get %s, want %s", gr.body, r.body)
				}
			}
		})
		t.Run("patch changes only the fields sent, null clears", func(t *testing.T) {
			got, _ := e.jobCall("PATCH", path, member, `{"title":"Staff Engineer","location":null,"hiring_manager":{"name":"Ada"}}`,
				http.StatusOK, hub.EventJobUpdated)
			if got.Title != "Staff Engineer" || got.Location != nil || got.HiringManager.Email != nil ||
				*got.Department != "Engineering" || got.UpdatedAt.Before(j.UpdatedAt.Time) {
				t.Fatalf("patched %+v", got)
			}
			j = got
		})
		t.Run("patch with nothing new writes nothing", func(t *testing.T) {
			got, _ := e.jobCall("PATCH", path, key, `{"title":"Staff Engineer","location":null}`, http.StatusOK)
			if !got.UpdatedAt.Equal(j.UpdatedAt.Time) {
				t.Fatalf("updated_at moved: %v → %v", j.UpdatedAt, got.UpdatedAt)
			}
		})
		t.Run("close announces the change and the closing", func(t *testing.T) {
			got, _ := e.jobCall("POST", path+"/close", key, "", http.StatusOK, hub.EventJobUpdated, hub.EventJobClosed)
			if got.Status != hub.JobClosed {
				t.Fatalf("closed %+v", got)
			}
			j = got
		})
		t.Run("closing again returns the job and sends nothing", func(t *testing.T) {
			got, r := e.jobCall("POST", path+"/close", key, "", http.StatusOK)
			if got.Status != hub.JobClosed || !got.UpdatedAt.Equal(j.UpdatedAt.Time) {
				t.Fatalf("second close %s", r.body)
			}
		})
		t.Run("closing through patch after reopening", func(t *testing.T) {
			e.jobCall("PATCH", path, key, `{"status":"open"}`, http.StatusOK, hub.EventJobUpdated)
			e.jobCall("PATCH", path, key, `{"status":"closed","department":null}`, http.StatusOK, hub.EventJobUpdated, hub.EventJobClosed)
		})
		t.Run("minimal create defaults to open with nulls", func(t *testing.T) {
			got, _ := e.jobCall("POST", "/v1/jobs", key, `{"title":"Recruiter"}`, http.StatusCreated, hub.EventJobCreated)
			if got.Status != hub.JobOpen || got.ExternalID != nil || got.HiringManager != nil || got.Description != nil {
				t.Fatalf("minimal %+v", got)
			}
		})
		t.Run("external id can be changed and cleared", func(t *testing.T) {
			got, _ := e.jobCall("PATCH", path, key, `{"external_id":"REQ-9"}`, http.StatusOK, hub.EventJobUpdated)
			if *got.ExternalID != "REQ-9" {
				t.Fatalf("external_id %v", got.ExternalID)
			}
			got, _ = e.jobCall("PATCH", path, key, `{"external_id":null}`, http.StatusOK, hub.EventJobUpdated)
			if got.ExternalID != nil {
				t.Fatalf("external_id %v", *got.ExternalID)
			}
		})
	})
}

func TestJobUpsertByExternalID(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("ats")
		path := "/v1/jobs/by-external-id/GH-4098"
		body := `{"title":"Account Executive","department":"Sales","status":"paused"}`
		j, r := e.jobCall("PUT", path, key, body, http.StatusCreated, hub.EventJobCreated)
		t.Run("created with the path's external id", func(t *testing.T) {
			if *j.ExternalID != "GH-4098" || j.Status != hub.JobPaused || r.h.Get("Location") != "/v1/jobs/"+j.ID {
				t.Fatalf("created %s", r.body)
			}
		})
		t.Run("same body again changes nothing", func(t *testing.T) {
			got, _ := e.jobCall("PUT", path, key, body, http.StatusOK)
			if got.ID != j.ID || !got.UpdatedAt.Equal(j.UpdatedAt.Time) {
				t.Fatalf("second put %+v", got)
			}
		})
		t.Run("fields left out are reset", func(t *testing.T) {
			got, _ := e.jobCall("PUT", path, key, `{"title":"Account Executive"}`, http.StatusOK, hub.EventJobUpdated)
			if got.ID != j.ID || got.Department != nil || got.Status != hub.JobOpen || *got.ExternalID != "GH-4098" {
				t.Fatalf("replaced %+v", got)
			}
		})
		t.Run("closing through put announces it", func(t *testing.T) {
			e.jobCall("PUT", path, key, `{"title":"Account Executive","status":"closed"}`, http.StatusOK, hub.EventJobUpdated, hub.EventJobClosed)
		})
		t.Run("encoded external id is decoded", func(t *testing.T) {
			got, _ := e.jobCall("PUT", "/v1/jobs/by-external-id/REQ%2F7%20b", key, `{"title":"Ops"}`, http.StatusCreated, hub.EventJobCreated)
			if *got.ExternalID != "REQ/7 b" {
				t.Fatalf("external_id %q", *got.ExternalID)
			}
			var l struct{ Data []hub.Job }
			e.do("GET", "/v1/jobs?external_id=REQ%2F7%20b", key, "").status(http.StatusOK).decode(&l)
			if len(l.Data) != 1 || l.Data[0].ID != got.ID {
				t.Fatalf("filter by decoded external id: %+v", l.Data)
			}
		})
		t.Run("external id of 255 characters is accepted", func(t *testing.T) {
			e.jobCall("PUT", "/v1/jobs/by-external-id/"+strings.Repeat("é", 255), key, `{"title":"Long"}`, http.StatusCreated, hub.EventJobCreated)
		})
		t.Run("create with a taken external id is a conflict", func(t *testing.T) {
			e.jobFailing("POST", "/v1/jobs", key, `{"title":"Dup","external_id":"GH-4098"}`, http.StatusConflict, hub.EConflict, "external_id")
		})
		t.Run("patch to a taken external id is a conflict", func(t *testing.T) {
			other, _ := e.jobCall("POST", "/v1/jobs", key, `{"title":"Other"}`, http.StatusCreated, hub.EventJobCreated)
			e.jobFailing("PATCH", "/v1/jobs/"+other.ID, key, `{"external_id":"GH-4098"}`, http.StatusConflict, hub.EConflict, "external_id")
		})
	})
}
