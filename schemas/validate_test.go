package schemas

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
)

// fe is a hub.FieldError written compactly in the tables.
type fe struct{ Field, Message string }

func fieldsOf(err error) []fe {
	var out []fe
	for _, f := range hub.ErrorFields(err) {
		out = append(out, fe{f.Field, f.Message})
	}
	return out
}

func TestValidateMalformed(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"missing value", `{"title": }`, "invalid JSON at byte 11 (line 1, column 11)"},
		{"bad key on a later line", "{\n  \"title\": \"Recruiter\",\n  x}", "invalid JSON at byte 29 (line 3, column 3)"},
		{"truncated", `{"title": "Recruiter"`, "invalid JSON at byte 21 (line 1, column 21): unexpected end of input"},
		{"trailing garbage", `{"title": "Recruiter"} x`, "invalid JSON at byte 24"},
		{"empty body", "  \n", "invalid JSON at byte 0: the body is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate("job_create", []byte(tc.doc))
			var he *hub.Error
			if !errors.As(err, &he) || he.Code != hub.EMalformed {
				t.Fatalf("err = %v, want a hub.EMalformed error", err)
			}
			if !strings.HasPrefix(he.Message, tc.want) {
				t.Errorf("message = %q, want prefix %q", he.Message, tc.want)
			}
			if he.Err == nil {
				t.Errorf("the JSON error should be kept for the logs")
			}
		})
	}
}

