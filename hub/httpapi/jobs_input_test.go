package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
)

func TestJobBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("zapier")
		j, _ := e.jobCall("POST", "/v1/jobs", key, fullJob, http.StatusCreated, hub.EventJobCreated)
		path := "/v1/jobs/" + j.ID
		put := "/v1/jobs/by-external-id/ATS-1"
		long := func(n int) string { return strings.Repeat("x", n) }
		cases := []struct {
			name, method, path, body string
			status                   int
			code                     hub.Code
			field                    string
		}{
			{"create: malformed JSON", "POST", "/v1/jobs", `{"title":`, 400, hub.EMalformed, ""},
			{"create: not an object", "POST", "/v1/jobs", `["title"]`, 422, hub.EInvalid, ""},
			{"create: empty body", "POST", "/v1/jobs", ``, 400, hub.EMalformed, ""},
			{"create: missing title", "POST", "/v1/jobs", `{"department":"Sales"}`, 422, hub.EInvalid, "title"},
			{"create: empty title", "POST", "/v1/jobs", `{"title":""}`, 422, hub.EInvalid, "title"},
			{"create: title wrong type", "POST", "/v1/jobs", `{"title":5}`, 422, hub.EInvalid, "title"},
			{"create: title too long", "POST", "/v1/jobs", `{"title":"` + long(201) + `"}`, 422, hub.EInvalid, "title"},
			{"create: description too long", "POST", "/v1/jobs", `{"title":"x","description":"` + long(20001) + `"}`, 422, hub.EInvalid, "description"},
			{"create: external id too long", "POST", "/v1/jobs", `{"title":"x","external_id":"` + long(256) + `"}`, 422, hub.EInvalid, "external_id"},
			{"create: unknown status", "POST", "/v1/jobs", `{"title":"x","status":"archived"}`, 422, hub.EInvalid, "status"},
			{"create: unknown workplace type", "POST", "/v1/jobs", `{"title":"x","workplace_type":"space"}`, 422, hub.EInvalid, "workplace_type"},
			{"create: unknown employment type", "POST", "/v1/jobs", `{"title":"x","employment_type":"gig"}`, 422, hub.EInvalid, "employment_type"},
			{"create: invalid hiring manager email", "POST", "/v1/jobs", `{"title":"x","hiring_manager":{"name":"A","email":"not-an-email"}}`, 422, hub.EInvalid, "hiring_manager.email"},
			{"create: hiring manager without name", "POST", "/v1/jobs", `{"title":"x","hiring_manager":{"email":"a@example.com"}}`, 422, hub.EInvalid, "hiring_manager.name"},
			{"create: hiring manager wrong type", "POST", "/v1/jobs", `{"title":"x","hiring_manager":"Lena"}`, 422, hub.EInvalid, "hiring_manager"},
			{"create: unknown field", "POST", "/v1/jobs", `{"title":"x","salary":100}`, 422, hub.EInvalid, "salary"},
			{"create: NUL in title", "POST", "/v1/jobs", `{"title":"a\u0000b"}`, 422, hub.EInvalid, "title"},
			{"create: id is not writable", "POST", "/v1/jobs", `{"title":"x","id":"` + j.ID + `"}`, 422, hub.EInvalid, "id"},
			{"patch: empty object", "PATCH", path, `{}`, 422, hub.EInvalid, ""},
			{"patch: malformed JSON", "PATCH", path, `{"title" "x"}`, 400, hub.EMalformed, ""},
			{"patch: null title", "PATCH", path, `{"title":null}`, 422, hub.EInvalid, "title"},
			{"patch: null status", "PATCH", path, `{"status":null}`, 422, hub.EInvalid, "status"},
			{"patch: unknown status", "PATCH", path, `{"status":"done"}`, 422, hub.EInvalid, "status"},
			{"patch: wrong type", "PATCH", path, `{"location":["Berlin"]}`, 422, hub.EInvalid, "location"},
			{"patch: unknown field", "PATCH", path, `{"titel":"x"}`, 422, hub.EInvalid, "titel"},
			{"patch: invalid hiring manager email", "PATCH", path, `{"hiring_manager":{"name":"A","email":"a@b"}}`, 422, hub.EInvalid, "hiring_manager.email"},
			{"patch: unknown id", "PATCH", "/v1/jobs/" + hub.NewID(hub.PrefixJob), `{"title":"x"}`, 404, hub.ENotFound, ""},
			{"patch: garbage id", "PATCH", "/v1/jobs/nope", `{"title":"x"}`, 404, hub.ENotFound, ""},
			{"get: unknown id", "GET", "/v1/jobs/" + hub.NewID(hub.PrefixJob), "", 404, hub.ENotFound, ""},
			{"get: other kind of id", "GET", "/v1/jobs/" + hub.NewID(hub.PrefixCand), "", 404, hub.ENotFound, ""},
			{"get: upper-case id", "GET", "/v1/jobs/" + strings.ToUpper(j.ID), "", 404, hub.ENotFound, ""},
			{"close: unknown id", "POST", "/v1/jobs/" + hub.NewID(hub.PrefixJob) + "/close", "", 404, hub.ENotFound, ""},
			{"close: garbage id", "POST", "/v1/jobs/x%27%20or%201=1/close", "", 404, hub.ENotFound, ""},
			{"put: missing title", "PUT", put, `{"status":"open"}`, 422, hub.EInvalid, "title"},
			{"put: malformed JSON", "PUT", put, `{`, 400, hub.EMalformed, ""},
			{"put: external id in body", "PUT", put, `{"title":"x","external_id":"other"}`, 422, hub.EInvalid, "external_id"},
			{"put: unknown enum", "PUT", put, `{"title":"x","workplace_type":"moon"}`, 422, hub.EInvalid, "workplace_type"},
			// An empty external ID leaves no segment to route on; the path is
			// then /v1/jobs/:id, which has no PUT.
			{"put: empty external id", "PUT", "/v1/jobs/by-external-id/", `{"title":"x"}`, 405, "method_not_allowed", ""},
			{"put: external id too long", "PUT", "/v1/jobs/by-external-id/" + long(256), `{"title":"x"}`, 422, hub.EInvalid, "external_id"},
			{"put: external id with NUL", "PUT", "/v1/jobs/by-external-id/A%00B", `{"title":"x"}`, 422, hub.EInvalid, "external_id"},
			{"put: external id not UTF-8", "PUT", "/v1/jobs/by-external-id/A%FFB", `{"title":"x"}`, 422, hub.EInvalid, "external_id"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.jobFailing(c.method, c.path, key, c.body, c.status, c.code, c.field)
			})
		}
		t.Run("failed requests changed nothing", func(t *testing.T) {
			got, r := e.jobCall("GET", path, key, "", http.StatusOK)
			if got.UpdatedAt != j.UpdatedAt || got.Title != j.Title {
				t.Fatalf("job changed: %s", r.body)
			}
			var l struct{ Data []hub.Job }
			e.do("GET", "/v1/jobs", key, "").status(http.StatusOK).decode(&l)
			if len(l.Data) != 1 {
				t.Fatalf("%d jobs after failed requests, want 1", len(l.Data))
			}
		})
		t.Run("wrong content type", func(t *testing.T) {
			e.do("POST", "/v1/jobs", key, `title=x`, "Content-Type", "application/x-www-form-urlencoded").
				problem(http.StatusUnsupportedMediaType, hub.EUnsupported, "")
		})
	})
}

