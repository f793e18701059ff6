package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/meta"
	"github.com/visage-jobs/visage-hub/schemas"
)

// sameAs fails unless body is v encoded (compared as decoded JSON).
func sameAs(t *testing.T, body []byte, v any) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(body, &g); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body differs from the package's view:\n got %.400s\nwant %.400s", body, want)
	}
}

func TestMetaViews(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		views := []struct {
			path, schema string
			view         func() (any, error)
		}{
			{"/v1/meta", "meta_catalog", func() (any, error) { return meta.Get() }},
			{"/v1/meta/zapier", "meta_zapier", func() (any, error) { return meta.Zapier() }},
			{"/v1/meta/make", "meta_make", func() (any, error) { return meta.Make() }},
			{"/v1/meta/n8n", "meta_n8n", func() (any, error) { return meta.N8n() }},
		}
		for _, v := range views {
			t.Run(v.path, func(t *testing.T) {
				r := e.do("GET", v.path, "", "").status(http.StatusOK)
				if ct := r.h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("content type %q", ct)
				}
				if err := schemas.Validate(v.schema, r.body); err != nil {
					t.Errorf("body does not match %s: %v %v", v.schema, err, hub.ErrorFields(err))
				}
				want, err := v.view()
				if err != nil {
					t.Fatal(err)
				}
				sameAs(t, r.body, want)
				tag := r.h.Get("ETag")
				if tag == "" {
					t.Fatal("no ETag")
				}
				e.do("GET", v.path, "", "", "If-None-Match", tag).status(http.StatusNotModified)
				if again := e.do("GET", v.path, "", "").status(http.StatusOK); !bytes.Equal(again.body, r.body) {
					t.Error("a second request got another body")
				}
			})
		}
		t.Run("catalog content", func(t *testing.T) {
			var c meta.Catalog
			e.do("GET", "/v1/meta", "", "").status(http.StatusOK).decode(&c)
			if len(c.Triggers) == 0 || len(c.Actions) == 0 || len(c.Searches) == 0 || len(c.EventTypes) != len(hub.EventTypes) {
				t.Fatalf("catalog %d triggers, %d actions, %d searches, %d event types", len(c.Triggers), len(c.Actions), len(c.Searches), len(c.EventTypes))
			}
			find, ok := c.Find(meta.KindSearch, "find_job")
			if !ok || find.CreateFallback != "create_job" || find.InputSchema != "search_find_job" || find.Path != "/v1/searches/find_job" {
				t.Errorf("find_job entry %+v", find)
			}
			trig, ok := c.Find(meta.KindTrigger, "new_candidate")
			if !ok || trig.Event != hub.EventCandidateCreated || trig.ItemSchema != "trigger_candidate" || len(trig.Sample) == 0 {
				t.Errorf("new_candidate entry %+v", trig)
			}
		})
	})
}

func TestMetaSchemas(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, name := range []string{"job", "trigger_candidate", "search_find_job", "action_update_job"} {
			t.Run(name, func(t *testing.T) {
				r := e.do("GET", "/v1/meta/schemas/"+name, "", "").status(http.StatusOK)
				want, err := schemas.Resolved(name)
				if err != nil {
					t.Fatal(err)
				}
				sameAs(t, r.body, want)
				if bytes.Contains(r.body, []byte(`"$ref"`)) {
					t.Error("a $ref is left")
				}
				if err := schemas.Validate("meta_schema", r.body); err != nil {
					t.Errorf("does not match meta_schema: %v", err)
				}
			})
		}
		for _, name := range []string{"no_such_schema", "job.json", "..%2Fjob", "JOB"} {
			t.Run("unknown "+name, func(t *testing.T) {
				e.do("GET", "/v1/meta/schemas/"+name, "", "").problem(http.StatusNotFound, hub.ENotFound, "")
			})
		}
	})
}

// options fetches a dropdown list and checks its shape: a bare array of
// meta_option objects.
func (e *env) options(path, cred string) []meta.Option {
	e.t.Helper()
	r := e.do("GET", path, cred, "").status(http.StatusOK)
	if !bytes.HasPrefix(bytes.TrimSpace(r.body), []byte("[")) {
		e.t.Fatalf("not a bare array: %s", r.body)
	}
	var raw []json.RawMessage
	r.decode(&raw)
	for _, item := range raw {
		if err := schemas.Validate("meta_option", item); err != nil {
			e.t.Errorf("%s does not match meta_option: %v", item, err)
		}
	}
	var out []meta.Option
	r.decode(&out)
	return out
}