func TestValidateFieldErrors(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	many := func(n int) string { return `["` + strings.Repeat(`x", "`, n-1) + `x"]` }
	tests := []struct {
		name   string
		schema string
		doc    string
		want   []fe // nil: valid
	}{
		{"minimal job", "job_create", `{"title": "Recruiter"}`, nil},
		{"wrong type", "job_create", `{"title": 5}`, []fe{{"title", "must be a string"}}},
		{"wrong type of a nullable field", "job_create", `{"title": "Recruiter", "location": 5}`, []fe{{"location", "must be a string or null"}}},
		{"null where not nullable", "job_update", `{"title": null}`, []fe{{"title", "must be a string"}}},
		{"null clears a nullable field", "job_update", `{"location": null, "hiring_manager": null}`, nil},
		{"missing required", "job_create", `{"department": "Sales"}`, []fe{{"title", "is required"}}},
		{"unknown field", "job_create", `{"title": "Recruiter", "salary": 90000}`, []fe{{"salary", "unknown field"}}},
		{"external_id is not part of the upsert body", "job_upsert", `{"title": "Recruiter", "external_id": "REQ-1"}`, []fe{{"external_id", "unknown field"}}},
		{"enum", "job_create", `{"title": "Recruiter", "status": "archived"}`, []fe{{"status", "must be one of: open, paused, closed"}}},
		{"nullable enum lists its values", "job_create", `{"title": "Recruiter", "workplace_type": "office"}`, []fe{{"workplace_type", "must be one of: onsite, hybrid, remote"}}},
		{"string over limit", "job_create", `{"title": "` + long(201) + `"}`, []fe{{"title", "must be at most 200 characters long"}}},
		{"limit counts characters not bytes", "job_create", `{"title": "` + strings.Repeat("é", 200) + `"}`, nil},
		{"empty string", "job_create", `{"title": ""}`, []fe{{"title", "must not be empty"}}},
		{"invalid email", "candidate_create", `{"full_name": "Amara Okafor", "email": "amara@"}`, []fe{{"email", "must be a valid e-mail address"}}},
		{"email with display name", "candidate_create", `{"full_name": "Amara Okafor", "email": "Amara <amara@example.com>"}`, []fe{{"email", "must be a valid e-mail address"}}},
		{"URL without scheme", "candidate_create", `{"full_name": "Amara Okafor", "linkedin_url": "linkedin.com/in/amara"}`, []fe{{"linkedin_url", "must be a valid URL starting with http:// or https://"}}},
		{"URL with another scheme", "candidate_create", `{"full_name": "Amara Okafor", "linkedin_url": "javascript:alert(1)"}`, []fe{{"linkedin_url", "must be a valid URL starting with http:// or https://"}}},
		{"bad job id", "candidate_create", `{"full_name": "Amara Okafor", "job_id": "42"}`, []fe{{"job_id", `must look like "job_01jndmj1srae67z5nhcjzhq5xv"`}}},
		{"nested email", "job_create", `{"title": "Recruiter", "hiring_manager": {"name": "Lena Fischer", "email": "lena"}}`, []fe{{"hiring_manager.email", "must be a valid e-mail address"}}},
		{"nested required", "job_create", `{"title": "Recruiter", "hiring_manager": {"email": "lena@example.com"}}`, []fe{{"hiring_manager.name", "is required"}}},
		{"nested unknown field", "job_create", `{"title": "Recruiter", "hiring_manager": {"name": "Lena", "phone": "+49"}}`, []fe{{"hiring_manager.phone", "unknown field"}}},
		{"date in an array item", "candidate_create", `{"full_name": "Amara Okafor", "experience": [{"title": "Engineer", "start_date": "2021-04"}, {"title": "Intern", "start_date": "March 2018"}]}`, []fe{{"experience.1.start_date", `must look like "2021-04" or "2021-04-12"`}}},
		{"required in an array item", "candidate_update", `{"education": [{"degree": "BSc"}]}`, []fe{{"education.0.school", "is required"}}},
		{"empty PATCH", "job_update", `{}`, []fe{{"body", "must contain at least one field"}}},
		{"empty candidate PATCH", "candidate_update", `{}`, []fe{{"body", "must contain at least one field"}}},
		{"not an object", "job_create", `["Recruiter"]`, []fe{{"body", "must be an object"}}},
		{"array too long", "candidate_update", `{"skills": ` + many(101) + `}`, []fe{{"skills", "must have at most 100 items"}}},
		{"array item too long", "candidate_update", `{"tags": ["ok", "` + long(51) + `"]}`, []fe{{"tags.1", "must be at most 50 characters long"}}},
		{"number over limit", "candidate", replace(t, "candidate", `"size":184320`, `"size":20971520`), []fe{{"resume.size", "must be at most 10485760"}}},
		{"timestamp without milliseconds", "job", replace(t, "job", `"2025-03-04T22:14:27.512Z"`, `"2025-03-04T22:14:27Z"`), []fe{{"updated_at", "must be a UTC date and time like 2025-03-03T09:14:27.512Z"}}},
		{"name as first and last", "candidate_create", `{"first_name": "Amara", "last_name": "Okafor"}`, nil},
		{"name as full name only", "candidate_create", `{"full_name": "Cher"}`, nil},
		{"no name", "candidate_create", `{"email": "amara@example.com"}`, []fe{
			{"first_name", "is required unless full_name is given"},
			{"last_name", "is required unless full_name is given"},
		}},
		{"half a name", "candidate_create", `{"last_name": "Okafor"}`, []fe{{"first_name", "is required unless full_name is given"}}},
		{"null names are no name", "candidate_create", `{"first_name": null, "last_name": null}`, []fe{
			{"first_name", "is required unless full_name is given"},
			{"last_name", "is required unless full_name is given"},
		}},
		{"wrong name type is a type error", "candidate_create", `{"first_name": 5, "last_name": "Okafor"}`, []fe{{"first_name", "must be a string"}}},
		{"status can be set on a candidate", "candidate_update", `{"status": "hired"}`, nil},
		{"previous_status only on status_changed", "event", replace(t, "event", `"type":"candidate.interested",`, `"type":"candidate.interested","previous_status":"new",`), []fe{{"previous_status", "is not allowed here"}}},
		{"type pinned per event schema", "event_candidate_status_changed", replace(t, "event_candidate_status_changed", `"type":"candidate.status_changed"`, `"type":"candidate.updated"`), []fe{{"type", `must be "candidate.status_changed"`}}},
		{"status_changed needs previous_status", "event_candidate_status_changed", replace(t, "event_candidate_status_changed", `"previous_status":"new"`, `"test":true`), []fe{{"previous_status", "is required"}}},
		{"api key label type", "api_key_create", `{"label": 5}`, []fe{{"label", "must be a string or null"}}},
		{"api key create takes nothing else", "api_key_create", `{"name": "Zapier"}`, []fe{{"name", "unknown field"}}},
		{"several errors at once", "job_create", `{"title": 5, "status": "archived", "salary": 1, "hiring_manager": {"name": "", "email": "x"}}`, []fe{
			{"hiring_manager.email", "must be a valid e-mail address"},
			{"hiring_manager.name", "must not be empty"},
			{"salary", "unknown field"},
			{"status", "must be one of: open, paused, closed"},
			{"title", "must be a string"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.schema, []byte(tc.doc))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("want valid, got %v %v", err, hub.ErrorFields(err))
				}
				return
			}
			if code := hub.ErrorCode(err); code != hub.EInvalid {
				t.Fatalf("code = %q (%v), want %q", code, err, hub.EInvalid)
			}
			if got := fieldsOf(err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields =\n  %v\nwant\n  %v", got, tc.want)
			}
		})
	}
}

