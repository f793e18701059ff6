package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
)

// sameExcept reports whether two resources' JSON are equal once the named
// members (IDs, timestamps) are removed.
func sameExcept(t *testing.T, a, b []byte, skip ...string) bool {
	t.Helper()
	var x, y map[string]any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	for _, k := range skip {
		delete(x, k)
		delete(y, k)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func TestJobActions(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("zapier")
		const act = "/v1/actions/"

		t.Run("create_job makes the job POST /v1/jobs makes", func(t *testing.T) {
			viaAction, ra := e.jobCall("POST", act+"create_job", key, fullJob, http.StatusOK, hub.EventJobCreated)
			rest := strings.Replace(fullJob, `"REQ-1"`, `"REQ-REST"`, 1)
			_, rr := e.jobCall("POST", "/v1/jobs", key, rest, http.StatusCreated, hub.EventJobCreated)
			if !sameExcept(t, ra.body, rr.body, "id", "external_id", "created_at", "updated_at") || *viaAction.ExternalID != "REQ-1" {
				t.Fatalf("action made\n%s\nREST made\n%s", ra.body, rr.body)
			}
			got := e.do("GET", "/v1/jobs/"+viaAction.ID, key, "").status(http.StatusOK)
			if !jobSameJSON(got.body, ra.body) {
				t.Fatalf("GET shows %s, the action answered %s", got.body, ra.body)
			}
		})

		j, _ := e.jobCall("POST", act+"create_job", key, `{"title":"Data Engineer","location":"Paris"}`, http.StatusOK, hub.EventJobCreated)
		t.Run("update_job changes only the fields sent, null clears", func(t *testing.T) {
			got, _ := e.jobCall("POST", act+"update_job", key, `{"job_id":"`+j.ID+`","status":"paused","location":null}`,
				http.StatusOK, hub.EventJobUpdated)
			if got.Status != hub.JobPaused || got.Location != nil || got.Title != "Data Engineer" || got.ID != j.ID {
				t.Fatalf("updated %+v", got)
			}
		})
		t.Run("update_job with nothing new sends nothing", func(t *testing.T) {
			e.jobCall("POST", act+"update_job", key, `{"job_id":"`+j.ID+`","status":"paused"}`, http.StatusOK)
		})
		t.Run("close_job closes once", func(t *testing.T) {
			got, _ := e.jobCall("POST", act+"close_job", key, `{"job_id":"`+j.ID+`"}`, http.StatusOK, hub.EventJobUpdated, hub.EventJobClosed)
			if got.Status != hub.JobClosed {
				t.Fatalf("closed %+v", got)
			}
			e.jobCall("POST", act+"close_job", key, `{"job_id":"`+j.ID+`"}`, http.StatusOK)
		})
		t.Run("upsert_job creates, then replaces", func(t *testing.T) {
			body := `{"external_id":"greenhouse-7","title":"SRE","location":"Lisbon","status":"paused"}`
			first, _ := e.jobCall("POST", act+"upsert_job", key, body, http.StatusOK, hub.EventJobCreated)
			if *first.ExternalID != "greenhouse-7" || first.Status != hub.JobPaused {
				t.Fatalf("created %+v", first)
			}
			e.jobCall("POST", act+"upsert_job", key, body, http.StatusOK)
			second, _ := e.jobCall("POST", act+"upsert_job", key, `{"external_id":"greenhouse-7","title":"SRE II"}`,
				http.StatusOK, hub.EventJobUpdated)
			if second.ID != first.ID || second.Title != "SRE II" || second.Location != nil || second.Status != hub.JobOpen {
				t.Fatalf("replaced %+v, first %+v", second, first)
			}
		})

		otherAcct, _ := e.candOther()
		foreign := e.candJob(otherAcct)
		unknown := hub.NewID(hub.PrefixJob)
		long := strings.Repeat("x", 201)
		for _, tc := range []struct {
			name, action, body string
			status             int
			code               hub.Code
			field              string
		}{
			{"malformed JSON", "create_job", `{"title":`, 400, hub.EMalformed, ""},
			{"empty body", "create_job", ``, 400, hub.EMalformed, ""},
			{"not an object", "create_job", `["title"]`, 422, hub.EInvalid, ""},
			{"wrong type", "create_job", `{"title":5}`, 422, hub.EInvalid, "title"},
			{"missing title", "create_job", `{"location":"Berlin"}`, 422, hub.EInvalid, "title"},
			{"unknown field", "create_job", `{"title":"x","salary":1}`, 422, hub.EInvalid, "salary"},
			{"unknown status", "create_job", `{"title":"x","status":"archived"}`, 422, hub.EInvalid, "status"},
			{"title too long", "create_job", `{"title":"` + long + `"}`, 422, hub.EInvalid, "title"},
			{"invalid hiring manager email", "create_job", `{"title":"x","hiring_manager":{"email":"not-an-email"}}`, 422, hub.EInvalid, "hiring_manager.email"},
			{"taken external id", "create_job", `{"title":"x","external_id":"REQ-1"}`, 409, hub.EConflict, "external_id"},
			{"update without changes", "update_job", `{"job_id":"` + j.ID + `"}`, 422, hub.EInvalid, ""},
			{"update missing job_id", "update_job", `{"title":"x"}`, 422, hub.EInvalid, "job_id"},
			{"update malformed job_id", "update_job", `{"job_id":"job_nope","title":"x"}`, 422, hub.EInvalid, "job_id"},
			{"update unknown job", "update_job", `{"job_id":"` + unknown + `","title":"x"}`, 404, hub.ENotFound, ""},
			{"update another account's job", "update_job", `{"job_id":"` + foreign + `","title":"x"}`, 404, hub.ENotFound, ""},
			{"update null title", "update_job", `{"job_id":"` + j.ID + `","title":null}`, 422, hub.EInvalid, "title"},
			{"close unknown job", "close_job", `{"job_id":"` + unknown + `"}`, 404, hub.ENotFound, ""},
			{"close another account's job", "close_job", `{"job_id":"` + foreign + `"}`, 404, hub.ENotFound, ""},
			{"close wrong type", "close_job", `{"job_id":7}`, 422, hub.EInvalid, "job_id"},
			{"upsert missing external id", "upsert_job", `{"title":"x"}`, 422, hub.EInvalid, "external_id"},
			{"upsert empty external id", "upsert_job", `{"external_id":"","title":"x"}`, 422, hub.EInvalid, "external_id"},
			{"upsert unknown workplace", "upsert_job", `{"external_id":"a","title":"x","workplace_type":"moon"}`, 422, hub.EInvalid, "workplace_type"},
		} {
			t.Run(tc.action+": "+tc.name, func(t *testing.T) {
				e.candFail(func() resp { return e.do("POST", act+tc.action, key, tc.body) }, tc.status, tc.code, tc.field)
			})
		}
		t.Run("several failing fields are all named", func(t *testing.T) {
			p := e.candFail(func() resp {
				return e.do("POST", act+"create_job", key, `{"title":"`+long+`","status":"gone","workplace_type":"moon"}`)
			}, 422, hub.EInvalid, "title")
			named := map[string]bool{}
			for _, f := range p.Errors {
				named[f.Field] = true
			}
			if !named["status"] || !named["workplace_type"] {
				t.Fatalf("errors %+v, want title, status and workplace_type", p.Errors)
			}
		})
		t.Run("other account's job is untouched", func(t *testing.T) {
			got, err := e.st.GetJob(t.Context(), otherAcct, foreign)
			if err != nil || got.Title != "Backend Engineer" || got.Status != hub.JobOpen {
				t.Fatalf("foreign job %+v, %v", got, err)
			}
		})
	})
}
