package httpapi_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
)

// TestWebhookBadInput runs under the default SSRF policy, so every URL
// below is refused when saved and nothing is ever sent.
func TestWebhookBadInput(t *testing.T) {
	eachHookEnv(t, "", func(t *testing.T, e *env, _ *dispatch.Dispatcher) {
		admin := e.token(hub.RoleAdmin)
		weak := "whsec_" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 32)))
		short := "whsec_" + base64.StdEncoding.EncodeToString([]byte("0123456789"))
		cases := []struct {
			name, body string
			status     int
			code       hub.Code
			field      string
		}{
			{"malformed JSON", `{"url":`, 400, hub.EMalformed, ""},
			{"not an object", `["https://x.example"]`, 422, hub.EInvalid, ""},
			{"missing url", `{"events":[]}`, 422, hub.EInvalid, "url"},
			{"empty url", `{"url":"  "}`, 422, hub.EInvalid, "url"},
			{"url of the wrong type", `{"url":42}`, 422, hub.EInvalid, "url"},
			{"not a URL", `{"url":"::not a url"}`, 422, hub.EInvalid, "url"},
			{"ftp scheme", `{"url":"ftp://files.example/hook"}`, 422, hub.EInvalid, "url"},
			{"plain http", `{"url":"http://hooks.example/visage"}`, 422, hub.EInvalid, "url"},
			{"loopback", `{"url":"https://127.0.0.1/hook"}`, 422, hub.EInvalid, "url"},
			{"IPv6 loopback", `{"url":"https://[::1]/hook"}`, 422, hub.EInvalid, "url"},
			{"private", `{"url":"https://10.0.0.7/hook"}`, 422, hub.EInvalid, "url"},
			{"metadata", `{"url":"https://169.254.169.254/latest"}`, 422, hub.EInvalid, "url"},
			{"decimal loopback", `{"url":"https://2130706433/hook"}`, 422, hub.EInvalid, "url"},
			{"credentials in URL", `{"url":"https://user:pw@hooks.example/"}`, 422, hub.EInvalid, "url"},
			{"URL too long", `{"url":"https://hooks.example/` + strings.Repeat("a", 2100) + `"}`, 422, hub.EInvalid, "url"},
			{"unknown event type", `{"url":"https://hooks.example/","events":["candidate.created","candidate.hired"]}`, 422, hub.EInvalid, "events.1"},
			{"events not a list", `{"url":"https://hooks.example/","events":"job.created"}`, 422, hub.EInvalid, "events"},
			{"job that does not exist", `{"url":"https://hooks.example/","job_id":"job_01jndmj1srae67z5nhcjzhq5xv"}`, 422, hub.EInvalid, "job_id"},
			{"job ID of the wrong kind", `{"url":"https://hooks.example/","job_id":"cand_1"}`, 422, hub.EInvalid, "job_id"},
			{"description too long", `{"url":"https://hooks.example/","description":"` + strings.Repeat("é", 501) + `"}`, 422, hub.EInvalid, "description"},
			{"secret without prefix", `{"url":"https://hooks.example/","secret":"c2VjcmV0"}`, 422, hub.EInvalid, "secret"},
			{"secret not base64", `{"url":"https://hooks.example/","secret":"whsec_***"}`, 422, hub.EInvalid, "secret"},
			{"secret too short", `{"url":"https://hooks.example/","secret":"` + short + `"}`, 422, hub.EInvalid, "secret"},
			{"weak secret", `{"url":"https://hooks.example/","secret":"` + weak + `"}`, 422, hub.EInvalid, "secret"},
			{"unknown field", `{"url":"https://hooks.example/","target_url":"x"}`, 422, hub.EInvalid, "target_url"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := e.do("POST", "/v1/webhooks", admin, c.body).problem(c.status, c.code, c.field)
				if c.field == "secret" && !strings.Contains(p.Detail+p.Errors[0].Message, "secret") {
					t.Fatalf("secret message %+v", p)
				}
			})
		}
		t.Run("the refusal names the reason", func(t *testing.T) {
			p := e.do("POST", "/v1/webhooks", admin, `{"url":"https://10.0.0.7/hook"}`).problem(422, hub.EInvalid, "url")
			if !strings.Contains(p.Errors[0].Message, "private address") {
				t.Fatalf("message %q", p.Errors[0].Message)
			}
			p = e.do("POST", "/v1/webhooks", admin, `{"url":"http://hooks.example/"}`).problem(422, hub.EInvalid, "url")
			if !strings.Contains(p.Errors[0].Message, "https") {
				t.Fatalf("message %q", p.Errors[0].Message)
			}
		})
		t.Run("nothing was saved", func(t *testing.T) {
			var n int
			if err := e.st.DB().Get(&n, `SELECT COUNT(*) FROM webhook_endpoints`); err != nil || n != 0 {
				t.Fatalf("%d endpoints saved (%v)", n, err)
			}
		})
	})
}