// replace edits a schema's example, so a case starts from a complete,
// realistic document and changes exactly one thing.
func replace(t *testing.T, schema, old, new string) string {
	t.Helper()
	ex, ok := Example(schema)
	if !ok || !strings.Contains(string(ex), old) {
		t.Fatalf("example of %s has no %s", schema, old)
	}
	return strings.Replace(string(ex), old, new, 1)
}

// TestEventDataFollowsType checks that the envelope's data is read as a job
// or a candidate according to type, not as whichever fits.
func TestEventDataFollowsType(t *testing.T) {
	tests := []struct {
		name, eventType string
		wantField       fe
	}{
		{"candidate data under a job type", "job.updated", fe{"data.title", "is required"}},
		{"candidate data under a candidate type", "candidate.updated", fe{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := replace(t, "event", `"type":"candidate.interested"`, `"type":"`+tc.eventType+`"`)
			got := fieldsOf(Validate("event", []byte(doc)))
			if tc.wantField == (fe{}) {
				if got != nil {
					t.Fatalf("want valid, got %v", got)
				}
				return
			}
			found := false
			for _, f := range got {
				found = found || f == tc.wantField
			}
			if !found {
				t.Fatalf("fields %v do not include %v", got, tc.wantField)
			}
		})
	}
}

func TestValidateSingleErrorMessage(t *testing.T) {
	err := Validate("job_create", []byte(`{}`))
	if got := hub.ErrorMessage(err); got != "title: is required" {
		t.Fatalf("message = %q, want the one field error summed up", got)
	}
}

func TestValidateUnknownSchemaIsABug(t *testing.T) {
	err := Validate("salary_band", []byte(`{}`))
	if err == nil || hub.ErrorCode(err) != hub.EInternal {
		t.Fatalf("err = %v (code %q), want an internal error", err, hub.ErrorCode(err))
	}
}

func TestValidateValue(t *testing.T) {
	type manager struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	tests := []struct {
		name     string
		value    any
		wantCode hub.Code
	}{
		{"struct that fits", struct {
			Title   string   `json:"title"`
			Manager *manager `json:"hiring_manager"`
		}{"Recruiter", &manager{"Lena Fischer", "lena.fischer@example.com"}}, ""},
		{"map with a stray field", map[string]any{"title": "Recruiter", "salary": 1}, hub.EInvalid},
		{"value that cannot be marshalled", map[string]any{"title": make(chan int)}, hub.EInternal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateValue("job_create", tc.value)
			if got := hub.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("code = %q (%v), want %q", got, err, tc.wantCode)
			}
		})
	}
}

func TestValidateIsSafeConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc := []byte(`{"title": 5, "hiring_manager": {"name": "Lena", "email": "x"}}`)
			if got := hub.ErrorFields(Validate("job_create", doc)); len(got) != 2 {
				errs <- errors.New("wrong field count")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
