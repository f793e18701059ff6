package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
	"github.com/visage-jobs/visage-hub/schemas"
)

// search runs a search that must succeed and returns the IDs it found, in
// order, checking every item against the entry's output schema.
func (e *env) search(cred, key string, q url.Values, schema string) []string {
	e.t.Helper()
	r := e.do("GET", "/v1/searches/"+key+"?"+q.Encode(), cred, "").status(http.StatusOK)
	var items []map[string]any
	r.decode(&items)
	if items == nil {
		e.t.Fatalf("body %s is not a JSON array", r.body)
	}
	ids := []string{}
	for _, it := range items {
		if err := schemas.ValidateValue(schema, it); err != nil {
			e.t.Fatalf("item is not a valid %s: %v\n%v", schema, err, it)
		}
		ids = append(ids, it["id"].(string))
	}
	return ids
}

func TestFindCandidate(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("n8n")
		job := e.candJob(e.acct.ID)
		mk := func(acct string, c hub.Candidate) string {
			got, err := e.st.CreateCandidate(t.Context(), acct, c)
			if err != nil {
				t.Fatal(err)
			}
			return got.ID
		}
		older := mk(e.acct.ID, hub.Candidate{FullName: "Amara Okafor", Email: hubStr("amara@example.com")})
		newer := mk(e.acct.ID, hub.Candidate{FullName: "Amara O.", Email: hubStr("Amara@Example.com"), JobID: &job,
			LinkedInURL: hubStr("linkedin.com/in/amara-okafor")})
		mk(e.acct.ID, hub.Candidate{FullName: "Someone Else", Email: hubStr("else@example.com"), LinkedInURL: hubStr("linkedin.com/in/else")})
		otherAcct, _ := e.candOther()
		mk(otherAcct, hub.Candidate{FullName: "Amara Elsewhere", Email: hubStr("amara@example.com")})

		for _, tc := range []struct {
			name string
			q    url.Values
			want []string
		}{
			{"email, any case, newest first", url.Values{"email": {"AMARA@example.COM"}}, []string{newer, older}},
			{"LinkedIn address in another form", url.Values{"linkedin_url": {"https://uk.linkedin.com/in/Amara-Okafor/?trk=feed"}}, []string{newer}},
			{"both must match", url.Values{"email": {"amara@example.com"}, "linkedin_url": {"https://www.linkedin.com/in/else"}}, []string{}},
			{"within a job", url.Values{"email": {"amara@example.com"}, "job_id": {job}}, []string{newer}},
			{"empty parameters count as left out", url.Values{"email": {"amara@example.com"}, "linkedin_url": {""}}, []string{newer, older}},
			{"nobody", url.Values{"email": {"nobody@example.com"}}, []string{}},
			{"another account's job finds nothing", url.Values{"email": {"amara@example.com"}, "job_id": {e.candJob(otherAcct)}}, []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := e.search(key, "find_candidate", tc.q, "candidate"); !slices.Equal(got, tc.want) {
					t.Fatalf("found %v, want %v", got, tc.want)
				}
			})
		}
		t.Run("matches carry a signed resume link", func(t *testing.T) {
			pdf := resume.GeneratePDF("Amara", []string{"CV"})
			if _, err := e.st.PutResume(t.Context(), e.acct.ID, hub.Resume{CandidateID: newer, Filename: "cv.pdf",
				ContentType: "application/pdf", Data: pdf}); err != nil {
				t.Fatal(err)
			}
			var found []hub.Candidate
			e.do("GET", "/v1/searches/find_candidate?email=amara@example.com", key, "").status(http.StatusOK).decode(&found)
			if len(found) != 2 || found[0].Resume == nil || found[0].Resume.URL == "" {
				t.Fatalf("found %+v, want the newer candidate first with a resume link", found)
			}
			file := e.fetch(linkPath(t, found[0].Resume.URL), "").status(http.StatusOK)
			if !bytes.Equal(file.body, pdf) {
				t.Fatal("the link does not serve the resume")
			}
		})
		t.Run("no match is an empty array", func(t *testing.T) {
			r := e.do("GET", "/v1/searches/find_candidate?email=nobody@example.com", key, "").status(http.StatusOK)
			if string(r.body) != "[]" {
				t.Fatalf("body %q, want []", r.body)
			}
		})
		for _, tc := range []struct {
			name, query, field string
		}{
			{"no criteria", "", "email"},
			{"only a job", "job_id=" + job, "email"},
			{"invalid email", "email=not-an-email", "email"},
			{"email too long", "email=" + strings.Repeat("a", 250) + "@example.com", "email"},
			{"not a URL", "linkedin_url=amara", "linkedin_url"},
			{"not a LinkedIn profile", "linkedin_url=https://example.com/in/amara", "linkedin_url"},
			{"malformed job id", "email=a@example.com&job_id=job_x", "job_id"},
			{"unknown parameter", "email=a@example.com&phone=1", "phone"},
			{"parameter given twice", "email=a@example.com&email=b@example.com", "email"},
		} {
			t.Run("refuses "+tc.name, func(t *testing.T) {
				e.do("GET", "/v1/searches/find_candidate?"+tc.query, key, "").problem(422, hub.EInvalid, tc.field)
			})
		}
	})
}

