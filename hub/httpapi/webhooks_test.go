package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/hub/ssrf"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/hub/webhook"
)

func TestWebhookLifecycle(t *testing.T) {
	eachHookEnv(t, "127.0.0.0/8", func(t *testing.T, e *env, d *dispatch.Dispatcher) {
		admin := e.token(hub.RoleAdmin)
		key, _ := e.key("zapier")
		rc := newHookReceiver(t)
		w := e.createHook(`{"url":"` + rc.url() + `","events":["candidate.created","job.closed"],"description":"ATS sync"}`)

		t.Run("created active after a signed validation challenge", func(t *testing.T) {
			if !hub.ValidID(hub.PrefixWebhook, w.ID) || w.Status != "active" || w.StatusReason != nil || !strings.HasPrefix(w.Secret, "whsec_") {
				t.Fatalf("webhook %+v", w)
			}
			req, body := rc.last(t)
			if body["type"] != "webhook.validation" || body["challenge"] == "" || len(rc.requests()) != 1 {
				t.Fatalf("validation body %v", body)
			}
			if err := webhook.Verify(w.Secret, req.Header, req.Body); err != nil {
				t.Fatalf("validation signature: %v", err)
			}
		})
		t.Run("read with an API key, without the secret", func(t *testing.T) {
			r := e.do("GET", "/v1/webhooks", key, "").status(http.StatusOK)
			one := e.do("GET", "/v1/webhooks/"+w.ID, key, "").status(http.StatusOK)
			for _, b := range [][]byte{r.body, one.body} {
				if strings.Contains(string(b), w.Secret) || strings.Contains(string(b), `"secret"`) {
					t.Fatalf("secret leaked: %s", b)
				}
			}
			var l struct{ Data []webhookJSON }
			r.decode(&l)
			if len(l.Data) != 1 || l.Data[0].ID != w.ID || len(l.Data[0].Events) != 2 {
				t.Fatalf("list %s", r.body)
			}
			e.do("GET", "/v1/webhooks/"+w.ID+"/secret", key, "").problem(http.StatusForbidden, hub.EForbidden, "")
			var sec struct{ Secret string }
			e.do("GET", "/v1/webhooks/"+w.ID+"/secret", admin, "").status(http.StatusOK).decode(&sec)
			if sec.Secret != w.Secret {
				t.Fatalf("secret route: %+v", sec)
			}
		})
		t.Run("a description change does not validate again", func(t *testing.T) {
			var got webhookJSON
			e.do("PATCH", "/v1/webhooks/"+w.ID, admin, `{"description":"Greenhouse"}`).status(http.StatusOK).decode(&got)
			if got.Description != "Greenhouse" || got.Status != "active" || len(rc.requests()) != 1 {
				t.Fatalf("patch %+v after %d requests", got, len(rc.requests()))
			}
		})
		t.Run("a new URL that fails validation says why", func(t *testing.T) {
			bad := newHookReceiver(t)
			bad.setStatus(http.StatusNotFound)
			var got webhookJSON
			e.do("PATCH", "/v1/webhooks/"+w.ID, admin, `{"url":"`+bad.url()+`"}`).status(http.StatusOK).decode(&got)
			if got.Status != "validation_failed" || got.StatusReason == nil || !strings.Contains(*got.StatusReason, "HTTP 404") {
				t.Fatalf("after a 404 validation: %+v", got)
			}
			bad.setStatus(http.StatusNoContent)
			e.do("POST", "/v1/webhooks/"+w.ID+"/validate", admin, "").status(http.StatusOK).decode(&got)
			if got.Status != "active" || got.StatusReason != nil {
				t.Fatalf("after revalidation: %+v", got)
			}
			e.do("PATCH", "/v1/webhooks/"+w.ID, admin, `{"url":"`+rc.url()+`"}`).status(http.StatusOK).decode(&got)
			if got.Status != "active" {
				t.Fatalf("back to the first URL: %+v", got)
			}
		})
		t.Run("a refused network error is the reason", func(t *testing.T) {
			down := newHookReceiver(t)
			u := down.url()
			down.srv.Close()
			var got webhookJSON
			e.do("PATCH", "/v1/webhooks/"+w.ID, admin, `{"url":"`+u+`"}`).status(http.StatusOK).decode(&got)
			if got.Status != "validation_failed" || got.StatusReason == nil || !strings.Contains(*got.StatusReason, "connection refused") {
				t.Fatalf("after a dead URL: %+v", got)
			}
			e.do("PATCH", "/v1/webhooks/"+w.ID, admin, `{"url":"`+rc.url()+`"}`).status(http.StatusOK)
		})
		t.Run("disable and enable", func(t *testing.T) {
			var got webhookJSON
			e.do("POST", "/v1/webhooks/"+w.ID+"/disable", admin, "").status(http.StatusOK).decode(&got)
			if got.Status != "disabled" || got.DisabledAt == nil || got.StatusReason == nil {
				t.Fatalf("disabled: %+v", got)
			}
			e.do("POST", "/v1/webhooks/"+w.ID+"/validate", admin, "").problem(http.StatusConflict, hub.EConflict, "")
			e.do("POST", "/v1/webhooks/"+w.ID+"/enable", admin, "").status(http.StatusOK).decode(&got)
			if got.Status != "active" || got.DisabledAt != nil || got.StatusReason != nil {
				t.Fatalf("enabled: %+v", got)
			}
		})

		var rotated struct {
			Secret                  string `json:"secret"`
			PreviousSecretExpiresAt string `json:"previous_secret_expires_at"`
		}
		t.Run("rotate the secret", func(t *testing.T) {
			e.do("POST", "/v1/webhooks/"+w.ID+"/rotate-secret", admin, "").status(http.StatusOK).decode(&rotated)
			exp, err := time.Parse(time.RFC3339, rotated.PreviousSecretExpiresAt)
			if err != nil || rotated.Secret == w.Secret || !strings.HasPrefix(rotated.Secret, "whsec_") ||
				exp.Before(time.Now().Add(23*time.Hour)) || exp.After(time.Now().Add(25*time.Hour)) {
				t.Fatalf("rotation %+v %v", rotated, err)
			}
		})
		var testDelivery struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			Test     bool   `json:"test"`
			Webhook  string `json:"webhook_id"`
			Attempts []struct {
				Attempt        int               `json:"attempt"`
				ResponseStatus *int              `json:"response_status"`
				RequestHeaders map[string]string `json:"request_headers"`
				ResponseBody   string            `json:"response_body"`
			} `json:"attempts"`
		}
		t.Run("a test event is sent at once, signed by both secrets", func(t *testing.T) {
			e.do("POST", "/v1/webhooks/"+w.ID+"/test", admin, `{"event_type":"job.closed"}`).status(http.StatusOK).decode(&testDelivery)
			if testDelivery.Status != "succeeded" || !testDelivery.Test || testDelivery.Webhook != w.ID || len(testDelivery.Attempts) != 1 ||
				*testDelivery.Attempts[0].ResponseStatus != 200 || testDelivery.Attempts[0].ResponseBody != `{"ok":true}` {
				t.Fatalf("test delivery %+v", testDelivery)
			}
			req, body := rc.last(t)
			if body["type"] != "job.closed" || body["test"] != true || body["data"] == nil {
				t.Fatalf("test body %v", body)
			}
			for _, sec := range []string{w.Secret, rotated.Secret} {
				if err := webhook.Verify(sec, req.Header, req.Body); err != nil {
					t.Fatalf("signature with %s…: %v", sec[:10], err)
				}
			}
			if req.Header.Get("webhook-id") != body["id"] || req.Header.Get("User-Agent") != "Visage-Webhooks/1.0" {
				t.Fatalf("headers %v", req.Header)
			}
		})
		t.Run("the delivery log shows it", func(t *testing.T) {
			var l struct {
				Data []struct {
					ID, Status string
					EventType  string `json:"event_type"`
				}
				NextCursor *string `json:"next_cursor"`
			}
			e.do("GET", "/v1/webhooks/"+w.ID+"/deliveries", key, "").status(http.StatusOK).decode(&l)
			if len(l.Data) != 1 || l.Data[0].ID != testDelivery.ID || l.Data[0].EventType != "job.closed" {
				t.Fatalf("log %+v", l)
			}
			e.do("GET", "/v1/webhooks/"+w.ID+"/deliveries?status=failed", key, "").status(http.StatusOK).decode(&l)
			if len(l.Data) != 0 {
				t.Fatalf("failed filter %+v", l)
			}
			e.do("GET", "/v1/webhooks/"+w.ID+"/deliveries?event_type=job.closed&created_after=2020-01-01T00:00:00Z", key, "").status(http.StatusOK).decode(&l)
			if len(l.Data) != 1 {
				t.Fatalf("event type filter %+v", l)
			}
			var one struct {
				Attempts []map[string]any `json:"attempts"`
			}
			e.do("GET", "/v1/deliveries/"+testDelivery.ID, key, "").status(http.StatusOK).decode(&one)
			if len(one.Attempts) != 1 || one.Attempts[0]["request_headers"] == nil || one.Attempts[0]["duration_ms"] == nil {
				t.Fatalf("delivery %+v", one)
			}
			sentReq, _ := rc.last(t)
			if one.Attempts[0]["request_body"] != string(sentReq.Body) {
				t.Fatalf("logged request body %v, sent %s", one.Attempts[0]["request_body"], sentReq.Body)
			}
		})
		t.Run("retry and replay resend through the queue", func(t *testing.T) {
			runDispatcher(t, d)
			before := len(rc.requests())
			var got struct{ Status string }
			e.do("POST", "/v1/deliveries/"+testDelivery.ID+"/retry", admin, "").status(http.StatusAccepted).decode(&got)
			if got.Status != "pending" {
				t.Fatalf("retry: %+v", got)
			}
			waitFor(t, func() bool { return len(rc.requests()) == before+1 })
			_, body := rc.last(t)
			if body["type"] != "job.closed" || body["test"] != true {
				t.Fatalf("resent body %v", body)
			}
			waitFor(t, func() bool {
				var d struct{ Status string }
				e.do("GET", "/v1/deliveries/"+testDelivery.ID, admin, "").status(http.StatusOK).decode(&d)
				return d.Status == "succeeded"
			})
			var job struct{ ID string }
			since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			e.do("POST", "/v1/webhooks/"+w.ID+"/replay", admin, `{"since":"`+since+`","status":"succeeded"}`).status(http.StatusAccepted).decode(&job)
			waitFor(t, func() bool { return len(rc.requests()) == before+2 })
			var n struct{ Count int }
			waitFor(t, func() bool {
				var st struct{ Status string }
				r := e.do("GET", "/v1/replays/"+job.ID, admin, "").status(http.StatusOK)
				r.decode(&st)
				r.decode(&n)
				return st.Status == "succeeded"
			})
			if n.Count != 1 {
				t.Fatalf("replayed %d", n.Count)
			}
		})
		t.Run("delete", func(t *testing.T) {
			e.do("DELETE", "/v1/webhooks/"+w.ID, admin, "").status(http.StatusNoContent)
			e.do("GET", "/v1/webhooks/"+w.ID, admin, "").problem(http.StatusNotFound, hub.ENotFound, "")
			e.do("GET", "/v1/deliveries/"+testDelivery.ID, admin, "").problem(http.StatusNotFound, hub.ENotFound, "")
		})
	})
}

