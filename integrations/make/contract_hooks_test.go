package makeapp

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/triggers"
)

// attached is one webhook after attach: the webhook variable Make keeps
// (attach's response.data), the receiver path standing in for its URL and
// the event it subscribed to.
type attached struct {
	vars  map[string]any
	path  string
	event string
}

func hookPath(id string) string { return "/hooks/" + id }

// respondStatus is what the webhook behind path answers a delivery with,
// from its communication's respond.
func (l *live) respondStatus(path string) int {
	for id, code := range l.app.Code["webhook"] {
		if hookPath(id) == path {
			comm, _ := code["communication"].(map[string]any)
			respond, _ := comm["respond"].(map[string]any)
			v, err := Eval(respond["status"], Scope{})
			if err != nil {
				return 500
			}
			return statusOf(v)
		}
	}
	return 404
}

// attachAll creates every webhook as Make does when a user adds an instant
// trigger: attach with {{webhook.url}}, the hook's id kept from its answer.
func (l *live) attachAll(recv *receiver) map[string]attached {
	t := l.t
	out := map[string]attached{}
	for id := range l.app.Code["webhook"] {
		out[id] = l.attach(recv, id, map[string]any{})
		// Without a job picked, the hook takes every event of its type.
		if _, hook := rawJSON(t, "GET", l.hub+"/v1/hooks/"+Text(out[id].vars["externalHookId"]), l.key); hook["filters"] == nil ||
			len(hook["filters"].(map[string]any)) != 0 || hook["event"] != out[id].event {
			t.Errorf("hook of %s: %v", id, hook)
		}
	}
	if len(out) == 0 {
		t.Fatal("the app has no webhooks")
	}
	return out
}

// filteredHooks attaches each webhook that has a job setting with the job
// picked, checks the hub stored the filter, and detaches it.
func (l *live) filteredHooks(recv *receiver) {
	t := l.t
	n := 0
	for id, code := range l.app.Code["webhook"] {
		params, _ := code["params"].([]any)
		if len(params) == 0 {
			continue
		}
		n++
		h := l.attach(recv, id, map[string]any{"job_id": l.job["id"]})
		hookID := Text(h.vars["externalHookId"])
		_, hook := rawJSON(t, "GET", l.hub+"/v1/hooks/"+hookID, l.key)
		if f, _ := hook["filters"].(map[string]any); f["job_id"] != l.job["id"] {
			t.Errorf("hook of %s attached for job %v has filters %v", id, l.job["id"], hook["filters"])
		}
		l.detachAll(map[string]attached{id: h})
	}
	if n == 0 {
		t.Fatal("no webhook has a job setting")
	}
}

// attach runs one webhook's attach with the webhook's parameters.
func (l *live) attach(recv *receiver, id string, params map[string]any) attached {
	t := l.t
	t.Helper()
	attach := l.app.Code["webhook"][id]["attach"].(map[string]any)
	sc := l.scope(params).With("webhook", map[string]any{"url": recv.URL + hookPath(id)})
	req, err := BuildRequest(l.app.Base, attach, sc)
	if err != nil {
		t.Fatal(err)
	}
	res, err := req.Send(context.Background(), l.client)
	if err != nil || res.Status != 201 {
		t.Fatalf("attach %s: %s %s: %v %+v", id, req.Method, req.URL, err, res)
	}
	data, err := Eval(attach["response"].(map[string]any)["data"], res.Scope(sc))
	if err != nil {
		t.Fatal(err)
	}
	vars := data.(map[string]any)
	hookID := Text(vars["externalHookId"])
	if !strings.HasPrefix(hookID, "hook_") {
		t.Fatalf("attach %s kept %v as the hook's id", id, vars)
	}
	if s := rawStatus(t, "GET", l.hub+"/v1/hooks/"+hookID, l.key); s != 200 {
		t.Fatalf("the hook attach made is not there: GET %s → %d", hookID, s)
	}
	return attached{vars: vars, path: hookPath(id), event: Text(req.Body.(map[string]any)["event"])}
}

