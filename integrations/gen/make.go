package gen

import (
	"fmt"
	"strings"
	"unicode"
)

// The Make custom app, in the layout of the Make Apps Editor's local
// development (a clone directory holding makecomapp.json and one folder per
// component). Everything in it is written here from the catalog: the
// parameters, interfaces, samples and labels of every module, and the
// requests, whose paths are the hub's catalog keys. The hand-written parts
// of integrations/make are its README, its JSON Schemas and its tests.

// MakeDir is where the app's clone directory lives in the repository.
const MakeDir = "integrations/make/src"

// Names the Make app shares between its components.
const (
	makeConnection = "visage"                         // the connection's local ID
	makeHubURL     = "https://public-api.visage.jobs" // the connection's default hub URL
	makeJobsRPC    = "listJobs"                       // fills every job_id select
	makeStatusRPC  = "listStatuses"                   // candidate statuses
	makePollLimit  = 200                              // the hub's largest polling page
	makeEpochLimit = 200                              // items "choose where to start" lists (Make allows ≤ 300)
)

func init() { register("make", makeFiles) }

// makeComponent is one entry of makecomapp.json's components plus the code
// files it owns, keyed by Make's code type (communication, staticParams…).
type makeComponent struct {
	kind  string // connection, webhook, module, rpc
	id    string
	group string // modules: the groups.json group (the catalog noun)
	meta  map[string]any
	codes map[string]any
}

// makeCodeFile is the local file name of a code type, per the editor's
// naming: <kind>s/<kebab-id>/<kebab-id>.<code>.iml.json.
var makeCodeFile = map[string]string{
	"communication":  "communication",
	"params":         "params",
	"attach":         "attach",
	"detach":         "detach",
	"epoch":          "epoch",
	"staticParams":   "static-params",
	"mappableParams": "mappable-params",
	"interface":      "interface",
	"samples":        "samples",
}

// makeFiles is the generator: makecomapp.json, the base and every
// component's code files.
func makeFiles() ([]File, error) {
	var comps []makeComponent
	comps = append(comps, makeConnectionComponent())
	trig, err := makeTriggerComponents()
	if err != nil {
		return nil, err
	}
	comps = append(comps, trig...)
	acts, err := makeActionComponents()
	if err != nil {
		return nil, err
	}
	comps = append(comps, acts...)
	comps = append(comps, makeRPCComponents()...)

	components := map[string]map[string]any{}
	for _, k := range []string{"connection", "webhook", "module", "rpc", "function", "endpoint"} {
		components[k] = map[string]any{}
	}
	var files []File
	for _, c := range comps {
		dir := c.kind + "s/" + kebab(c.id) + "/"
		codeFiles := map[string]string{}
		for code, content := range c.codes {
			name, ok := makeCodeFile[code]
			if !ok {
				return nil, fmt.Errorf("make: %s %s: unknown code type %q", c.kind, c.id, code)
			}
			p := dir + kebab(c.id) + "." + name + ".iml.json"
			codeFiles[code] = p
			b, err := JSON(content)
			if err != nil {
				return nil, err
			}
			files = append(files, File{Path: MakeDir + "/" + p, Content: b})
		}
		meta := map[string]any{"codeFiles": codeFiles}
		for k, v := range c.meta {
			meta[k] = v
		}
		if _, dup := components[c.kind][c.id]; dup {
			return nil, fmt.Errorf("make: two %ss named %s", c.kind, c.id)
		}
		components[c.kind][c.id] = meta
	}

	base, err := JSON(makeBase())
	if err != nil {
		return nil, err
	}
	groups, err := JSON(makeGroups(comps))
	if err != nil {
		return nil, err
	}
	app, err := JSON(map[string]any{
		"fileVersion": 1,
		"generalCodeFiles": map[string]any{
			"base":   "general/base.iml.json",
			"common": nil, // the app keeps no common data
			"readme": nil, // integrations/make/README.md is for developers
			"groups": "modules/groups.json",
		},
		"components": components,
		"origins": []any{map[string]any{
			"label":      "Make EU1 (set appId to your app's ID)",
			"baseUrl":    "https://eu1.make.com/api",
			"appId":      "visage",
			"appVersion": 1,
			"apikeyFile": ".secrets/apikey",
		}},
	})
	if err != nil {
		return nil, err
	}
	files = append(files,
		File{Path: MakeDir + "/makecomapp.json", Content: app},
		File{Path: MakeDir + "/general/base.iml.json", Content: base},
		File{Path: MakeDir + "/modules/groups.json", Content: groups},
	)
	return files, nil
}

