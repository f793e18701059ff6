package schemas

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// inAdditional wraps hand-written properties in the Additional Fields
// collection N8nProperties puts optional fields in.
func inAdditional(props string) string {
	return `[{"displayName":"Additional Fields","name":"additionalFields","type":"collection","placeholder":"Add Field",
		"default":{},"displayOptions":{"show":{"resource":["job"],"operation":["create"]}},"options":[` + props + `]}]`
}

func TestN8nPropertiesPerConstruct(t *testing.T) {
	body := func(p string) string { return `"routing":{"send":{"type":"body","property":"` + p + `"}}` }
	want := map[string]string{
		"string required": `[{"displayName":"Name","name":"name","description":"A name","type":"string","default":"","required":true,
			"displayOptions":{"show":{"resource":["job"],"operation":["create"]}},` + body("name") + `}]`,
		"string limits": inAdditional(`{"displayName":"Code","name":"code","description":"A code","type":"string","default":"","placeholder":"e.g. ABC",` + body("code") + `}`),
		"long text":     inAdditional(`{"displayName":"Notes","name":"notes","description":"Notes","type":"string","default":"","typeOptions":{"rows":4},` + body("notes") + `}`),
		"enum": inAdditional(`{"displayName":"Status","name":"status","description":"The status","type":"options","default":"open",
			"options":[{"name":"On Hold","value":"on_hold"},{"name":"Open","value":"open"}],` + body("status") + `}`),
		"nullable enum": inAdditional(`{"displayName":"Mode","name":"mode","description":"The mode","type":"options","default":"remote",
			"options":[{"name":"Remote","value":"remote"}],` + body("mode") + `}`),
		"nullable string": inAdditional(`{"displayName":"Phone","name":"phone","description":"A phone","type":"string","default":"",` + body("phone") + `}`),
		"integer": inAdditional(`{"displayName":"Size","name":"size","description":"Bytes","type":"number","default":1,
			"typeOptions":{"minValue":1,"maxValue":100,"numberPrecision":0},` + body("size") + `}`),
		"number": inAdditional(`{"displayName":"Score","name":"score","description":"A score","type":"number","default":0,
			"typeOptions":{"minValue":-1,"maxValue":1},` + body("score") + `}`),
		"boolean":      inAdditional(`{"displayName":"Test","name":"test","description":"A test","type":"boolean","default":false,` + body("test") + `}`),
		"date-time":    inAdditional(`{"displayName":"Created at","name":"created_at","description":"When","type":"dateTime","default":"",` + body("created_at") + `}`),
		"date pattern": inAdditional(`{"displayName":"Start Date","name":"start_date","description":"YYYY-MM","type":"string","default":"","placeholder":"e.g. 2021-04",` + body("start_date") + `}`),
		"email":        inAdditional(`{"displayName":"E-Mail","name":"email","description":"An address","type":"string","default":"","placeholder":"name@email.com",` + body("email") + `}`),
		"uri":          inAdditional(`{"displayName":"Link","name":"link","description":"A link","type":"string","default":"",` + body("link") + `}`),
		"nested object": inAdditional(`{"displayName":"Hiring Manager","name":"hiring_manager","description":"The manager","type":"collection",
			"placeholder":"Add Field","default":{},"options":[
				{"displayName":"Hiring Manager E-Mail","name":"email","description":"Work address","type":"string","default":"","placeholder":"name@email.com"},
				{"displayName":"Hiring Manager Name","name":"name","description":"Full name","type":"string","default":""}],` + body("hiring_manager") + `}`),
		"array of strings": inAdditional(`{"displayName":"Skills","name":"skills","description":"Skills","type":"string","default":[],
			"typeOptions":{"multipleValues":true,"multipleValueButtonText":"Add Skill"},` + body("skills") + `}`),
		"array of objects": inAdditional(`{"displayName":"Experience","name":"experience","description":"Work history","type":"fixedCollection",
			"default":{},"placeholder":"Add Position","typeOptions":{"multipleValues":true},
			"options":[{"displayName":"Position","name":"position","values":[
				{"displayName":"Start Date","name":"start_date","description":"Start","type":"string","default":""},
				{"displayName":"Position Title","name":"title","description":"The title","type":"string","default":"","required":true}]}],
			"routing":{"send":{"type":"body","property":"experience","value":"={{ $value.position }}"}}}`),
		"default": inAdditional(`{"displayName":"State","name":"state","description":"The state","type":"options","default":"open",
			"options":[{"name":"Closed","value":"closed"},{"name":"Open","value":"open"}],` + body("state") + `}`),
		"no title": inAdditional(`{"displayName":"Current Company","name":"current_company","description":"Employer","type":"string","default":"",` + body("current_company") + `}`),
		"const": inAdditional(`{"displayName":"Kind","name":"kind","description":"Always job","type":"options","default":"job",
			"options":[{"name":"Job","value":"job"}],` + body("kind") + `}`),
		"dropdown": inAdditional(`{"displayName":"Job Name or ID","name":"job_id","type":"options","default":"",
			"description":"Choose from the list, or specify an ID using an <a href=\"https://docs.n8n.io/code/expressions/\">expression</a>",
			"typeOptions":{"loadOptionsMethod":"getJobs"},` + body("job_id") + `}`),
	}
	checkEveryConstruct(t, want)
	opts := N8nOptions{RenderOptions: DefaultRenderOptions(), Resource: "job", Operation: "create"}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			got, err := n8nProperties(constructFields(t, constructs[name]), opts)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, got, w)
			for _, e := range n8nRules(got) {
				t.Errorf("breaks n8n's rules: %s", e)
			}
		})
	}
}