func TestFindJob(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("zapier")
		mk := func(acct, title, ext, status string) string {
			j := hub.Job{Title: title, Status: status}
			if ext != "" {
				j.ExternalID = &ext
			}
			got, err := e.st.CreateJob(t.Context(), acct, j)
			if err != nil {
				t.Fatal(err)
			}
			return got.ID
		}
		a := mk(e.acct.ID, "Backend Engineer", "greenhouse-1", hub.JobOpen)
		b := mk(e.acct.ID, "backend ENGINEER", "", hub.JobClosed)
		mk(e.acct.ID, "Backend Engineer II", "greenhouse-2", hub.JobOpen)
		accented := mk(e.acct.ID, "Ingénieur Logiciel", "", hub.JobOpen)
		otherAcct, _ := e.candOther()
		mk(otherAcct, "Backend Engineer", "greenhouse-1", hub.JobOpen)

		for _, tc := range []struct {
			name string
			q    url.Values
			want []string
		}{
			{"external id", url.Values{"external_id": {"greenhouse-1"}}, []string{a}},
			{"whole title ignoring case, newest first", url.Values{"title": {"BACKEND engineer"}}, []string{b, a}},
			{"title and status", url.Values{"title": {"Backend Engineer"}, "status": {"closed"}}, []string{b}},
			{"external id and title", url.Values{"external_id": {"greenhouse-1"}, "title": {"Backend Engineer II"}}, []string{}},
			{"case folded beyond ASCII", url.Values{"title": {"INGÉNIEUR LOGICIEL"}}, []string{accented}},
			{"part of a title does not match", url.Values{"title": {"Backend"}}, []string{}},
			{"unknown external id", url.Values{"external_id": {"nope"}}, []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := e.search(key, "find_job", tc.q, "job"); !slices.Equal(got, tc.want) {
					t.Fatalf("found %v, want %v", got, tc.want)
				}
			})
		}
		t.Run("a renamed job is found by its new title only", func(t *testing.T) {
			e.do("POST", "/v1/actions/update_job", key, `{"job_id":"`+accented+`","title":"Développeuse Go"}`).status(http.StatusOK)
			if got := e.search(key, "find_job", url.Values{"title": {"DÉVELOPPEUSE go"}}, "job"); !slices.Equal(got, []string{accented}) {
				t.Fatalf("new title found %v", got)
			}
			if got := e.search(key, "find_job", url.Values{"title": {"Ingénieur Logiciel"}}, "job"); len(got) != 0 {
				t.Fatalf("old title found %v", got)
			}
		})
		t.Run("at most 100 results", func(t *testing.T) {
			for i := range 101 {
				mk(e.acct.ID, "Recruiter", fmt.Sprintf("bulk-%d", i), hub.JobOpen)
			}
			if got := e.search(key, "find_job", url.Values{"title": {"recruiter"}}, "job"); len(got) != 100 {
				t.Fatalf("%d results, want 100", len(got))
			}
		})
		for _, tc := range []struct {
			name, query, field string
		}{
			{"no criteria", "status=open", "external_id"},
			{"unknown status", "title=x&status=archived", "status"},
			{"title too long", "title=" + strings.Repeat("t", 201), "title"},
			{"external id too long", "external_id=" + strings.Repeat("e", 256), "external_id"},
			{"unknown parameter", "title=x&limit=5", "limit"},
		} {
			t.Run("refuses "+tc.name, func(t *testing.T) {
				e.do("GET", "/v1/searches/find_job?"+tc.query, key, "").problem(422, hub.EInvalid, tc.field)
			})
		}
	})
}
