package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/webhook"
	"github.com/visage-jobs/visage-hub/schemas"
)

// hookBody is a REST hook as a platform reads it.
type hookBody struct {
	ID        string            `json:"id"`
	TargetURL string            `json:"target_url"`
	Event     string            `json:"event"`
	Filters   map[string]string `json:"filters"`
	Secret    string            `json:"secret"`
	CreatedAt string            `json:"created_at"`
}

// hkSubscribe creates a REST hook with cred and checks the response
// against the hook schema.
func (e *env) hkSubscribe(cred, body string) hookBody {
	e.t.Helper()
	r := e.do("POST", "/v1/hooks", cred, body).status(http.StatusCreated)
	if err := schemas.Validate("hook", r.body); err != nil {
		e.t.Fatalf("hook response %s: %v %v", r.body, err, hub.ErrorFields(err))
	}
	var h hookBody
	r.decode(&h)
	if r.h.Get("Location") != "/v1/hooks/"+h.ID {
		e.t.Fatalf("Location %q", r.h.Get("Location"))
	}
	return h
}

// jsonEqual compares two JSON documents as values.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func TestHookLifecycle(t *testing.T) {
	eachHookEnv(t, "127.0.0.0/8", func(t *testing.T, e *env, d *dispatch.Dispatcher) {
		runDispatcher(t, d)
		key, keyID := e.key("zapier")
		rc := newHookReceiver(t)
		h := e.hkSubscribe(key, `{"target_url":"`+rc.url()+`","event":"candidate.created"}`)

		t.Run("active at once, with a secret and no challenge", func(t *testing.T) {
			if !hub.ValidID(hub.PrefixHook, h.ID) || h.Event != "candidate.created" || h.TargetURL != rc.url() ||
				len(h.Filters) != 0 || !strings.HasPrefix(h.Secret, "whsec_") || h.CreatedAt == "" {
				t.Fatalf("hook %+v", h)
			}
			if n := len(rc.requests()); n != 0 {
				t.Fatalf("%d requests sent on subscribe", n)
			}
		})
		t.Run("listed and read without the secret", func(t *testing.T) {
			one := e.do("GET", "/v1/hooks/"+h.ID, key, "").status(http.StatusOK)
			list := e.do("GET", "/v1/hooks", key, "").status(http.StatusOK)
			for _, b := range [][]byte{one.body, list.body} {
				if bytes.Contains(b, []byte(h.Secret)) || bytes.Contains(b, []byte(`"secret"`)) {
					t.Fatalf("secret leaked: %s", b)
				}
			}
			var l struct {
				Data       []hookBody `json:"data"`
				NextCursor *string    `json:"next_cursor"`
			}
			list.decode(&l)
			if len(l.Data) != 1 || l.Data[0].ID != h.ID || l.NextCursor != nil {
				t.Fatalf("list %s", list.body)
			}
			if err := schemas.Validate("hook", one.body); err != nil {
				t.Fatalf("%s: %v", one.body, err)
			}
			var w struct{ Data []any }
			e.do("GET", "/v1/webhooks", key, "").status(http.StatusOK).decode(&w)
			if len(w.Data) != 0 {
				t.Fatalf("a hook is listed as a webhook: %v", w.Data)
			}
		})
		t.Run("an event is delivered signed, with the polling item", func(t *testing.T) {
			var cand struct{ ID string }
			e.do("POST", "/v1/candidates", key, `{"full_name":"Amara Okafor","email":"amara@example.com"}`).status(http.StatusCreated).decode(&cand)
			waitFor(t, func() bool { return len(rc.requests()) == 1 })
			req, body := rc.last(t)
			if err := webhook.Verify(h.Secret, req.Header, req.Body); err != nil {
				t.Fatalf("signature: %v", err)
			}
			if err := schemas.Validate("hook_delivery", req.Body); err != nil {
				t.Fatalf("body %s: %v %v", req.Body, err, hub.ErrorFields(err))
			}
			var got struct {
				ID   string          `json:"id"`
				Type string          `json:"type"`
				Item json.RawMessage `json:"item"`
				Data struct{ ID string }
			}
			if err := json.Unmarshal(req.Body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Type != "candidate.created" || got.Data.ID != cand.ID || req.Header.Get("webhook-id") != got.ID || body["item"] == nil {
				t.Fatalf("delivery %s", req.Body)
			}
			e.trgPollN(key, "new_candidate", "", 1)
			var polled []json.RawMessage
			e.do("GET", "/v1/triggers/new_candidate", key, "").status(http.StatusOK).decode(&polled)
			if len(polled) != 1 || !jsonEqual(t, polled[0], got.Item) {
				t.Fatalf("polled %s, delivered item %s", polled, got.Item)
			}
			var sample struct{ Item json.RawMessage }
			e.do("GET", "/v1/samples/candidate.created", key, "").status(http.StatusOK).decode(&sample)
			if !jsonEqual(t, sample.Item, got.Item) {
				t.Fatalf("sample item %s, delivered %s", sample.Item, got.Item)
			}
		})
		t.Run("webhooks keep their body without item", func(t *testing.T) {
			rw := newHookReceiver(t)
			wh := e.createHook(`{"url":"` + rw.url() + `","events":["job.created"]}`)
			h2 := e.hkSubscribe(key, `{"target_url":"`+rc.url()+`","event":"job.created"}`)
			before := len(rc.requests())
			e.do("POST", "/v1/jobs", key, `{"title":"Staff Engineer"}`).status(http.StatusCreated)
			waitFor(t, func() bool { return len(rw.requests()) == 2 && len(rc.requests()) == before+1 })
			wreq, wbody := rw.last(t)
			_, hbody := rc.last(t)
			if _, has := wbody["item"]; has || wbody["type"] != "job.created" {
				t.Fatalf("webhook body %s", wreq.Body)
			}
			if err := schemas.Validate("event_job_created", wreq.Body); err != nil {
				t.Fatalf("webhook body %s: %v", wreq.Body, err)
			}
			if hbody["item"] == nil || hbody["id"] != wbody["id"] {
				t.Fatalf("hook body %v, webhook body %v", hbody, wbody)
			}
			e.do("DELETE", "/v1/webhooks/"+wh.ID, e.token(hub.RoleAdmin), "").status(http.StatusNoContent)
			e.do("DELETE", "/v1/hooks/"+h2.ID, key, "").status(http.StatusNoContent)
		})
		t.Run("410 from the target deletes the hook", func(t *testing.T) {
			rc.setStatus(http.StatusGone)
			e.do("POST", "/v1/candidates", key, `{"full_name":"Jonas Weber"}`).status(http.StatusCreated)
			waitFor(t, func() bool { return e.do("GET", "/v1/hooks/"+h.ID, key, "").code == http.StatusNotFound })
			_, body := rc.last(t)
			if body["type"] != "candidate.created" {
				t.Fatalf("last delivery %v", body)
			}
			e.do("GET", "/v1/hooks/"+h.ID, key, "").problem(http.StatusNotFound, hub.ENotFound, "")
		})
		t.Run("unsubscribe is repeat-safe", func(t *testing.T) {
			rc.setStatus(http.StatusOK)
			h2 := e.hkSubscribe(key, `{"target_url":"`+rc.url()+`","event":"job.created"}`)
			e.do("DELETE", "/v1/hooks/"+h2.ID, key, "").status(http.StatusNoContent)
			e.do("DELETE", "/v1/hooks/"+h2.ID, key, "").status(http.StatusNoContent)
			e.do("DELETE", "/v1/hooks/"+h.ID, key, "").status(http.StatusNoContent) // removed by the 410
			e.do("GET", "/v1/hooks/"+h2.ID, key, "").problem(http.StatusNotFound, hub.ENotFound, "")
			e.do("DELETE", "/v1/hooks/not-a-hook", key, "").problem(http.StatusNotFound, hub.ENotFound, "")
		})
		t.Run("another account's hook is not found", func(t *testing.T) {
			mine := e.hkSubscribe(key, `{"target_url":"`+rc.url()+`","event":"job.closed"}`)
			_, other := e.candOther()
			e.do("GET", "/v1/hooks/"+mine.ID, other, "").problem(http.StatusNotFound, hub.ENotFound, "")
			e.do("DELETE", "/v1/hooks/"+mine.ID, other, "").status(http.StatusNoContent)
			e.do("GET", "/v1/hooks/"+mine.ID, key, "").status(http.StatusOK)
			var l struct{ Data []hookBody }
			e.do("GET", "/v1/hooks", other, "").status(http.StatusOK).decode(&l)
			if len(l.Data) != 0 {
				t.Fatalf("other account lists %+v", l.Data)
			}
		})
		t.Run("members read but cannot change hooks", func(t *testing.T) {
			member := e.token(hub.RoleMember)
			e.do("GET", "/v1/hooks", member, "").status(http.StatusOK)
			e.do("POST", "/v1/hooks", member, `{"target_url":"`+rc.url()+`","event":"job.closed"}`).problem(http.StatusForbidden, hub.EForbidden, "")
			admin := e.hkSubscribe(e.token(hub.RoleAdmin), `{"target_url":"`+rc.url()+`","event":"job.closed"}`)
			e.do("DELETE", "/v1/hooks/"+admin.ID, member, "").problem(http.StatusForbidden, hub.EForbidden, "")
			e.do("DELETE", "/v1/hooks/"+admin.ID, e.token(hub.RoleAdmin), "").status(http.StatusNoContent)
		})
		t.Run("a revoked key is refused", func(t *testing.T) {
			e.do("DELETE", "/v1/api-keys/"+keyID, e.token(hub.RoleAdmin), "").status(http.StatusOK)
			for _, r := range []resp{
				e.do("GET", "/v1/hooks", key, ""),
				e.do("POST", "/v1/hooks", key, `{"target_url":"`+rc.url()+`","event":"job.closed"}`),
				e.do("DELETE", "/v1/hooks/"+h.ID, key, ""),
			} {
				r.problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			}
		})
	})
}

