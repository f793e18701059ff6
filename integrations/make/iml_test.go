package makeapp

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

var testScope = Scope{
	"parameters": map[string]any{"title": "Go dev", "limit": float64(5), "empty": "", "tags": []any{"a", "b"}},
	"connection": map[string]any{"apiKey": "vsk_x", "baseUrl": "http://127.0.0.1:1"},
	"webhook":    map[string]any{"url": "http://127.0.0.1:2/h", "externalHookId": "hook_1"},
	"body":       map[string]any{"id": "hook_9", "item": map[string]any{"n": float64(1)}, "detail": "", "title": "Bad"},
}

func TestEvalString(t *testing.T) {
	tests := []struct {
		name, in string
		want     any
	}{
		{"whole expression keeps its type", "{{parameters.limit}}", float64(5)},
		{"object", "{{body.item}}", map[string]any{"n": float64(1)}},
		{"text with expressions", "{{connection.baseUrl}}/v1/hooks/{{webhook.externalHookId}}", "http://127.0.0.1:1/v1/hooks/hook_1"},
		{"number in text", "n={{parameters.limit}}", "n=5"},
		{"missing path is undefined", "{{parameters.nope}}", Undefined},
		{"missing path in text is empty", "[{{parameters.nope}}]", "[]"},
		{"array index", "{{parameters.tags[1]}}", "b"},
		{"ifempty takes the first when set", "{{ifempty(parameters.title, 'x')}}", "Go dev"},
		{"ifempty on empty string", "{{ifempty(body.detail, body.title)}}", "Bad"},
		{"ifempty on undefined", "{{ifempty(parameters.nope, undefined)}}", Undefined},
		{"if true", "{{if(parameters.title, 'yes', 'no')}}", "yes"},
		{"if empty", "{{if(parameters.empty, 'yes', 'no')}}", "no"},
		{"plain text", "hello", "hello"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EvalString(tc.in, testScope)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s = %#v, want %#v", tc.in, got, tc.want)
			}
		})
	}
}

func TestEvalRefusesWhatItDoesNotKnow(t *testing.T) {
	for _, in := range []string{"{{formatDate(now, 'YYYY')}}", "{{nosuch.x}}", "{{parameters.title", "{{ifempty(parameters.title)}}", "{{parameters.title + 1}}"} {
		t.Run(in, func(t *testing.T) {
			if v, err := EvalString(in, testScope); err == nil {
				t.Errorf("%s evaluated to %#v", in, v)
			}
		})
	}
}

func TestEvalDropsUndefinedMembers(t *testing.T) {
	got, err := Eval(decode(t, `{"a":"{{parameters.title}}","b":"{{parameters.nope}}","c":["{{parameters.nope}}",1]}`), testScope)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": "Go dev", "c": []any{float64(1)}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v", got)
	}
}

func TestBuildRequest(t *testing.T) {
	base := decode(t, `{"baseUrl":"{{connection.baseUrl}}","headers":{"X-API-Key":"{{connection.apiKey}}"}}`).(map[string]any)
	comm := decode(t, `{"url":"/v1/triggers/new_job","method":"GET","qs":{"limit":"{{parameters.limit}}","job_id":"{{parameters.job_id}}"},"headers":{"Accept":"application/json"}}`).(map[string]any)
	r, err := BuildRequest(base, comm, testScope)
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "http://127.0.0.1:1/v1/triggers/new_job?limit=5" || r.Method != "GET" || r.Body != nil {
		t.Errorf("request %s %s %v", r.Method, r.URL, r.Body)
	}
	if r.Header.Get("X-API-Key") != "vsk_x" || r.Header.Get("Accept") != "application/json" {
		t.Errorf("headers %v", r.Header)
	}
	post := decode(t, `{"url":"/v1/hooks","method":"POST","body":{"target_url":"{{webhook.url}}","event":"job.created"}}`).(map[string]any)
	r, err = BuildRequest(base, post, testScope)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"target_url": "http://127.0.0.1:2/h", "event": "job.created"}; !reflect.DeepEqual(r.Body, want) {
		t.Errorf("body %#v", r.Body)
	}
	if _, err := BuildRequest(nil, comm, testScope); err == nil {
		t.Error("a relative url without a base was accepted")
	}
}

func TestMergeEpoch(t *testing.T) {
	comm := decode(t, `{"url":"/x","qs":{"limit":"{{parameters.limit}}","job_id":"j"},"response":{"iterate":"{{body}}","output":"{{item}}"}}`).(map[string]any)
	epoch := decode(t, `{"qs":{"limit":200},"response":{"limit":200,"output":{"label":"{{item.t}}","date":"{{item.d}}"}}}`).(map[string]any)
	m := Merge(comm, epoch)
	if q := m["qs"].(map[string]any); q["limit"] != float64(200) || q["job_id"] != "j" {
		t.Errorf("qs %v", q)
	}
	if r := m["response"].(map[string]any); r["iterate"] != "{{body}}" || r["limit"] != float64(200) {
		t.Errorf("response %v", r)
	}
}