func TestN8nOptions(t *testing.T) {
	tests := []struct {
		name string
		opts N8nOptions
		want string
	}{
		{"query with update fields and no show", N8nOptions{Send: "query", CollectionName: "updateFields", CollectionDisplayName: "Update Fields"},
			`[{"displayName":"Update Fields","name":"updateFields","type":"collection","placeholder":"Add Field","default":{},"options":[
				{"displayName":"Phone","name":"phone","description":"A phone","type":"string","default":"","routing":{"send":{"type":"query","property":"phone"}}}]}]`},
		{"operation only", N8nOptions{Operation: "search"},
			`[{"displayName":"Additional Fields","name":"additionalFields","type":"collection","placeholder":"Add Field","default":{},
				"displayOptions":{"show":{"operation":["search"]}},"options":[
				{"displayName":"Phone","name":"phone","description":"A phone","type":"string","default":"","routing":{"send":{"type":"body","property":"phone"}}}]}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := n8nProperties(constructFields(t, constructs["nullable string"]), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, got, tc.want)
		})
	}
	if _, err := N8nProperties("job_create", N8nOptions{Send: "header"}); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("Send header: err = %v", err)
	}
}

func TestN8nCatalogFollowsN8nRules(t *testing.T) {
	inputs, _ := relevant()
	for _, name := range inputs {
		t.Run(name, func(t *testing.T) {
			ps, err := N8nProperties(name, N8nOptions{RenderOptions: DefaultRenderOptions(), Resource: "job", Operation: "create"})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range n8nRules(ps) {
				t.Error(e)
			}
		})
	}
	t.Run("job_create title is required at the top", func(t *testing.T) {
		ps, err := N8nProperties("job_create", N8nOptions{Resource: "job", Operation: "create"})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 2 || ps[0]["name"] != "title" || ps[0]["required"] != true || ps[1]["name"] != "additionalFields" {
			t.Errorf("got %v", ps)
		}
	})
}

// TestN8nRuleCheckerCatchesBreaks makes sure the checker below can fail.
func TestN8nRuleCheckerCatchesBreaks(t *testing.T) {
	ok := func() map[string]any {
		return map[string]any{"displayName": "X", "name": "x", "type": "string", "default": ""}
	}
	tests := []struct {
		name   string
		mutate func(p map[string]any)
	}{
		{"no default", func(p map[string]any) { delete(p, "default") }},
		{"wrong default type", func(p map[string]any) { p["default"] = 0.0 }},
		{"bad name", func(p map[string]any) { p["name"] = "job-id" }},
		{"no displayName", func(p map[string]any) { delete(p, "displayName") }},
		{"unknown type", func(p map[string]any) { p["type"] = "text" }},
		{"empty options", func(p map[string]any) { p["type"], p["options"] = "options", []map[string]any{} }},
		{"repeated option value", func(p map[string]any) {
			p["type"], p["default"] = "options", "a"
			p["options"] = []map[string]any{{"name": "A", "value": "a"}, {"name": "B", "value": "a"}}
		}},
		{"default not an option", func(p map[string]any) {
			p["type"], p["default"] = "options", "c"
			p["options"] = []map[string]any{{"name": "A", "value": "a"}}
		}},
		{"unsorted options", func(p map[string]any) {
			p["type"], p["default"] = "options", "b"
			p["options"] = []map[string]any{{"name": "B", "value": "b"}, {"name": "A", "value": "a"}}
		}},
		{"show not a list", func(p map[string]any) {
			p["displayOptions"] = map[string]any{"show": map[string]any{"resource": "job"}}
		}},
		{"unknown display key", func(p map[string]any) { p["displayOptions"] = map[string]any{"when": map[string]any{}} }},
		{"bad send type", func(p map[string]any) {
			p["routing"] = map[string]any{"send": map[string]any{"type": "header", "property": "x"}}
		}},
		{"collection default not object", func(p map[string]any) {
			p["type"], p["default"] = "collection", ""
			p["options"] = []map[string]any{ok()}
		}},
		{"bad collection child", func(p map[string]any) {
			p["type"], p["default"] = "collection", map[string]any{}
			p["options"] = []map[string]any{{"displayName": "Y", "name": "y", "type": "string"}}
		}},
		{"multiple values default not a list", func(p map[string]any) { p["typeOptions"] = map[string]any{"multipleValues": true} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ok()
			tc.mutate(p)
			if errs := n8nRules([]map[string]any{p}); len(errs) == 0 {
				t.Errorf("%v passed", p)
			}
		})
	}
	if errs := n8nRules([]map[string]any{ok(), ok()}); len(errs) == 0 {
		t.Errorf("two properties named x passed")
	}
	if errs := n8nRules([]map[string]any{ok()}); len(errs) != 0 {
		t.Errorf("a valid property failed: %v", errs)
	}
}

// The documented INodeProperties rules (n8n-workflow Interfaces.ts:
// NodePropertyTypes, INodeProperties with its required default,
// INodePropertyOptions, INodePropertyCollection, IDisplayOptions,
// INodeRequestSend) plus the n8n-nodes-base lint rules the renderer follows
// (options sorted by name, collection options by displayName). The real
// TypeScript compile against n8n-workflow comes with the n8n package.
var (
	n8nTypes = set("boolean", "button", "collection", "color", "dateTime", "fixedCollection", "hidden", "json",
		"callout", "notice", "multiOptions", "number", "options", "string", "credentialsSelect", "resourceLocator",
		"curlImport", "resourceMapper", "filter", "assignmentCollection", "credentials", "workflowSelector")
	n8nName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

func n8nRules(ps []map[string]any) []string {
	var errs []string
	names := map[string]bool{}
	for _, p := range ps {
		name, _ := p["name"].(string)
		if names[name] {
			errs = append(errs, fmt.Sprintf("%s: name repeated", name))
		}
		names[name] = true
		errs = append(errs, n8nPropertyRules(p)...)
	}
	return errs
}

func n8nPropertyRules(p map[string]any) []string {
	var errs []string
	name, _ := p["name"].(string)
	fail := func(format string, a ...any) { errs = append(errs, name+": "+fmt.Sprintf(format, a...)) }
	if !n8nName.MatchString(name) {
		fail("name is not an identifier")
	}
	if s, _ := p["displayName"].(string); s == "" {
		fail("displayName missing")
	}
	typ, _ := p["type"].(string)
	if !n8nTypes[typ] {
		fail("type %q is not a NodePropertyTypes", typ)
	}
	def, hasDefault := p["default"]
	if !hasDefault {
		fail("default missing (INodeProperties requires one)")
	}
	to, _ := p["typeOptions"].(map[string]any)
	multiple := to["multipleValues"] == true
	switch {
	case multiple && typ != "fixedCollection":
		if _, ok := def.([]any); !ok {
			fail("default %v: multipleValues wants a list", def)
		}
	case typ == "string" || typ == "dateTime" || typ == "json":
		if _, ok := def.(string); !ok {
			fail("default %v is not a string", def)
		}
	case typ == "number":
		if _, ok := def.(float64); !ok {
			fail("default %v is not a number", def)
		}
	case typ == "boolean":
		if _, ok := def.(bool); !ok {
			fail("default %v is not a boolean", def)
		}
	case typ == "multiOptions":
		if _, ok := def.([]any); !ok {
			fail("default %v is not a list", def)
		}
	case typ == "collection" || typ == "fixedCollection":
		if _, ok := def.(map[string]any); !ok {
			fail("default %v is not an object", def)
		}
	}
	switch typ {
	case "options", "multiOptions":
		if _, dynamic := to["loadOptionsMethod"].(string); dynamic {
			if def != "" {
				fail("dynamic options default %v, want \"\"", def)
			}
			break
		}
		opts, _ := p["options"].([]map[string]any)
		if len(opts) == 0 {
			fail("options empty")
			break
		}
		values, labels := map[any]bool{}, []string{}
		for _, o := range opts {
			label, _ := o["name"].(string)
			switch o["value"].(type) {
			case string, float64, bool:
			default:
				fail("option %q value %v is not a string, number or boolean", label, o["value"])
			}
			if label == "" || values[o["value"]] {
				fail("option %v has no name or repeats a value", o)
			}
			values[o["value"]] = true
			labels = append(labels, label)
		}
		if !sort.StringsAreSorted(labels) {
			fail("options not sorted by name: %v", labels)
		}
		if typ == "options" && !values[def] {
			fail("default %v is not one of the options", def)
		}
	case "collection":
		opts, _ := p["options"].([]map[string]any)
		if len(opts) == 0 {
			fail("collection without options")
		}
		var labels []string
		for _, o := range opts {
			labels = append(labels, fmt.Sprint(o["displayName"]))
		}
		if !sort.StringsAreSorted(labels) {
			fail("collection options not sorted by displayName: %v", labels)
		}
		for _, e := range n8nRules(opts) {
			fail("%s", e)
		}
	case "fixedCollection":
		opts, _ := p["options"].([]map[string]any)
		if len(opts) == 0 {
			fail("fixedCollection without options")
		}
		for _, o := range opts {
			n, _ := o["name"].(string)
			values, _ := o["values"].([]map[string]any)
			if !n8nName.MatchString(n) || o["displayName"] == nil || len(values) == 0 {
				fail("fixedCollection option %v needs displayName, name and values", o)
			}
			for _, e := range n8nRules(values) {
				fail("%s", e)
			}
		}
	}
	if d, ok := p["displayOptions"]; ok {
		dm, _ := d.(map[string]any)
		for k, v := range dm {
			if k != "show" && k != "hide" {
				fail("displayOptions.%s is not show or hide", k)
				continue
			}
			conds, _ := v.(map[string]any)
			for param, vals := range conds {
				if list, ok := vals.([]any); !ok || len(list) == 0 {
					fail("displayOptions.%s.%s must be a non-empty list", k, param)
				}
			}
		}
	}
	if r, ok := p["routing"]; ok {
		send, _ := r.(map[string]any)["send"].(map[string]any)
		if t := send["type"]; t != "body" && t != "query" {
			fail("routing.send.type %v", t)
		}
		if s, _ := send["property"].(string); s == "" {
			fail("routing.send.property missing")
		}
	}
	if req, ok := p["required"]; ok {
		if _, isBool := req.(bool); !isBool {
			fail("required is not a boolean")
		}
	}
	return errs
}