// TestWebhookAccess checks who may do what, and that another account's
// webhooks and deliveries are invisible.
func TestWebhookAccess(t *testing.T) {
	eachHookEnv(t, "127.0.0.0/8", func(t *testing.T, e *env, _ *dispatch.Dispatcher) {
		rc := newHookReceiver(t)
		mine := e.createHook(`{"url":"` + rc.url() + `"}`)
		var dl struct{ ID string }
		e.do("POST", "/v1/webhooks/"+mine.ID+"/test", e.token(hub.RoleAdmin), "").status(http.StatusOK).decode(&dl)

		other, err := e.st.CreateAccount(t.Context(), "Globex")
		if err != nil {
			t.Fatal(err)
		}
		otherAdmin := e.tokenFor(other.ID, hub.RoleAdmin)
		member := e.token(hub.RoleMember)
		key, _ := e.key("zapier")

		writes := []struct{ method, path, body string }{
			{"POST", "/v1/webhooks", `{"url":"` + rc.url() + `"}`},
			{"PATCH", "/v1/webhooks/" + mine.ID, `{"description":"x"}`},
			{"DELETE", "/v1/webhooks/" + mine.ID, ""},
			{"POST", "/v1/webhooks/" + mine.ID + "/enable", ""},
			{"POST", "/v1/webhooks/" + mine.ID + "/disable", ""},
			{"POST", "/v1/webhooks/" + mine.ID + "/validate", ""},
			{"POST", "/v1/webhooks/" + mine.ID + "/rotate-secret", ""},
			{"POST", "/v1/webhooks/" + mine.ID + "/test", ""},
			{"POST", "/v1/webhooks/" + mine.ID + "/replay", `{"since":"2026-01-01T00:00:00Z"}`},
			{"POST", "/v1/deliveries/" + dl.ID + "/retry", ""},
			{"GET", "/v1/webhooks/" + mine.ID + "/secret", ""},
		}
		for _, w := range writes {
			t.Run("member JWT refused: "+w.method+" "+w.path, func(t *testing.T) {
				e.do(w.method, w.path, member, w.body).problem(http.StatusForbidden, hub.EForbidden, "")
			})
			t.Run("API key refused: "+w.method+" "+w.path, func(t *testing.T) {
				e.do(w.method, w.path, key, w.body).problem(http.StatusForbidden, hub.EForbidden, "")
			})
			t.Run("no credentials: "+w.method+" "+w.path, func(t *testing.T) {
				e.do(w.method, w.path, "", w.body).problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			})
			if w.path != "/v1/webhooks" {
				t.Run("other account gets 404: "+w.method+" "+w.path, func(t *testing.T) {
					e.do(w.method, w.path, otherAdmin, w.body).problem(http.StatusNotFound, hub.ENotFound, "")
				})
			}
		}
		reads := []string{"/v1/webhooks/" + mine.ID, "/v1/webhooks/" + mine.ID + "/deliveries", "/v1/deliveries/" + dl.ID}
		for _, p := range reads {
			t.Run("other account gets 404: GET "+p, func(t *testing.T) {
				e.do("GET", p, otherAdmin, "").problem(http.StatusNotFound, hub.ENotFound, "")
			})
			t.Run("member and key may read: GET "+p, func(t *testing.T) {
				e.do("GET", p, member, "").status(http.StatusOK)
				e.do("GET", p, key, "").status(http.StatusOK)
			})
		}
		t.Run("other account's list is empty", func(t *testing.T) {
			r := e.do("GET", "/v1/webhooks", otherAdmin, "").status(http.StatusOK)
			if strings.Contains(string(r.body), mine.ID) {
				t.Fatalf("list shows another account's webhook: %s", r.body)
			}
		})
		for _, p := range []string{"/v1/webhooks/nope", "/v1/webhooks/" + dl.ID, "/v1/deliveries/" + mine.ID, "/v1/deliveries/dlv_x"} {
			t.Run("malformed ID is 404: "+p, func(t *testing.T) {
				e.do("GET", p, e.token(hub.RoleAdmin), "").problem(http.StatusNotFound, hub.ENotFound, "")
			})
		}
	})
}

