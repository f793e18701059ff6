package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
)

func TestCandidateActions(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("make")
		const act = "/v1/actions/"
		job := e.candJob(e.acct.ID)
		body := `{"job_id":"` + job + `","first_name":"Amara","last_name":"Okafor","email":"Amara.Okafor@Example.com",
			"linkedin_url":"https://uk.linkedin.com/in/Amara-Okafor/?trk=x","tags":["sourced"],"status":"interested"}`

		var c hub.Candidate
		t.Run("create_candidate makes the candidate POST /v1/candidates makes", func(t *testing.T) {
			var ra resp
			c, ra = e.candCall("POST", act+"create_candidate", key, body, http.StatusOK,
				hub.EventCandidateCreated, hub.EventCandidateInterested)
			_, rr := e.candCall("POST", "/v1/candidates", key, body, http.StatusCreated,
				hub.EventCandidateCreated, hub.EventCandidateInterested)
			if !sameExcept(t, ra.body, rr.body, "id", "created_at", "updated_at", "interested_at") {
				t.Fatalf("action made\n%s\nREST made\n%s", ra.body, rr.body)
			}
			if *c.Email != "amara.okafor@example.com" || *c.LinkedInURL != "https://www.linkedin.com/in/amara-okafor" || c.FullName != "Amara Okafor" {
				t.Fatalf("not normalised: %s", ra.body)
			}
		})
		t.Run("update_candidate_status announces the change", func(t *testing.T) {
			got, _ := e.candCall("POST", act+"update_candidate_status", key, `{"candidate_id":"`+c.ID+`","status":"contacted"}`,
				http.StatusOK, hub.EventCandidateUpdated, hub.EventCandidateStatusChanged)
			if got.Status != hub.CandContacted {
				t.Fatalf("status %q", got.Status)
			}
			evs := e.candOutbox(e.acct.ID)
			if last := evs[len(evs)-1]; last.Previous == nil || *last.Previous != hub.CandInterested {
				t.Fatalf("status_changed previous %v, want interested", last.Previous)
			}
			e.candCall("POST", act+"update_candidate_status", key, `{"candidate_id":"`+c.ID+`","status":"contacted"}`, http.StatusOK)
		})
		t.Run("add_candidate_tags keeps each tag once, in order", func(t *testing.T) {
			got, _ := e.candCall("POST", act+"add_candidate_tags", key,
				`{"candidate_id":"`+c.ID+`","tags":["shortlist","sourced","phone-screen","shortlist"]}`, http.StatusOK, hub.EventCandidateUpdated)
			if want := []string{"sourced", "shortlist", "phone-screen"}; !slices.Equal(got.Tags, want) {
				t.Fatalf("tags %v, want %v", got.Tags, want)
			}
			e.candCall("POST", act+"add_candidate_tags", key, `{"candidate_id":"`+c.ID+`","tags":["sourced"]}`, http.StatusOK)
		})

		otherAcct, _ := e.candOther()
		foreignJob := e.candJob(otherAcct)
		foreign, err := e.st.CreateCandidate(t.Context(), otherAcct, hub.Candidate{FullName: "Other Person"})
		if err != nil {
			t.Fatal(err)
		}
		unknown := hub.NewID(hub.PrefixCand)
		many := make([]string, 48)
		for i := range many {
			many[i] = fmt.Sprintf(`"t%d"`, i)
		}
		for _, tc := range []struct {
			name, action, body string
			status             int
			code               hub.Code
			field              string
		}{
			{"malformed JSON", "create_candidate", `{"full_name":"x"`, 400, hub.EMalformed, ""},
			{"no name", "create_candidate", `{"email":"a@b.co"}`, 422, hub.EInvalid, ""},
			{"wrong type", "create_candidate", `{"full_name":["Ann"]}`, 422, hub.EInvalid, "full_name"},
			{"invalid email", "create_candidate", `{"full_name":"Ann","email":"ann at example"}`, 422, hub.EInvalid, "email"},
			{"invalid URL", "create_candidate", `{"full_name":"Ann","linkedin_url":"not a url"}`, 422, hub.EInvalid, "linkedin_url"},
			{"not a LinkedIn address", "create_candidate", `{"full_name":"Ann","linkedin_url":"https://example.com/ann"}`, 422, hub.EInvalid, "linkedin_url"},
			{"unknown status", "create_candidate", `{"full_name":"Ann","status":"famous"}`, 422, hub.EInvalid, "status"},
			{"name too long", "create_candidate", `{"full_name":"` + strings.Repeat("a", 400) + `"}`, 422, hub.EInvalid, "full_name"},
			{"another account's job", "create_candidate", `{"full_name":"Ann","job_id":"` + foreignJob + `"}`, 422, hub.EInvalid, "job_id"},
			{"status missing", "update_candidate_status", `{"candidate_id":"` + c.ID + `"}`, 422, hub.EInvalid, "status"},
			{"status unknown", "update_candidate_status", `{"candidate_id":"` + c.ID + `","status":"famous"}`, 422, hub.EInvalid, "status"},
			{"status wrong type", "update_candidate_status", `{"candidate_id":"` + c.ID + `","status":true}`, 422, hub.EInvalid, "status"},
			{"status malformed id", "update_candidate_status", `{"candidate_id":"cand_x","status":"hired"}`, 422, hub.EInvalid, "candidate_id"},
			{"status unknown candidate", "update_candidate_status", `{"candidate_id":"` + unknown + `","status":"hired"}`, 404, hub.ENotFound, ""},
			{"status another account's candidate", "update_candidate_status", `{"candidate_id":"` + foreign.ID + `","status":"hired"}`, 404, hub.ENotFound, ""},
			{"tags missing", "add_candidate_tags", `{"candidate_id":"` + c.ID + `"}`, 422, hub.EInvalid, "tags"},
			{"tags empty", "add_candidate_tags", `{"candidate_id":"` + c.ID + `","tags":[]}`, 422, hub.EInvalid, "tags"},
			{"tags not strings", "add_candidate_tags", `{"candidate_id":"` + c.ID + `","tags":[1]}`, 422, hub.EInvalid, "tags.0"},
			{"tag too long", "add_candidate_tags", `{"candidate_id":"` + c.ID + `","tags":["` + strings.Repeat("t", 51) + `"]}`, 422, hub.EInvalid, "tags.0"},
			{"over 50 tags in all", "add_candidate_tags", `{"candidate_id":"` + c.ID + `","tags":[` + strings.Join(many, ",") + `]}`, 422, hub.EInvalid, "tags"},
			{"tags unknown candidate", "add_candidate_tags", `{"candidate_id":"` + unknown + `","tags":["a"]}`, 404, hub.ENotFound, ""},
			{"tags another account's candidate", "add_candidate_tags", `{"candidate_id":"` + foreign.ID + `","tags":["a"]}`, 404, hub.ENotFound, ""},
		} {
			t.Run(tc.action+": "+tc.name, func(t *testing.T) {
				e.candFail(func() resp { return e.do("POST", act+tc.action, key, tc.body) }, tc.status, tc.code, tc.field)
			})
		}
		t.Run("failed requests changed nothing", func(t *testing.T) {
			got, err := e.st.GetCandidate(t.Context(), e.acct.ID, c.ID)
			if err != nil || got.Status != hub.CandContacted || len(got.Tags) != 3 {
				t.Fatalf("candidate %+v, %v", got, err)
			}
			other, err := e.st.GetCandidate(t.Context(), otherAcct, foreign.ID)
			if err != nil || other.Status != hub.CandNew || len(other.Tags) != 0 {
				t.Fatalf("foreign candidate %+v, %v", other, err)
			}
		})
	})
}
