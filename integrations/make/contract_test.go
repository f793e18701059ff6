package makeapp

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/schemas"
)

// live is one run of the app against a hub: the app's files, the
// connection's values and what earlier modules produced.
type live struct {
	t      *testing.T
	app    *App
	hub    string
	key    string
	conn   map[string]any
	client *http.Client
	job    map[string]any // made by create_job
	// maxPollWait is the longest a polling trigger took to see the
	// actions' events (see pollUntilItems).
	maxPollWait time.Duration
	cand        map[string]any // made by create_candidate
}

// scope is the IML scope of a module or RPC call.
func (l *live) scope(params map[string]any) Scope {
	return Scope{"parameters": params, "connection": l.conn, "webhook": Undefined, "body": Undefined, "item": Undefined}
}

// call runs a component's communication as Make would and returns its
// bundles: the request from the files, the base's headers and URL, the
// response through iterate, output and limit, errors through the error
// directives.
func (l *live) call(comm map[string]any, sc Scope) ([]any, *Request, error) {
	l.t.Helper()
	req, err := BuildRequest(l.app.Base, comm, sc)
	if err != nil {
		l.t.Fatalf("build request: %v", err)
	}
	res, err := req.Send(context.Background(), l.client)
	if err != nil {
		l.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	bundles, err := Bundles(l.app.Base, comm, sc, res)
	return bundles, req, err
}

// TestContractLive runs every module, RPC and webhook of the app against
// the real hub binary on SQLite and on PostgreSQL.
func TestContractLive(t *testing.T) {
	app, err := Load("src")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.URL(t, d)
			acct := cli(t, db, "accounts", "create", "--name", "Make contract")
			key := cli(t, db, "keys", "create", "--account", acct, "--label", "make")
			hubURL := startHub(t, db)
			l := &live{t: t, app: app, hub: hubURL, key: key, client: &http.Client{Timeout: 30 * time.Second},
				conn: map[string]any{"apiKey": key, "baseUrl": hubURL}}

			t.Run("connection", func(t *testing.T) { l.t = t; l.connection(acct, "Make contract") })
			l.t = t
			recv := newReceiver(t, l.respondStatus)
			hooks := l.attachAll(recv)
			t.Run("actions and searches", func(t *testing.T) { l.t = t; l.actions(recv) })
			l.t = t
			if l.job == nil || l.cand == nil {
				t.Fatal("the actions made no job or candidate; nothing further can run")
			}
			t.Run("webhooks with a job", func(t *testing.T) { l.t = t; l.filteredHooks(recv) })
			t.Run("rpcs", func(t *testing.T) { l.t = t; l.rpcs() })
			t.Run("polling triggers", func(t *testing.T) { l.t = t; l.polling() })
			t.Logf("polling saw the actions' events after at most %s", l.maxPollWait)
			t.Run("instant triggers", func(t *testing.T) { l.t = t; l.instant(recv, hooks) })
			t.Run("detach", func(t *testing.T) { l.t = t; l.detachAll(hooks) })
			t.Run("errors", func(t *testing.T) { l.t = t; l.errors(db) })
		})
	}
}

// connection validates the key as Make does when a user saves the
// connection: GET /v1/me with the parameters, uid and metadata from it.
func (l *live) connection(acct, name string) {
	t := l.t
	comm := l.app.Code["connection"]["visage"]["communication"].(map[string]any)
	sc := Scope{"parameters": l.conn}
	req, err := BuildRequest(nil, comm, sc)
	if err != nil {
		t.Fatal(err)
	}
	res, err := req.Send(context.Background(), l.client)
	if err != nil || res.Status != 200 {
		t.Fatalf("validation request %s: %v %+v", req.URL, err, res)
	}
	got, err := Eval(comm["response"].(map[string]any), res.Scope(sc))
	if err != nil {
		t.Fatal(err)
	}
	resp := got.(map[string]any)
	if resp["uid"] != acct {
		t.Errorf("uid %v, want the account %s", resp["uid"], acct)
	}
	if md := resp["metadata"].(map[string]any); md["value"] != name {
		t.Errorf("metadata %v, want the account name %q", md, name)
	}

	bad := Scope{"parameters": map[string]any{"apiKey": "vsk_00000000000000000000000000000000", "baseUrl": l.hub}}
	req, _ = BuildRequest(nil, comm, bad)
	res, err = req.Send(context.Background(), l.client)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Bundles(nil, comm, bad, res)
	if e, ok := err.(*Error); !ok || e.Status != 401 || e.Type != "InvalidAccessTokenError" || !strings.Contains(e.Message, "Check the API key") {
		t.Errorf("an unknown key: %#v", err)
	}
}

// moduleFor finds the module whose request goes to path.
func (l *live) moduleFor(path string) (string, map[string]any) {
	for id, code := range l.app.Code["module"] {
		if c, ok := code["communication"].(map[string]any); ok && c["url"] == path {
			return id, code
		}
	}
	l.t.Fatalf("no module requests %s", path)
	return "", nil
}

