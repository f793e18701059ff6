package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/schemas"
)

// TestActionsEdge covers what every action and search shares: the key
// look-up, credentials, the JSON body checks and Idempotency-Key.
func TestActionsEdge(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, keyID := e.key("zapier")
		t.Run("unknown keys are 404 problems naming the known ones", func(t *testing.T) {
			p := e.candFail(func() resp { return e.do("POST", "/v1/actions/delete_everything", key, `{}`) }, 404, hub.ENotFound, "")
			if !strings.Contains(p.Detail, `"delete_everything"`) || !strings.Contains(p.Detail, "create_job") {
				t.Fatalf("detail %q", p.Detail)
			}
			p = e.do("GET", "/v1/searches/find_everything?email=a@b.co", key, "").problem(404, hub.ENotFound, "")
			if !strings.Contains(p.Detail, "find_candidate") {
				t.Fatalf("detail %q", p.Detail)
			}
			// A search is not an action, nor the other way round.
			e.candFail(func() resp { return e.do("POST", "/v1/actions/find_job", key, `{"title":"x"}`) }, 404, hub.ENotFound, "")
			e.do("GET", "/v1/searches/create_job?title=x", key, "").problem(404, hub.ENotFound, "")
		})
		t.Run("credentials are required", func(t *testing.T) {
			e.candFail(func() resp { return e.do("POST", "/v1/actions/create_job", "", `{"title":"x"}`) }, 401, hub.EUnauthorized, "")
			e.do("GET", "/v1/searches/find_job?title=x", "vsk_not_a_real_key", "").problem(401, hub.EUnauthorized, "")
		})
		t.Run("the body must be JSON of a sane size", func(t *testing.T) {
			e.candFail(func() resp {
				return e.do("POST", "/v1/actions/create_job", key, `title=x`, "Content-Type", "application/x-www-form-urlencoded")
			}, 415, hub.EUnsupported, "")
			e.candFail(func() resp {
				return e.do("POST", "/v1/actions/create_job", key, `{"title":"`+strings.Repeat("x", 2<<20)+`"}`)
			}, 413, hub.ETooLarge, "")
		})
		t.Run("Idempotency-Key replays the first answer without a second change", func(t *testing.T) {
			before := len(e.jobOutbox())
			body := `{"title":"Designer","external_id":"idem-1"}`
			first := e.do("POST", "/v1/actions/create_job", key, body, "Idempotency-Key", "k-1").status(http.StatusOK)
			again := e.do("POST", "/v1/actions/create_job", key, `{"external_id":"idem-1", "title":"Designer"}`, "Idempotency-Key", "k-1")
			assertReplay(t, first, again)
			if n := len(e.jobOutbox()) - before; n != 1 {
				t.Fatalf("%d events for one create", n)
			}
			e.candFail(func() resp {
				return e.do("POST", "/v1/actions/create_job", key, `{"title":"Other"}`, "Idempotency-Key", "k-1")
			}, 422, hub.EIdempotency, "Idempotency-Key")
			// Without the key, the retry is a second create and conflicts.
			e.candFail(func() resp { return e.do("POST", "/v1/actions/create_job", key, body) }, 409, hub.EConflict, "external_id")
		})
		t.Run("a failed action is not replayed", func(t *testing.T) {
			missing := `{"job_id":"` + hub.NewID(hub.PrefixJob) + `"}`
			e.do("POST", "/v1/actions/close_job", key, missing, "Idempotency-Key", "k-2").problem(404, hub.ENotFound, "")
			r := e.do("POST", "/v1/actions/close_job", key, missing, "Idempotency-Key", "k-2")
			r.problem(404, hub.ENotFound, "")
			if r.h.Get("Idempotent-Replayed") != "" {
				t.Fatal("a failure was replayed; the retry must run afresh")
			}
		})
		t.Run("a revoked key is refused", func(t *testing.T) {
			e.do("DELETE", "/v1/api-keys/"+keyID, e.token(hub.RoleAdmin), "").status(http.StatusOK)
			e.candFail(func() resp { return e.do("POST", "/v1/actions/create_job", key, `{"title":"x"}`) }, 401, hub.EUnauthorized, "")
			e.do("GET", "/v1/searches/find_job?title=x", key, "").problem(401, hub.EUnauthorized, "")
		})
	})
}

// TestOpenAPIDescribesActions checks that every catalog entry has its own
// operation, documented with the entry's input and output schemas, so the
// reference is derived from the catalog.
func TestOpenAPIDescribesActions(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite))
	r := e.do("GET", "/openapi.json", "", "").status(http.StatusOK)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			RequestBody *struct {
				Content map[string]struct {
					Schema map[string]any `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
			Responses map[string]struct {
				Content map[string]struct {
					Schema map[string]any `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	ref := func(name string) string { return "#/components/schemas/" + name }
	for _, a := range actions.All() {
		t.Run(a.Key, func(t *testing.T) {
			if a.Kind == actions.Create {
				op, ok := doc.Paths["/v1/actions/"+a.Key]["post"]
				if !ok || op.RequestBody == nil {
					t.Fatalf("no POST /v1/actions/%s with a body", a.Key)
				}
				if got := op.RequestBody.Content["application/json"].Schema["$ref"]; got != ref(a.Input) {
					t.Fatalf("request schema %v, want %s", got, ref(a.Input))
				}
				if got := op.Responses["200"].Content["application/json"].Schema["$ref"]; got != ref(a.Output) {
					t.Fatalf("response schema %v, want %s", got, ref(a.Output))
				}
				return
			}
			op, ok := doc.Paths["/v1/searches/"+a.Key]["get"]
			if !ok {
				t.Fatalf("no GET /v1/searches/%s", a.Key)
			}
			s := op.Responses["200"].Content["application/json"].Schema
			if items, _ := s["items"].(map[string]any); s["type"] != "array" || items["$ref"] != ref(a.Output) {
				t.Fatalf("response schema %v, want an array of %s", s, a.Output)
			}
			var got []string
			for _, p := range op.Parameters {
				if p.In == "query" {
					got = append(got, p.Name)
				}
			}
			resolved, err := schemas.Resolved(a.Input)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for name := range resolved["properties"].(map[string]any) {
				want = append(want, name)
			}
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Fatalf("query parameters %v, want the schema's properties %v", got, want)
			}
		})
	}
}
