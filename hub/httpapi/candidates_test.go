package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
)

func TestCandidateLifecycle(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("zap")
		job := e.candJob(e.acct.ID)
		var (
			id      string
			created []byte
		)

		t.Run("create normalises and announces", func(t *testing.T) {
			c, r := e.candCall("POST", "/v1/candidates", key, `{"job_id":"`+job+`","first_name":"Amara","last_name":"Okafor",
				"email":"Amara.Okafor@Example.COM","linkedin_url":"http://uk.linkedin.com/in/Amara-Okafor/?trk=share",
				"skills":["Go","Kafka"],"experience":[{"title":"Engineer","company":"Zalando","start_date":"2021-04"}],"source":"referral"}`,
				http.StatusCreated, hub.EventCandidateCreated)
			id, created = c.ID, r.body
			if r.h.Get("Location") != "/v1/candidates/"+id || c.FullName != "Amara Okafor" || c.Status != hub.CandNew ||
				*c.Email != "amara.okafor@example.com" || *c.LinkedInURL != "https://www.linkedin.com/in/amara-okafor" ||
				*c.JobID != job || c.Resume != nil || len(c.Tags) != 0 || c.Tags == nil || !c.InterestedAt.IsZero() {
				t.Fatalf("created %s", r.body)
			}
			if !strings.Contains(string(r.body), `"tags":[]`) || !strings.Contains(string(r.body), `"resume":null`) ||
				!strings.Contains(string(r.body), `"interested_at":null`) {
				t.Fatalf("empty fields must be [] and null: %s", r.body)
			}
		})
		t.Run("get returns the same", func(t *testing.T) {
			_, r := e.candCall("GET", "/v1/candidates/"+id, key, "", http.StatusOK)
			if withoutLink(t, r.body) != withoutLink(t, created) {
				t.Fatalf("get\n%s\ncreate\n%s", r.body, created)
			}
		})
		t.Run("create interested", func(t *testing.T) {
			c, _ := e.candCall("POST", "/v1/candidates", key, `{"full_name":"Tomás Herrera","status":"interested"}`,
				http.StatusCreated, hub.EventCandidateCreated, hub.EventCandidateInterested)
			if c.FirstName != nil || c.LastName != nil || c.InterestedAt.IsZero() {
				t.Fatalf("created %+v", c)
			}
		})
		t.Run("patch fields", func(t *testing.T) {
			c, _ := e.candCall("PATCH", "/v1/candidates/"+id, key, `{"tags":["shortlist"],"phone":"+49 151 23456789","source":null}`,
				http.StatusOK, hub.EventCandidateUpdated)
			if len(c.Tags) != 1 || c.Tags[0] != "shortlist" || *c.Phone != "+49 151 23456789" || c.Source != nil || len(c.Skills) != 2 {
				t.Fatalf("patched %+v", c)
			}
		})
		t.Run("a derived full name follows the names", func(t *testing.T) {
			c, _ := e.candCall("PATCH", "/v1/candidates/"+id, key, `{"first_name":"Ama"}`, http.StatusOK, hub.EventCandidateUpdated)
			if c.FullName != "Ama Okafor" {
				t.Fatalf("full name %q", c.FullName)
			}
			c, _ = e.candCall("PATCH", "/v1/candidates/"+id, key, `{"full_name":"Dr. Ama Okafor"}`, http.StatusOK, hub.EventCandidateUpdated)
			c, _ = e.candCall("PATCH", "/v1/candidates/"+id, key, `{"last_name":"Okafor-Lee"}`, http.StatusOK, hub.EventCandidateUpdated)
			if c.FullName != "Dr. Ama Okafor" {
				t.Fatalf("a chosen full name was overwritten: %q", c.FullName)
			}
		})
		t.Run("status changes", func(t *testing.T) {
			steps := []struct {
				status, previous string
				events           []string
			}{
				{hub.CandContacted, hub.CandNew, []string{hub.EventCandidateUpdated, hub.EventCandidateStatusChanged}},
				{hub.CandInterested, hub.CandContacted, []string{hub.EventCandidateUpdated, hub.EventCandidateStatusChanged, hub.EventCandidateInterested}},
				{hub.CandInterested, "", nil},
				{hub.CandHired, hub.CandInterested, []string{hub.EventCandidateUpdated, hub.EventCandidateStatusChanged}},
			}
			var interestedAt hub.Time
			for _, s := range steps {
				before := len(e.candOutbox(e.acct.ID))
				c, _ := e.candCall("PATCH", "/v1/candidates/"+id, key, `{"status":"`+s.status+`"}`, http.StatusOK, s.events...)
				for _, ev := range e.candOutbox(e.acct.ID)[before:] {
					if ev.Type == hub.EventCandidateStatusChanged && (ev.Previous == nil || *ev.Previous != s.previous) {
						t.Fatalf("previous_status %v, want %s", ev.Previous, s.previous)
					}
				}
				if c.Status != s.status {
					t.Fatalf("status %s, want %s", c.Status, s.status)
				}
				// Until the first interest interested_at is null; from then
				// on it keeps that first time.
				everInterested := !interestedAt.IsZero() || s.status == hub.CandInterested
				if c.InterestedAt.IsZero() == everInterested {
					t.Fatalf("after %s: interested_at %v", s.status, c.InterestedAt)
				}
				if !interestedAt.IsZero() && !c.InterestedAt.Equal(interestedAt.Time) {
					t.Fatal("interested_at moved")
				}
				interestedAt = c.InterestedAt
			}
		})
		t.Run("a patch that changes nothing sends nothing", func(t *testing.T) {
			e.candCall("PATCH", "/v1/candidates/"+id, key, `{"status":"hired","email":"AMARA.OKAFOR@example.com"}`, http.StatusOK)
		})
		t.Run("job can be changed and cleared", func(t *testing.T) {
			other := e.candJob(e.acct.ID)
			c, _ := e.candCall("PATCH", "/v1/candidates/"+id, key, `{"job_id":"`+other+`"}`, http.StatusOK, hub.EventCandidateUpdated)
			if *c.JobID != other {
				t.Fatalf("job %v", c.JobID)
			}
			c, _ = e.candCall("PATCH", "/v1/candidates/"+id, key, `{"job_id":null}`, http.StatusOK, hub.EventCandidateUpdated)
			if c.JobID != nil {
				t.Fatalf("job %v", *c.JobID)
			}
		})
		t.Run("an admin token works too", func(t *testing.T) {
			e.candCall("GET", "/v1/candidates/"+id, e.token(hub.RoleMember), "", http.StatusOK)
		})
	})
}

func TestCandidateBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, keyID := e.key("zap")
		otherAcct, otherCred := e.candOther()
		otherJob := e.candJob(otherAcct)
		c, _ := e.candCall("POST", "/v1/candidates", key, `{"full_name":"Ann Lee"}`, http.StatusCreated, hub.EventCandidateCreated)
		theirs, _ := e.st.CreateCandidate(t.Context(), otherAcct, hub.Candidate{FullName: "Secret Person"})
		long := strings.Repeat("x", 101)
		path := "/v1/candidates/" + c.ID

		for _, tc := range []struct {
			name, method, path, body string
			status                   int
			code                     hub.Code
			field                    string
		}{
			{"malformed JSON", "POST", "/v1/candidates", `{"full_name":`, 400, hub.EMalformed, ""},
			{"not an object", "POST", "/v1/candidates", `["x"]`, 422, hub.EInvalid, ""},
			{"empty body", "POST", "/v1/candidates", ``, 400, hub.EMalformed, ""},
			{"no name", "POST", "/v1/candidates", `{"email":"a@b.co"}`, 422, hub.EInvalid, ""},
			{"only a first name", "POST", "/v1/candidates", `{"first_name":"Ann"}`, 422, hub.EInvalid, ""},
			{"wrong type", "POST", "/v1/candidates", `{"full_name":42}`, 422, hub.EInvalid, "full_name"},
			{"wrong list type", "POST", "/v1/candidates", `{"full_name":"A","skills":"Go"}`, 422, hub.EInvalid, "skills"},
			{"unknown field", "POST", "/v1/candidates", `{"full_name":"A","nickname":"x"}`, 422, hub.EInvalid, "nickname"},
			{"unknown status", "POST", "/v1/candidates", `{"full_name":"A","status":"maybe"}`, 422, hub.EInvalid, "status"},
			{"name over limit", "POST", "/v1/candidates", `{"first_name":"` + long + `","last_name":"B"}`, 422, hub.EInvalid, "first_name"},
			{"bad email", "POST", "/v1/candidates", `{"full_name":"A","email":"not-an-email"}`, 422, hub.EInvalid, "email"},
			{"email with a display name", "POST", "/v1/candidates", `{"full_name":"A","email":"Ann <a@b.co>"}`, 422, hub.EInvalid, "email"},
			{"email with empty label", "POST", "/v1/candidates", `{"full_name":"A","email":"a@b..co"}`, 422, hub.EInvalid, "email"},
			{"not a LinkedIn profile", "POST", "/v1/candidates", `{"full_name":"A","linkedin_url":"https://www.linkedin.com/company/visage"}`, 422, hub.EInvalid, "linkedin_url"},
			{"not LinkedIn", "POST", "/v1/candidates", `{"full_name":"A","linkedin_url":"https://linkedin.com.evil.example/in/a"}`, 422, hub.EInvalid, "linkedin_url"},
			{"not a URL", "POST", "/v1/candidates", `{"full_name":"A","linkedin_url":"amara"}`, 422, hub.EInvalid, "linkedin_url"},
			{"unknown job", "POST", "/v1/candidates", `{"full_name":"A","job_id":"` + hub.NewID(hub.PrefixJob) + `"}`, 422, hub.EInvalid, "job_id"},
			{"other account's job", "POST", "/v1/candidates", `{"full_name":"A","job_id":"` + otherJob + `"}`, 422, hub.EInvalid, "job_id"},
			{"malformed job id", "POST", "/v1/candidates", `{"full_name":"A","job_id":"job_123"}`, 422, hub.EInvalid, "job_id"},
			{"bad experience date", "POST", "/v1/candidates", `{"full_name":"A","experience":[{"title":"X","start_date":"2021-13"}]}`, 422, hub.EInvalid, "experience.0.start_date"},
			{"experience without title", "POST", "/v1/candidates", `{"full_name":"A","experience":[{"company":"X"}]}`, 422, hub.EInvalid, "experience.0.title"},
			{"too many tags", "POST", "/v1/candidates", `{"full_name":"A","tags":[` + strings.Repeat(`"t",`, 50) + `"t"]}`, 422, hub.EInvalid, "tags"},
			{"empty patch", "PATCH", path, `{}`, 422, hub.EInvalid, ""},
			{"patch null status", "PATCH", path, `{"status":null}`, 422, hub.EInvalid, "status"},
			{"patch unknown status", "PATCH", path, `{"status":"archived"}`, 422, hub.EInvalid, "status"},
			{"patch bad email", "PATCH", path, `{"email":"x@"}`, 422, hub.EInvalid, "email"},
			{"patch unknown job", "PATCH", path, `{"job_id":"` + hub.NewID(hub.PrefixJob) + `"}`, 422, hub.EInvalid, "job_id"},
			{"patch other account's job", "PATCH", path, `{"job_id":"` + otherJob + `"}`, 422, hub.EInvalid, "job_id"},
			{"patch unknown field", "PATCH", path, `{"id":"cand_x"}`, 422, hub.EInvalid, "id"},
			{"patch malformed", "PATCH", path, `{"tags":[}`, 400, hub.EMalformed, ""},
			{"get unknown", "GET", "/v1/candidates/" + hub.NewID(hub.PrefixCand), "", 404, hub.ENotFound, ""},
			{"get garbage id", "GET", "/v1/candidates/cand_nope", "", 404, hub.ENotFound, ""},
			{"get a job id", "GET", "/v1/candidates/" + otherJob, "", 404, hub.ENotFound, ""},
			{"get other account's", "GET", "/v1/candidates/" + theirs.ID, "", 404, hub.ENotFound, ""},
			{"patch other account's", "PATCH", "/v1/candidates/" + theirs.ID, `{"status":"hired"}`, 404, hub.ENotFound, ""},
			{"patch unknown", "PATCH", "/v1/candidates/" + hub.NewID(hub.PrefixCand), `{"status":"hired"}`, 404, hub.ENotFound, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := e.candFail(func() resp { return e.do(tc.method, tc.path, key, tc.body) }, tc.status, tc.code, tc.field)
				if strings.Contains(p.Detail, "Secret Person") {
					t.Fatal("the problem leaks another account's data")
				}
			})
		}
		t.Run("not JSON", func(t *testing.T) {
			e.candFail(func() resp {
				return e.do("POST", "/v1/candidates", key, `{"full_name":"A"}`, "Content-Type", "text/plain")
			}, 415, hub.EUnsupported, "")
		})
		t.Run("no credentials", func(t *testing.T) {
			e.candFail(func() resp { return e.do("POST", "/v1/candidates", "", `{"full_name":"A"}`) }, 401, hub.EUnauthorized, "")
			e.candFail(func() resp { return e.do("GET", path, "", "") }, 401, hub.EUnauthorized, "")
		})
		t.Run("the other account cannot see it", func(t *testing.T) {
			r := e.do("GET", path, otherCred, "").problem(404, hub.ENotFound, "")
			if strings.Contains(string(r.Detail), "Ann Lee") {
				t.Fatal("leak")
			}
		})
		t.Run("revoked key", func(t *testing.T) {
			e.do("DELETE", "/v1/api-keys/"+keyID, e.token(hub.RoleAdmin), "").status(http.StatusOK)
			e.candFail(func() resp { return e.do("GET", path, key, "") }, 401, hub.EUnauthorized, "")
			e.candFail(func() resp { return e.do("PATCH", path, key, `{"status":"hired"}`) }, 401, hub.EUnauthorized, "")
		})
		got, err := e.st.GetCandidate(t.Context(), e.acct.ID, c.ID)
		if err != nil || got.Status != hub.CandNew || got.Email != nil {
			t.Fatalf("failed requests changed the candidate: %+v, %v", got, err)
		}
	})
}