// polling runs every polling trigger with its static parameters' defaults
// (and, where it has one, the job filter), then its epoch.
func (l *live) polling() {
	t := l.t
	n := 0
	for id, m := range l.app.Manifest.Components["module"] {
		if m.ModuleType != "trigger" {
			continue
		}
		n++
		code := l.app.Code["module"][id]
		t.Run(id, func(t *testing.T) {
			l.t = t
			defer func() { l.t = t }()
			params := map[string]any{}
			filter := false
			for _, p := range code["staticParams"].([]any) {
				pm := p.(map[string]any)
				if d, ok := pm["default"]; ok {
					params[pm["name"].(string)] = d
				}
				filter = filter || pm["name"] == "job_id"
			}
			comm := code["communication"].(map[string]any)
			iface := code["interface"].([]any)
			check := func(params map[string]any) []any {
				// On PostgreSQL a poll sees an event once no transaction
				// older than it is still running (the hub's commit-order
				// horizon), so right after the writes, with the dispatcher
				// busy, a scheduled run may come back empty; a later run
				// sees them. Poll as Make would run again, to a deadline.
				bundles, req, waited := l.pollUntilItems(comm, l.scope(params), 15*time.Second)
				if len(bundles) == 0 {
					t.Fatalf("%s %s: no items %s after the actions ran", req.Method, req.URL, waited)
				}
				if waited > l.maxPollWait {
					l.maxPollWait = waited
				}
				seen := map[string]bool{}
				trig := comm["response"].(map[string]any)["trigger"].(map[string]any)
				for i, b := range bundles {
					for _, p := range CheckInterface(iface, b) {
						t.Errorf("item %d: %s", i, p)
					}
					idv, err := Eval(trig["id"], l.scope(params).With("item", b))
					if err != nil {
						t.Fatal(err)
					}
					if s := Text(idv); !strings.HasPrefix(s, "evt_") || seen[s] {
						t.Errorf("trigger id %q of item %d is not a fresh event id", s, i)
					}
					seen[Text(idv)] = true
				}
				return bundles
			}
			check(params)
			if filter {
				withJob := map[string]any{"job_id": l.job["id"]}
				for k, v := range params {
					withJob[k] = v
				}
				for _, b := range check(withJob) {
					if b.(map[string]any)["job_id"] != l.job["id"] {
						t.Errorf("the job filter let through %v", b)
					}
				}
			}
			epoch := Merge(comm, code["epoch"].(map[string]any))
			bundles, req, err := l.call(epoch, l.scope(params))
			if err != nil || len(bundles) == 0 {
				t.Fatalf("epoch %s: %v %v", req.URL, bundles, err)
			}
			for _, b := range bundles {
				o := b.(map[string]any)
				label, _ := o["label"].(string)
				if _, err := time.Parse(time.RFC3339Nano, Text(o["date"])); err != nil || strings.HasPrefix(label, " ") || label == "" {
					t.Errorf("epoch entry %v", o)
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("the app has no polling triggers")
	}
}

// pollUntilItems runs a polling trigger's request until it returns items or
// the time is up, and says how long that took.
func (l *live) pollUntilItems(comm map[string]any, sc Scope, within time.Duration) ([]any, *Request, time.Duration) {
	t := l.t
	t.Helper()
	start := time.Now()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		bundles, req, err := l.call(comm, sc)
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL, err)
		}
		if len(bundles) > 0 || time.Since(start) > within {
			return bundles, req, time.Since(start)
		}
		<-tick.C
	}
}

// instant waits, for every instant trigger, for its webhook's delivery of
// the event the actions caused, and applies the module's output to it.
func (l *live) instant(recv *receiver, hooks map[string]attached) {
	t := l.t
	deadline := time.Now().Add(60 * time.Second)
	n := 0
	for id, m := range l.app.Manifest.Components["module"] {
		if m.ModuleType != "instant_trigger" {
			continue
		}
		n++
		code := l.app.Code["module"][id]
		t.Run(id, func(t *testing.T) {
			h, ok := hooks[m.Webhook]
			if !ok {
				t.Fatalf("webhook %s was not attached", m.Webhook)
			}
			d := recv.waitFor(t, h.path, h.event, deadline)
			if d.header.Get("webhook-signature") == "" || d.header.Get("webhook-id") == "" {
				t.Errorf("delivery not signed: %v", d.header)
			}
			comm := code["communication"].(map[string]any)
			sc := l.scope(map[string]any{}).With("webhook", h.vars)
			bundles, err := Bundles(l.app.Base, comm, sc, &Response{Status: 200, Body: map[string]any(d.body)})
			if err != nil || len(bundles) != 1 {
				t.Fatalf("output of the delivery: %v %v", bundles, err)
			}
			for _, p := range CheckInterface(code["interface"].([]any), bundles[0]) {
				t.Error(p)
			}
			item := bundles[0].(map[string]any)
			if got := item["event_type"]; got != h.event {
				t.Errorf("event_type %v, want %s", got, h.event)
			}
			// The same occurrence polled gives the same bundle, so a
			// scenario can switch between the two modules without
			// remapping (the signed resume link is made per response).
			tr, ok := triggers.ForEvent(h.event)
			if !ok {
				t.Fatalf("no trigger for %s", h.event)
			}
			l.t = t
			_, poll := l.moduleFor("/v1/triggers/" + tr.Key)
			polled, _, _ := l.pollUntilItems(poll["communication"].(map[string]any), l.scope(map[string]any{"limit": 200.0}), 15*time.Second)
			found := false
			for _, p := range polled {
				pm := p.(map[string]any)
				if pm["id"] != item["id"] {
					continue
				}
				found = true
				for k, v := range item {
					if k != "resume_url" && !reflect.DeepEqual(pm[k], v) {
						t.Errorf("%s: %v by hook, %v by polling", k, v, pm[k])
					}
				}
			}
			if !found {
				t.Errorf("event %v is not among the polled items", item["id"])
			}
		})
	}
	if n == 0 {
		t.Fatal("the app has no instant triggers")
	}
}

// detachAll deletes every hook as Make does when the webhook is removed,
// twice (Make may retry), and checks each is gone.
func (l *live) detachAll(hooks map[string]attached) {
	t := l.t
	for id, h := range hooks {
		detach := l.app.Code["webhook"][id]["detach"].(map[string]any)
		sc := l.scope(map[string]any{}).With("webhook", h.vars)
		for i := 0; i < 2; i++ {
			req, err := BuildRequest(l.app.Base, detach, sc)
			if err != nil {
				t.Fatal(err)
			}
			res, err := req.Send(context.Background(), l.client)
			if err != nil || res.Status != 204 {
				t.Errorf("detach %s (try %d): %s %s: %v %+v", id, i+1, req.Method, req.URL, err, res)
			}
		}
		if s := rawStatus(t, "GET", l.hub+"/v1/hooks/"+Text(h.vars["externalHookId"]), l.key); s != 404 {
			t.Errorf("hook of %s still there after detach: %d", id, s)
		}
	}
}

// errors checks the base's error directives against the hub's real
// problem documents.
func (l *live) errors(db string) {
	t := l.t
	comm := func(path string) map[string]any {
		_, code := l.moduleFor(path)
		return code["communication"].(map[string]any)
	}
	find, create, update := comm("/v1/searches/find_job"), comm("/v1/actions/create_job"), comm("/v1/actions/update_job")
	badKey := &live{t: t, app: l.app, client: l.client, conn: map[string]any{"apiKey": "vsk_00000000000000000000000000000000", "baseUrl": l.hub}}
	cases := []struct {
		name     string
		who      *live
		comm     map[string]any
		params   map[string]any
		statuses []int
		typ      string
		contains string
	}{
		{"unknown key", badKey, find, map[string]any{"title": "x", "limit": 1.0}, []int{401}, "InvalidAccessTokenError", "Check the API key"},
		{"missing title", l, create, map[string]any{"location": "Berlin"}, []int{422}, "DataError", "title"},
		{"unknown job", l, update, map[string]any{"job_id": "job_00000000000000000000000000", "title": "x"}, []int{404, 422}, "DataError", "job"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.who.t = t
			_, _, err := tc.who.call(tc.comm, tc.who.scope(tc.params))
			e, ok := err.(*Error)
			if !ok || e.Type != tc.typ || !containsInt(tc.statuses, e.Status) || !strings.Contains(e.Message, tc.contains) {
				t.Errorf("got %#v", err)
			}
			// The message carries the hub's own detail, not only the status.
			if ok && (strings.HasSuffix(e.Message, "] ") || len(e.Message) < 12) {
				t.Errorf("message %q says nothing", e.Message)
			}
		})
	}
	t.Run("rate limited", func(t *testing.T) {
		// A second hub on the same database, allowing one request a minute.
		slow := startHub(t, db, "VISAGE_RATE_LIMIT=1", "VISAGE_DISPATCHER=off")
		ls := &live{t: t, app: l.app, client: l.client, conn: map[string]any{"apiKey": l.key, "baseUrl": slow}}
		var last error
		for i := 0; i < 3 && last == nil; i++ {
			_, _, last = ls.call(find, ls.scope(map[string]any{"title": "x", "limit": 1.0}))
		}
		if e, ok := last.(*Error); !ok || e.Status != 429 || e.Type != "RateLimitError" || len(e.Message) < 8 {
			t.Errorf("got %#v", last)
		}
	})
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