func TestJobAccess(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, keyID := e.key("zapier")
		j, _ := e.jobCall("POST", "/v1/jobs", key, fullJob, http.StatusCreated, hub.EventJobCreated)
		other, err := e.st.CreateAccount(context.Background(), "Globex")
		if err != nil {
			t.Fatal(err)
		}
		theirs := e.tokenFor(other.ID, hub.RoleAdmin)
		path := "/v1/jobs/" + j.ID
		t.Run("another account gets 404 and never the job", func(t *testing.T) {
			for _, c := range []struct{ method, path, body string }{
				{"GET", path, ""},
				{"PATCH", path, `{"title":"Stolen"}`},
				{"POST", path + "/close", ""},
			} {
				r := e.do(c.method, c.path, theirs, c.body)
				r.problem(http.StatusNotFound, hub.ENotFound, "")
				if strings.Contains(string(r.body), "Backend Engineer") {
					t.Fatalf("%s %s leaks the job: %s", c.method, c.path, r.body)
				}
			}
			r := e.do("GET", "/v1/jobs", theirs, "").status(http.StatusOK)
			if strings.Contains(string(r.body), j.ID) {
				t.Fatalf("other account's list shows the job: %s", r.body)
			}
			r = e.do("GET", "/v1/jobs?external_id=REQ-1", theirs, "").status(http.StatusOK)
			if strings.Contains(string(r.body), j.ID) {
				t.Fatalf("other account finds the job by external id: %s", r.body)
			}
		})
		t.Run("another account's upsert creates its own job", func(t *testing.T) {
			var got hub.Job
			e.do("PUT", "/v1/jobs/by-external-id/REQ-1", theirs, `{"title":"Theirs"}`).status(http.StatusCreated).decode(&got)
			if got.ID == j.ID {
				t.Fatal("upsert reached another account's job")
			}
			mine, _ := e.jobCall("GET", path, key, "", http.StatusOK)
			if mine.Title != "Backend Engineer" {
				t.Fatalf("job changed by another account: %+v", mine)
			}
		})
		t.Run("no credentials", func(t *testing.T) {
			e.jobFailing("GET", "/v1/jobs", "", "", http.StatusUnauthorized, hub.EUnauthorized, "")
			e.jobFailing("POST", "/v1/jobs", "", `{"title":"x"}`, http.StatusUnauthorized, hub.EUnauthorized, "")
		})
		t.Run("revoked key", func(t *testing.T) {
			e.do("DELETE", "/v1/api-keys/"+keyID, e.token(hub.RoleAdmin), "").status(http.StatusOK)
			for _, c := range []struct{ method, path, body string }{
				{"GET", "/v1/jobs", ""},
				{"GET", path, ""},
				{"POST", "/v1/jobs", `{"title":"x"}`},
				{"PATCH", path, `{"title":"x"}`},
				{"POST", path + "/close", ""},
				{"PUT", "/v1/jobs/by-external-id/R-2", `{"title":"x"}`},
			} {
				e.jobFailing(c.method, c.path, key, c.body, http.StatusUnauthorized, hub.EUnauthorized, "")
			}
		})
	})
}