func TestMetaOptions(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		key, keyID := e.key("Zapier")
		mkJob := func(body string) string {
			t.Helper()
			var j struct{ ID string }
			e.do("POST", "/v1/jobs", key, body).status(http.StatusCreated).decode(&j)
			return j.ID
		}
		berlin := mkJob(`{"title":"Senior Recruiter","location":"Berlin, Germany"}`)
		mkJob(`{"title":"Closed Recruiter","status":"closed"}`)
		mkJob(`{"title":"Paused Recruiter","status":"paused"}`)
		percent := mkJob(`{"title":"100% Remote Engineer"}`)
		under := mkJob(`{"title":"Data_Engineer"}`)
		closedLater := mkJob(`{"title":"Recruiter to close"}`)
		e.do("PATCH", "/v1/jobs/"+closedLater, key, `{"status":"closed"}`).status(http.StatusOK)
		other, err := e.st.CreateAccount(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.CreateJob(ctx, other.ID, hub.Job{Title: "Globex Recruiter"}); err != nil {
			t.Fatal(err)
		}
		opt := func(label, id string) meta.Option { return meta.Option{Label: label, Value: id} }
		all := []meta.Option{opt("Data_Engineer", under), opt("100% Remote Engineer", percent), opt("Senior Recruiter (Berlin, Germany)", berlin)}

		tests := []struct {
			name, query string
			want        []meta.Option
		}{
			{"open jobs, newest first, not another account's, not closed or paused", "", all},
			{"title substring ignoring case", "rECRUIT", []meta.Option{opt("Senior Recruiter (Berlin, Germany)", berlin)}},
			{"percent matched literally", "%", []meta.Option{opt("100% Remote Engineer", percent)}},
			{"underscore matched literally", "_", []meta.Option{opt("Data_Engineer", under)}},
			{"location is not searched", "Berlin", []meta.Option{}},
			{"nothing matches", "Designer", []meta.Option{}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got := e.options("/v1/meta/options/jobs?q="+url.QueryEscape(tc.query), key)
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
		t.Run("admin token sees the same", func(t *testing.T) {
			if got := e.options("/v1/meta/options/jobs", e.token(hub.RoleAdmin)); !reflect.DeepEqual(got, all) {
				t.Errorf("got %v, want %v", got, all)
			}
		})
		t.Run("another account's key sees its own", func(t *testing.T) {
			plain := e.do("POST", "/v1/api-keys", e.tokenFor(other.ID, hub.RoleAdmin), `{"label":"Globex"}`).status(http.StatusCreated)
			var k struct{ Key string }
			plain.decode(&k)
			got := e.options("/v1/meta/options/jobs", k.Key)
			if len(got) != 1 || got[0].Label != "Globex Recruiter" {
				t.Errorf("got %v, want Globex's one job", got)
			}
		})
		t.Run("capped", func(t *testing.T) {
			for i := 0; i < 101; i++ {
				if _, err := e.st.CreateJob(ctx, other.ID, hub.Job{Title: fmt.Sprintf("Opening %03d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			got := e.options("/v1/meta/options/jobs", e.tokenFor(other.ID, hub.RoleAdmin))
			if len(got) != 100 || got[0].Label != "Opening 100" {
				t.Errorf("%d options, first %v; want the 100 newest", len(got), got[:1])
			}
		})
		t.Run("candidate statuses", func(t *testing.T) {
			got := e.options("/v1/meta/options/candidate_statuses", key)
			var values []string
			for _, o := range got {
				values = append(values, o.Value)
			}
			if !reflect.DeepEqual(values, hub.CandidateStatuses) || got[3].Label != "Not interested" {
				t.Errorf("got %v, want every status of %v with labels", got, hub.CandidateStatuses)
			}
			if got := e.options("/v1/meta/options/candidate_statuses?q=INTEREST", key); len(got) != 2 {
				t.Errorf("q=INTEREST: %v, want interested and not interested", got)
			}
		})
		t.Run("event types", func(t *testing.T) {
			got := e.options("/v1/meta/options/event_types", key)
			var values []string
			for _, o := range got {
				values = append(values, o.Value)
			}
			if !reflect.DeepEqual(values, hub.EventTypes) || got[0].Label != "New Candidate (candidate.created)" {
				t.Errorf("got %v, want %v", got, hub.EventTypes)
			}
		})
		t.Run("refusals", func(t *testing.T) {
			e.do("GET", "/v1/meta/options/jobs", "", "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			e.do("GET", "/v1/meta/options/jobs", "vsk_notarealkey00000000000000000000000", "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			e.do("GET", "/v1/meta/options/tags", key, "").problem(http.StatusNotFound, hub.ENotFound, "")
			e.do("GET", "/v1/meta/options/jobs?q="+strings.Repeat("a", 201), key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "q")
			e.do("GET", "/v1/meta/options/jobs?q=%FF", key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "q")
			e.do("GET", "/v1/meta/options/jobs?q=a%00b", key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, "q")
			e.do("DELETE", "/v1/api-keys/"+keyID, e.token(hub.RoleAdmin), "").status(http.StatusOK)
			e.do("GET", "/v1/meta/options/jobs", key, "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
	})
}