func TestBundles(t *testing.T) {
	base := decode(t, `{"response":{"error":{"type":"RuntimeError","message":"[{{statusCode}}] {{ifempty(body.detail, body.title)}}",
		"401":{"type":"InvalidAccessTokenError","message":"key: {{body.detail}}"},"429":{"type":"RateLimitError","message":"slow down: {{body.title}}"}}}}`).(map[string]any)
	search := decode(t, `{"response":{"iterate":"{{body}}","output":"{{item}}","limit":"{{parameters.limit}}"}}`).(map[string]any)
	list := []any{}
	for i := 0; i < 7; i++ {
		list = append(list, map[string]any{"i": float64(i)})
	}
	got, err := Bundles(base, search, testScope, &Response{Status: 200, Body: list})
	if err != nil || len(got) != 5 || got[4].(map[string]any)["i"] != float64(4) {
		t.Fatalf("iterate with limit 5: %v %v", got, err)
	}
	got, err = Bundles(base, decode(t, `{"response":{"output":"{{body.item}}"}}`).(map[string]any), testScope, &Response{Status: 200, Body: testScope["body"]})
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], map[string]any{"n": float64(1)}) {
		t.Fatalf("single output: %v %v", got, err)
	}
	errs := []struct {
		status       int
		body         string
		typ, message string
	}{
		{401, `{"title":"Unauthorized","detail":"the API key is revoked"}`, "InvalidAccessTokenError", "key: the API key is revoked"},
		{429, `{"title":"Too many requests"}`, "RateLimitError", "slow down: Too many requests"},
		{422, `{"title":"Validation failed","detail":"title: is required"}`, "RuntimeError", "[422] title: is required"},
		{500, `{"title":"Internal error","detail":""}`, "RuntimeError", "[500] Internal error"},
	}
	for _, tc := range errs {
		t.Run(tc.typ+tc.message, func(t *testing.T) {
			_, err := Bundles(base, search, testScope, &Response{Status: tc.status, Header: http.Header{}, Body: decode(t, tc.body)})
			e, ok := err.(*Error)
			if !ok || e.Type != tc.typ || e.Message != tc.message {
				t.Errorf("got %#v", err)
			}
		})
	}
}

func TestCheckInterface(t *testing.T) {
	iface := decode(t, `[{"name":"id","label":"ID","type":"text"},{"name":"n","label":"N","type":"uinteger"},
		{"name":"at","label":"At","type":"date"},{"name":"email","label":"E","type":"email"},
		{"name":"hm","label":"HM","type":"collection","spec":[{"name":"name","label":"Name","type":"text"}]},
		{"name":"tags","label":"Tags","type":"array","spec":{"label":"Tag","type":"text"}}]`).([]any)
	ok := decode(t, `{"id":"x","n":3,"at":"2025-01-02T03:04:05.678Z","email":"a@example.com","hm":{"name":"L"},"tags":["a"]}`)
	if p := CheckInterface(iface, ok); len(p) != 0 {
		t.Fatalf("a fitting bundle: %v", p)
	}
	if p := CheckInterface(iface, decode(t, `{"id":null,"n":null,"at":null,"email":null,"hm":null,"tags":null}`)); len(p) != 0 {
		t.Fatalf("nulls: %v", p)
	}
	records := decode(t, `[{"name":"exp","label":"Experience","type":"array","spec":[{"name":"title","label":"T","type":"text"},{"name":"end","label":"E","type":"text"}]}]`).([]any)
	if p := CheckInterface(records, decode(t, `{"exp":[{"title":"Dev"}]}`)); len(p) != 0 {
		t.Errorf("an optional part of a record left out: %v", p)
	}
	if p := CheckInterface(records, decode(t, `{"exp":[{"title":"Dev","end":7}]}`)); len(p) != 1 {
		t.Errorf("a record's wrong type: %v", p)
	}
	if p := CheckInterface(records, decode(t, `{"exp":[{"title":"Dev","x":1}]}`)); len(p) != 1 {
		t.Errorf("a record's unknown field: %v", p)
	}
	bad := []struct{ name, bundle, want string }{
		{"missing field", `{"n":3,"at":"2025-01-02T03:04:05Z","email":"a@example.com","hm":{"name":"L"},"tags":[]}`, "id: missing"},
		{"extra field", `{"id":"x","n":3,"at":"2025-01-02T03:04:05Z","email":"a@example.com","hm":{"name":"L"},"tags":[],"z":1}`, "z: not in the interface"},
		{"number as text", `{"id":"x","n":"3","at":"2025-01-02T03:04:05Z","email":"a@example.com","hm":{"name":"L"},"tags":[]}`, "n: 3 is not uinteger"},
		{"bad date", `{"id":"x","n":3,"at":"yesterday","email":"a@example.com","hm":{"name":"L"},"tags":[]}`, "at: yesterday is not date"},
		{"nested type", `{"id":"x","n":3,"at":"2025-01-02T03:04:05Z","email":"a@example.com","hm":{"name":5},"tags":[]}`, "hm.name: 5 is not text"},
		{"array item type", `{"id":"x","n":3,"at":"2025-01-02T03:04:05Z","email":"a@example.com","hm":{"name":"L"},"tags":[1]}`, "tags[0]: 1 is not text"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			p := strings.Join(CheckInterface(iface, decode(t, tc.bundle)), "\n")
			if !strings.Contains(p, tc.want) {
				t.Errorf("want %q in %q", tc.want, p)
			}
		})
	}
}

// TestSamplesFitInterfaces checks each module's sample against its own
// interface, offline.
func TestSamplesFitInterfaces(t *testing.T) {
	app, err := Load("src")
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Code["module"]) == 0 {
		t.Fatal("no modules")
	}
	for id, code := range app.Code["module"] {
		t.Run(id, func(t *testing.T) {
			iface, _ := code["interface"].([]any)
			if len(iface) == 0 {
				t.Fatal("empty interface")
			}
			for _, p := range CheckInterface(iface, code["samples"]) {
				t.Error(p)
			}
		})
	}
}