// waitFor polls cond (a receiver's state) until it holds, within a bound.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond) // polling another goroutine's recorded state
	}
}

// TestWritesWakeTheDispatcher creates a job through the API with the
// dispatcher's poll an hour away: the job.created event still arrives at
// once, because the write request wakes the dispatcher.
func TestWritesWakeTheDispatcher(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e, _ := newHookEnv(t, st, "127.0.0.0/8")
		rc := newHookReceiver(t)
		w := e.createHook(`{"url":"` + rc.url() + `","events":["job.created"]}`)
		pol, _ := ssrf.ParsePolicy("127.0.0.0/8")
		d := dispatch.New(st, dispatch.Options{Policy: pol, Logger: discardLogger(), Tick: time.Hour})
		e.srv = httpapi.New(httpapi.Deps{Config: e.cfgWithPolicy("127.0.0.0/8"), Store: st, JWT: e.verifier(), Logger: discardLogger(), Secret: testSecret, Dispatcher: d})
		runDispatcher(t, d)
		key, _ := e.key("ats")
		start := time.Now()
		e.do("POST", "/v1/jobs", key, `{"title":"Staff Engineer"}`).status(http.StatusCreated)
		waitFor(t, func() bool { return len(rc.requests()) == 2 })
		req, body := rc.last(t)
		if body["type"] != "job.created" || time.Since(start) > 3*time.Second {
			t.Fatalf("got %v after %s", body["type"], time.Since(start))
		}
		if err := webhook.Verify(w.Secret, req.Header, req.Body); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDeliveryLogPaging(t *testing.T) {
	eachHookEnv(t, "127.0.0.0/8", func(t *testing.T, e *env, _ *dispatch.Dispatcher) {
		admin := e.token(hub.RoleAdmin)
		rc := newHookReceiver(t)
		w := e.createHook(`{"url":"` + rc.url() + `"}`)
		var ids []string
		for i := 0; i < 3; i++ {
			var d struct{ ID string }
			e.do("POST", "/v1/webhooks/"+w.ID+"/test", admin, `{"event_type":"candidate.interested"}`).status(http.StatusOK).decode(&d)
			ids = append(ids, d.ID)
		}
		type page struct {
			Data       []struct{ ID string }
			NextCursor *string `json:"next_cursor"`
		}
		var p1, p2 page
		r := e.do("GET", "/v1/webhooks/"+w.ID+"/deliveries?limit=2", admin, "").status(http.StatusOK)
		r.decode(&p1)
		if len(p1.Data) != 2 || p1.Data[0].ID != ids[2] || p1.Data[1].ID != ids[1] || p1.NextCursor == nil || !strings.Contains(r.h.Get("Link"), `rel="next"`) {
			t.Fatalf("first page %+v, Link %q", p1, r.h.Get("Link"))
		}
		e.do("GET", "/v1/webhooks/"+w.ID+"/deliveries?limit=2&cursor="+*p1.NextCursor, admin, "").status(http.StatusOK).decode(&p2)
		if len(p2.Data) != 1 || p2.Data[0].ID != ids[0] || p2.NextCursor != nil {
			t.Fatalf("second page %+v", p2)
		}
		e.do("GET", "/v1/webhooks/"+w.ID+"/deliveries?limit=2&status=failed&cursor="+*p1.NextCursor, admin, "").
			problem(http.StatusBadRequest, hub.EMalformed, "cursor")
	})
}