// TestHookJobFilter subscribes to one job's candidates: an event about
// another job is fanned out but makes no delivery.
func TestHookJobFilter(t *testing.T) {
	eachHookEnv(t, "127.0.0.0/8", func(t *testing.T, e *env, d *dispatch.Dispatcher) {
		runDispatcher(t, d)
		key, _ := e.key("make")
		rc := newHookReceiver(t)
		want, other := e.candJob(e.acct.ID), e.candJob(e.acct.ID)
		h := e.hkSubscribe(key, `{"target_url":"`+rc.url()+`","event":"candidate.created","filters":{"job_id":"`+want+`"}}`)
		if h.Filters["job_id"] != want {
			t.Fatalf("filters %+v", h.Filters)
		}
		e.do("POST", "/v1/candidates", key, `{"full_name":"Other Job","job_id":"`+other+`"}`).status(http.StatusCreated)
		e.do("POST", "/v1/candidates", key, `{"full_name":"Wanted Job","job_id":"`+want+`"}`).status(http.StatusCreated)
		waitFor(t, func() bool { return len(rc.requests()) >= 1 })
		db := e.st.DB()
		waitFor(t, func() bool {
			var n int
			_ = db.Get(&n, `SELECT COUNT(*) FROM events WHERE dispatched_at IS NULL`)
			return n == 0
		})
		var n int
		if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM deliveries WHERE endpoint_id = ?`), h.ID); err != nil || n != 1 {
			t.Fatalf("%d deliveries (%v), want 1", n, err)
		}
		_, body := rc.last(t)
		if item, _ := body["item"].(map[string]any); item["job_id"] != want || item["full_name"] != "Wanted Job" {
			t.Fatalf("item %v", body["item"])
		}
	})
}

func TestHookBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, keyID := e.key("n8n")
		otherAcct, _ := e.candOther()
		foreignJob := e.candJob(otherAcct)
		const target = "https://hooks.zapier.com/hooks/standard/1/abc/"
		cases := []struct {
			name, body string
			status     int
			code       hub.Code
			field      string
		}{
			{"malformed JSON", `{"target_url":`, 400, hub.EMalformed, ""},
			{"not an object", `["x"]`, 422, hub.EInvalid, "body"},
			{"missing target_url", `{"event":"candidate.created"}`, 422, hub.EInvalid, "target_url"},
			{"missing event", `{"target_url":"` + target + `"}`, 422, hub.EInvalid, "event"},
			{"unknown event", `{"target_url":"` + target + `","event":"candidate.deleted"}`, 422, hub.EInvalid, "event"},
			{"wrong type", `{"target_url":42,"event":"candidate.created"}`, 422, hub.EInvalid, "target_url"},
			{"unknown field", `{"target_url":"` + target + `","event":"job.created","url":"x"}`, 422, hub.EInvalid, "url"},
			{"plain http", `{"target_url":"http://hooks.example.com/x","event":"job.created"}`, 422, hub.EInvalid, "target_url"},
			{"private address", `{"target_url":"https://10.0.0.7/x","event":"job.created"}`, 422, hub.EInvalid, "target_url"},
			{"loopback", `{"target_url":"https://127.0.0.1:8080/x","event":"job.created"}`, 422, hub.EInvalid, "target_url"},
			{"bad job id", `{"target_url":"` + target + `","event":"job.created","filters":{"job_id":"42"}}`, 422, hub.EInvalid, "filters.job_id"},
			{"unknown job", `{"target_url":"` + target + `","event":"job.created","filters":{"job_id":"` + hub.NewID(hub.PrefixJob) + `"}}`, 422, hub.EInvalid, "filters.job_id"},
			{"another account's job", `{"target_url":"` + target + `","event":"job.created","filters":{"job_id":"` + foreignJob + `"}}`, 422, hub.EInvalid, "filters.job_id"},
			{"unknown filter", `{"target_url":"` + target + `","event":"job.created","filters":{"status":"open"}}`, 422, hub.EInvalid, "filters.status"},
			{"oversize", `{"target_url":"` + target + `","event":"job.created","x":"` + strings.Repeat("a", 1<<20) + `"}`, 413, hub.ETooLarge, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.do("POST", "/v1/hooks", key, c.body).problem(c.status, c.code, c.field)
			})
		}
		t.Run("nothing was created", func(t *testing.T) {
			var l struct{ Data []hookBody }
			e.do("GET", "/v1/hooks", key, "").status(http.StatusOK).decode(&l)
			if len(l.Data) != 0 {
				t.Fatalf("%+v", l.Data)
			}
		})
		t.Run("a valid hook with a job filter", func(t *testing.T) {
			job := e.candJob(e.acct.ID)
			h := e.hkSubscribe(key, `{"target_url":"`+target+`","event":"candidate.interested","filters":{"job_id":"`+job+`"}}`)
			var got hookBody
			e.do("GET", "/v1/hooks/"+h.ID, key, "").status(http.StatusOK).decode(&got)
			if got.Filters["job_id"] != job || got.Event != "candidate.interested" || got.TargetURL != target {
				t.Fatalf("%+v", got)
			}
		})
		t.Run("IDs that are not hooks are not found", func(t *testing.T) {
			w := hub.NewID(hub.PrefixWebhook)
			for _, id := range []string{"nope", w, hub.NewID(hub.PrefixHook)} {
				e.do("GET", "/v1/hooks/"+id, key, "").problem(http.StatusNotFound, hub.ENotFound, "")
			}
		})
		t.Run("no or revoked credentials", func(t *testing.T) {
			e.do("GET", "/v1/hooks", "", "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			e.do("DELETE", "/v1/api-keys/"+keyID, e.token(hub.RoleAdmin), "").status(http.StatusOK)
			e.do("POST", "/v1/hooks", key, `{"target_url":"`+target+`","event":"job.created"}`).problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
	})
}