// makeBase is what every module, RPC and webhook request inherits: the
// hub's URL and key from the connection, the key kept out of logs, and the
// hub's problem documents (RFC 9457) turned into Make errors.
func makeBase() map[string]any {
	msg := "[{{statusCode}}] {{ifempty(body.detail, body.title)}}"
	return map[string]any{
		"baseUrl": "{{connection.baseUrl}}",
		"headers": map[string]any{"X-API-Key": "{{connection.apiKey}}"},
		"response": map[string]any{
			"error": map[string]any{
				"type":    "RuntimeError",
				"message": msg,
				"400":     map[string]any{"type": "DataError", "message": msg},
				"401": map[string]any{"type": "InvalidAccessTokenError",
					"message": "[401] {{ifempty(body.detail, body.title)}} Check the API key of the Visage connection."},
				"404": map[string]any{"type": "DataError", "message": msg},
				"409": map[string]any{"type": "DuplicateDataError", "message": msg},
				"413": map[string]any{"type": "DataError", "message": msg},
				"422": map[string]any{"type": "DataError", "message": msg},
				"429": map[string]any{"type": "RateLimitError",
					"message": "[429] {{ifempty(body.detail, body.title)}}"},
			},
		},
		"log": map[string]any{"sanitize": []string{"request.headers.x-api-key"}},
	}
}

// makeConnectionComponent is the API-key connection: the key and the hub's
// URL, checked against GET /v1/me, which names the account.
func makeConnectionComponent() makeComponent {
	return makeComponent{
		kind: "connection", id: makeConnection,
		meta: map[string]any{"label": "Visage", "connectionType": "basic"},
		codes: map[string]any{
			"params": []map[string]any{
				{"name": "apiKey", "type": "password", "label": "API key", "required": true,
					"help": "A Visage API key (vsk_…). Create one in Visage under Settings > Visage API."},
				{"name": "baseUrl", "type": "url", "label": "Hub URL", "required": true, "default": makeHubURL,
					"help": "The address of your Visage hub, without a trailing slash. Keep the default unless you run your own hub."},
			},
			"communication": map[string]any{
				"url":     "{{parameters.baseUrl}}/v1/me",
				"method":  "GET",
				"headers": map[string]any{"X-API-Key": "{{parameters.apiKey}}"},
				"response": map[string]any{
					"uid":      "{{body.account_id}}",
					"metadata": map[string]any{"type": "text", "value": "{{body.account_name}}"},
					"error": map[string]any{
						"type":    "InvalidConfigurationError",
						"message": "[{{statusCode}}] {{ifempty(body.detail, body.title)}}",
						"401": map[string]any{"type": "InvalidAccessTokenError",
							"message": "[401] {{ifempty(body.detail, body.title)}} Check the API key."},
					},
				},
				"log": map[string]any{"sanitize": []string{"request.headers.x-api-key"}},
			},
		},
	}
}

// makeRPCComponents are the option lists behind selects.
func makeRPCComponents() []makeComponent {
	rpc := func(id, label, options string) makeComponent {
		return makeComponent{
			kind: "rpc", id: id,
			meta: map[string]any{"label": label, "connection": makeConnection},
			codes: map[string]any{
				"params": []any{},
				"communication": map[string]any{
					"url": "/v1/meta/options/" + options, "method": "GET",
					"response": map[string]any{
						"iterate": "{{body}}",
						"output":  map[string]any{"label": "{{item.label}}", "value": "{{item.value}}"},
					},
				},
			},
		}
	}
	return []makeComponent{
		rpc(makeJobsRPC, "List Jobs", "jobs"),
		rpc(makeStatusRPC, "List Candidate Statuses", "candidate_statuses"),
	}
}

// makeGroups lists the modules in the editor's groups.json: one group per
// noun, triggers first, in catalog order.
func makeGroups(comps []makeComponent) []map[string]any {
	var order []string
	byNoun := map[string][]string{}
	for _, c := range comps {
		if c.kind != "module" {
			continue
		}
		noun := c.group
		if _, seen := byNoun[noun]; !seen {
			order = append(order, noun)
		}
		byNoun[noun] = append(byNoun[noun], c.id)
	}
	out := make([]map[string]any, 0, len(order))
	for _, n := range order {
		out = append(out, map[string]any{"label": n + "s", "modules": byNoun[n]})
	}
	return out
}

// kebab is the editor's file-name form of an ID: newCandidate → new-candidate.
func kebab(id string) string {
	var b strings.Builder
	for i, r := range id {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