// actionOrder runs create_job and create_candidate first, since the others
// act on what they make, and close_job last.
var actionOrder = []string{"create_job", "create_candidate", "update_job", "upsert_job", "update_candidate_status",
	"add_candidate_tags", "attach_resume", "find_candidate", "find_job", "close_job"}

// actions runs every action and search module with its input schema's
// example as the parameters, the IDs pointed at what this account has.
func (l *live) actions(recv *receiver) {
	t := l.t
	if len(actionOrder) != len(actions.All()) {
		t.Fatalf("actionOrder lists %d entries, the catalog has %d", len(actionOrder), len(actions.All()))
	}
	run := func(key string, tweak func(p map[string]any)) []any {
		t := l.t // the subtest running this action
		t.Helper()
		var a actions.Action
		for _, x := range actions.All() {
			if x.Key == key {
				a = x
			}
		}
		if a.Key == "" {
			t.Fatalf("%s is not in the catalog", key)
		}
		path := "/v1/actions/" + key
		if a.Kind == actions.Search {
			path = "/v1/searches/" + key
		}
		id, code := l.moduleFor(path)
		raw, ok := schemas.Example(a.Input)
		if !ok {
			t.Fatalf("%s has no example", a.Input)
		}
		var params map[string]any
		if err := json.Unmarshal(raw, &params); err != nil {
			t.Fatal(err)
		}
		if _, ok := params["job_id"]; ok && l.job != nil {
			params["job_id"] = l.job["id"]
		}
		if _, ok := params["candidate_id"]; ok && l.cand != nil {
			params["candidate_id"] = l.cand["id"]
		}
		if a.Kind == actions.Search {
			params["limit"] = float64(10)
		}
		if tweak != nil {
			tweak(params)
		}
		bundles, req, err := l.call(code["communication"].(map[string]any), l.scope(params))
		if err != nil {
			t.Fatalf("module %s (%s %s): %v", id, req.Method, req.URL, err)
		}
		if len(bundles) == 0 {
			t.Fatalf("module %s (%s %s) gave no bundle", id, req.Method, req.URL)
		}
		iface := code["interface"].([]any)
		for i, b := range bundles {
			for _, p := range CheckInterface(iface, b) {
				t.Errorf("module %s bundle %d: %s", id, i, p)
			}
		}
		return bundles
	}
	for _, key := range actionOrder {
		t.Run(key, func(t *testing.T) {
			l.t = t
			defer func() { l.t = t }()
			switch key {
			case "create_job":
				l.job = run(key, nil)[0].(map[string]any)
			case "create_candidate":
				l.cand = run(key, nil)[0].(map[string]any)
				if l.cand["job_id"] != l.job["id"] {
					t.Errorf("candidate on job %v, want %v", l.cand["job_id"], l.job["id"])
				}
			case "update_candidate_status":
				run(key, nil)
				got := run(key, func(p map[string]any) { p["status"] = "interested" })[0].(map[string]any)
				if got["status"] != "interested" {
					t.Errorf("status %v after marking interested", got["status"])
				}
			case "attach_resume":
				got := run(key, func(p map[string]any) { p["file_url"] = recv.URL + "/files/amara-okafor-cv.txt" })[0].(map[string]any)
				if r, _ := got["resume"].(map[string]any); r == nil || r["size"] != float64(len(resumeText)) {
					t.Errorf("resume after attaching: %v", got["resume"])
				}
			case "find_candidate":
				got := run(key, func(p map[string]any) { p["email"] = l.cand["email"] })
				if len(got) != 1 || got[0].(map[string]any)["id"] != l.cand["id"] {
					t.Errorf("find_candidate by the candidate's email: %v", got)
				}
			case "close_job":
				if got := run(key, nil)[0].(map[string]any); got["status"] != "closed" {
					t.Errorf("status %v after close_job", got["status"])
				}
			default:
				run(key, nil)
			}
		})
	}
}

// rpcs runs each RPC and checks its options.
func (l *live) rpcs() {
	t := l.t
	wantValue := map[string]*regexp.Regexp{"listJobs": regexp.MustCompile(`^job_[0-9a-z]{26}$`), "listStatuses": regexp.MustCompile(`^[a-z_]+$`)}
	for id, code := range l.app.Code["rpc"] {
		t.Run(id, func(t *testing.T) {
			bundles, req, err := l.call(code["communication"].(map[string]any), l.scope(map[string]any{}))
			if err != nil {
				t.Fatalf("%s %s: %v", req.Method, req.URL, err)
			}
			if len(bundles) == 0 {
				t.Fatalf("%s gave no options", req.URL)
			}
			re, ok := wantValue[id]
			if !ok {
				t.Fatalf("no expectation for RPC %s", id)
			}
			for _, b := range bundles {
				o := b.(map[string]any)
				if label, _ := o["label"].(string); label == "" || !re.MatchString(Text(o["value"])) || len(o) != 2 {
					t.Errorf("option %v", o)
				}
			}
		})
	}
}