func TestWebhookSubresourceInput(t *testing.T) {
	eachHookEnv(t, "127.0.0.0/8", func(t *testing.T, e *env, _ *dispatch.Dispatcher) {
		admin := e.token(hub.RoleAdmin)
		rc := newHookReceiver(t)
		w := e.createHook(`{"url":"` + rc.url() + `"}`)
		base := "/v1/webhooks/" + w.ID
		weak := "whsec_" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("ab", 16)))
		cases := []struct {
			name, method, path, body string
			field                    string
		}{
			{"log: unknown status", "GET", base + "/deliveries?status=lost", "", "status"},
			{"log: unknown event type", "GET", base + "/deliveries?event_type=job.deleted", "", "event_type"},
			{"log: bad time", "GET", base + "/deliveries?created_after=yesterday", "", "created_after"},
			{"log: bad limit", "GET", base + "/deliveries?limit=500", "", "limit"},
			{"replay: since missing", "POST", base + "/replay", `{}`, "since"},
			{"replay: since not a time", "POST", base + "/replay", `{"since":"last week"}`, "since"},
			{"replay: until before since", "POST", base + "/replay", `{"since":"2026-02-01T00:00:00Z","until":"2026-01-01T00:00:00Z"}`, "until"},
			{"replay: status pending", "POST", base + "/replay", `{"since":"2026-01-01T00:00:00Z","status":"pending"}`, "status"},
			{"test: unknown event type", "POST", base + "/test", `{"event_type":"candidate.hired"}`, "event_type"},
			{"rotate: weak secret", "POST", base + "/rotate-secret", `{"secret":"` + weak + `"}`, "secret"},
			{"rotate: unknown field", "POST", base + "/rotate-secret", `{"key":"x"}`, "key"},
			{"patch: secret is not patchable", "PATCH", base, `{"secret":"` + weak + `"}`, "secret"},
			{"patch: url null", "PATCH", base, `{"url":null}`, "url"},
			{"patch: plain http elsewhere", "PATCH", base, `{"url":"http://hooks.example/"}`, "url"},
			{"list: unknown status", "GET", "/v1/webhooks?status=broken", "", "status"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.do(c.method, c.path, admin, c.body).problem(http.StatusUnprocessableEntity, hub.EInvalid, c.field)
			})
		}
		t.Run("a supplied secret is kept", func(t *testing.T) {
			good := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
			var got struct{ Secret string }
			e.do("POST", base+"/rotate-secret", admin, `{"secret":"`+good+`"}`).status(http.StatusOK).decode(&got)
			if got.Secret != good {
				t.Fatalf("rotated to %q", got.Secret)
			}
		})
	})
}
