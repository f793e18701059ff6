package schemas

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func TestZapierInputFieldsPerConstruct(t *testing.T) {
	want := map[string]string{
		"string required": `[{"key":"name","label":"Name","required":true,"helpText":"A name.","type":"string"}]`,
		"string limits":   `[{"key":"code","label":"Code","required":false,"helpText":"A code.","type":"string","placeholder":"ABC"}]`,
		"long text":       `[{"key":"notes","label":"Notes","required":false,"helpText":"Notes.","type":"text"}]`,
		"enum": `[{"key":"status","label":"Status","required":false,"helpText":"The status.","type":"string",
			"choices":[{"value":"open","sample":"open","label":"Open"},{"value":"on_hold","sample":"on_hold","label":"On hold"}]}]`,
		"nullable enum": `[{"key":"mode","label":"Mode","required":false,"helpText":"The mode.","type":"string",
			"choices":[{"value":"remote","sample":"remote","label":"Remote"}]}]`,
		"nullable string": `[{"key":"phone","label":"Phone","required":false,"helpText":"A phone.","type":"string"}]`,
		"integer":         `[{"key":"size","label":"Size","required":false,"helpText":"Bytes.","type":"integer"}]`,
		"number":          `[{"key":"score","label":"Score","required":false,"helpText":"A score.","type":"number"}]`,
		"boolean":         `[{"key":"test","label":"Test","required":false,"helpText":"A test.","type":"boolean"}]`,
		"date-time":       `[{"key":"created_at","label":"Created at","required":false,"helpText":"When.","type":"datetime"}]`,
		"date pattern":    `[{"key":"start_date","label":"Start date","required":false,"helpText":"YYYY-MM.","type":"string","placeholder":"2021-04"}]`,
		"email":           `[{"key":"email","label":"E-mail","required":false,"helpText":"An address.","type":"string"}]`,
		"uri":             `[{"key":"link","label":"Link","required":false,"helpText":"A link.","type":"string"}]`,
		"nested object": `[
			{"key":"hiring_manager__name","label":"Hiring manager name","required":false,"helpText":"Full name.","type":"string"},
			{"key":"hiring_manager__email","label":"Hiring manager e-mail","required":false,"helpText":"Work address.","type":"string"}]`,
		"array of strings": `[{"key":"skills","label":"Skills","required":false,"helpText":"Skills.","type":"string","list":true}]`,
		"array of objects": `[{"key":"experience","label":"Experience","required":false,"children":[
			{"key":"experience__start_date","label":"Start date","required":false,"helpText":"Start.","type":"string"},
			{"key":"experience__title","label":"Position title","required":true,"helpText":"The title.","type":"string"}]}]`,
		"default": `[{"key":"state","label":"State","required":false,"helpText":"The state.","type":"string","default":"open",
			"choices":[{"value":"open","sample":"open","label":"Open"},{"value":"closed","sample":"closed","label":"Closed"}]}]`,
		"no title": `[{"key":"current_company","label":"Current company","required":false,"helpText":"Employer.","type":"string"}]`,
		"dropdown": `[{"key":"job_id","label":"Job ID","required":false,"helpText":"The job.","type":"string","dynamic":"job_list.id.label"}]`,
		"const": `[{"key":"kind","label":"Kind","required":false,"helpText":"Always job.","type":"string",
			"choices":[{"value":"job","sample":"job","label":"Job"}]}]`,
	}
	checkEveryConstruct(t, want)
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			got, err := zapierInputs(constructFields(t, constructs[name]), "", "", true, false, DefaultRenderOptions())
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, got, w)
			if errs := zapierInputRules(got); len(errs) > 0 {
				t.Errorf("breaks Zapier's rules: %v", errs)
			}
		})
	}
}

func TestZapierOutputFieldsPerConstruct(t *testing.T) {
	want := map[string]string{
		"string required": `[{"key":"name","label":"Name","type":"string"}]`,
		"string limits":   `[{"key":"code","label":"Code","type":"string","sample":"ABC"}]`,
		"long text":       `[{"key":"notes","label":"Notes","type":"string"}]`,
		"enum":            `[{"key":"status","label":"Status","type":"string"}]`,
		"nullable enum":   `[{"key":"mode","label":"Mode","type":"string"}]`,
		"nullable string": `[{"key":"phone","label":"Phone","type":"string"}]`,
		"integer":         `[{"key":"size","label":"Size","type":"integer"}]`,
		"number":          `[{"key":"score","label":"Score","type":"number"}]`,
		"boolean":         `[{"key":"test","label":"Test","type":"boolean"}]`,
		"date-time":       `[{"key":"created_at","label":"Created at","type":"datetime"}]`,
		"date pattern":    `[{"key":"start_date","label":"Start date","type":"string","sample":"2021-04"}]`,
		"email":           `[{"key":"email","label":"E-mail","type":"string"}]`,
		"uri":             `[{"key":"link","label":"Link","type":"string"}]`,
		"nested object": `[{"key":"hiring_manager__name","label":"Hiring manager name","type":"string"},
			{"key":"hiring_manager__email","label":"Hiring manager e-mail","type":"string"}]`,
		"array of strings": `[{"key":"skills","label":"Skills","type":"string","list":true}]`,
		"array of objects": `[{"key":"experience","label":"Experience","children":[
			{"key":"start_date","label":"Start date","type":"string"},
			{"key":"title","label":"Position title","type":"string"}]}]`,
		"default":  `[{"key":"state","label":"State","type":"string"}]`,
		"no title": `[{"key":"current_company","label":"Current company","type":"string"}]`,
		"dropdown": `[{"key":"job_id","label":"Job ID","type":"string"}]`,
		"const":    `[{"key":"kind","label":"Kind","type":"string"}]`,
	}
	checkEveryConstruct(t, want)
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			got, err := zapierOutputs(constructFields(t, constructs[name]), "", "", false)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, got, w)
			if errs := zapierOutputRules(got); len(errs) > 0 {
				t.Errorf("breaks Zapier's rules: %v", errs)
			}
		})
	}
}

func TestZapierCatalogFollowsZapierRules(t *testing.T) {
	inputs, outputs := relevant()
	for _, name := range inputs {
		t.Run("in "+name, func(t *testing.T) {
			fs, err := ZapierInputFields(name, DefaultRenderOptions())
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range zapierInputRules(fs) {
				t.Error(e)
			}
		})
	}
	for _, name := range outputs {
		t.Run("out "+name, func(t *testing.T) {
			fs, err := ZapierOutputFields(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range zapierOutputRules(fs) {
				t.Error(e)
			}
		})
	}
	t.Run("nested data keys", func(t *testing.T) {
		fs, err := ZapierOutputFields("event_candidate_created")
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]map[string]any{}
		for _, f := range fs {
			keys[f["key"].(string)] = f
		}
		for _, k := range []string{"data__email", "data__resume__url", "data__experience", "data__skills", "data__created_at"} {
			if keys[k] == nil {
				t.Errorf("no output field %s", k)
			}
		}
		if keys["data__skills"]["list"] != true || keys["data__created_at"]["type"] != "datetime" {
			t.Errorf("skills %v, created_at %v", keys["data__skills"], keys["data__created_at"])
		}
	})
}

// TestZapierRuleCheckerCatchesBreaks makes sure the checker below can fail:
// each case is one of zapier-platform-schema's own anti-examples or
// functional constraints.
func TestZapierRuleCheckerCatchesBreaks(t *testing.T) {
	tests := []struct {
		name  string
		field map[string]any
	}{
		{"no key", map[string]any{"label": "X"}},
		{"bad type", map[string]any{"key": "abc", "type": "loltype"}},
		{"empty choices", map[string]any{"key": "abc", "choices": []any{}}},
		{"choice without sample", map[string]any{"key": "abc", "choices": []any{map[string]any{"label": "Red", "value": "#f00"}}}},
		{"number choice", map[string]any{"key": "abc", "choices": []any{3.0}}},
		{"dynamic not a reference", map[string]any{"key": "abc", "dynamic": "Contact List"}},
		{"children and list", map[string]any{"key": "abc", "list": true, "children": []map[string]any{{"key": "x"}}}},
		{"children and helpText", map[string]any{"key": "abc", "helpText": "h", "children": []map[string]any{{"key": "x"}}}},
		{"dynamic and choices", map[string]any{"key": "abc", "dynamic": "a.b", "choices": []any{"x"}}},
		{"nested children", map[string]any{"key": "abc", "children": []map[string]any{{"key": "x", "children": []map[string]any{{"key": "y"}}}}}},
		{"child key repeats a field", map[string]any{"key": "abc", "children": []map[string]any{{"key": "abc"}}}},
		{"long help", map[string]any{"key": "abc", "helpText": string(make([]byte, 1001))}},
		{"empty default", map[string]any{"key": "abc", "default": ""}},
		{"unknown key", map[string]any{"key": "abc", "description": "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if errs := zapierInputRules([]map[string]any{tc.field}); len(errs) == 0 {
				t.Errorf("%v passed", tc.field)
			}
		})
	}
	if errs := zapierOutputRules([]map[string]any{{"key": "abc", "type": "text"}}); len(errs) == 0 {
		t.Errorf("output type text passed (not in PlainOutputFieldSchema's enum)")
	}
	if errs := zapierOutputRules([]map[string]any{{"key": "abc", "helpText": "x"}}); len(errs) == 0 {
		t.Errorf("output helpText passed (not in PlainOutputFieldSchema)")
	}
}

// Rules of zapier-platform-schema 19.1.0 (PlainInputFieldSchema,
// PlainOutputFieldSchema, RefResourceSchema, FieldChoicesSchema,
// FieldChoiceWithLabelSchema, constants.INCOMPATIBLE_FIELD_SCHEMA_KEYS and
// the deepNestedFields / uniqueInputFieldKeys / mutuallyExclusiveFields
// functional constraints), restated for the keys the renderers emit.
var (
	zapierInputKeys = set("key", "label", "helpText", "type", "required", "placeholder", "default",
		"dynamic", "search", "choices", "list", "children", "dict", "computed", "altersDynamicFields",
		"inputFormat", "meta", "group", "schema", "dependsOn", "resource")
	zapierOutputKeys  = set("key", "label", "type", "required", "default", "list", "children", "dict", "primary", "steadyState", "sample")
	zapierInputTypes  = set("string", "text", "integer", "number", "boolean", "datetime", "file", "password", "copy", "code", "json")
	zapierOutputTypes = set("string", "number", "boolean", "datetime", "file", "password", "integer")
	zapierExclusive   = [][2]string{{"children", "list"}, {"children", "dict"}, {"children", "type"}, {"children", "placeholder"},
		{"children", "helpText"}, {"children", "default"}, {"dict", "list"}, {"dynamic", "dict"}, {"dynamic", "choices"}}
	zapierRefResource = regexp.MustCompile(`^[a-zA-Z0-9_]+\.[a-zA-Z0-9_\s\[\]]+(\.[a-zA-Z0-9_\s\[\]]+(,[a-zA-Z0-9_\s\[\]]+)*)?$`)
	// The project's own rule on top of Zapier's (which only asks for a
	// non-empty key): keys are the API's snake_case names, joined by __.
	zapierKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

func set(keys ...string) map[string]bool {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func zapierInputRules(fs []map[string]any) []string {
	var errs []string
	seen := map[string]bool{}
	var check func(f map[string]any, inChildren bool)
	check = func(f map[string]any, inChildren bool) {
		key, _ := f["key"].(string)
		errs = append(errs, zapierCommonRules(f, zapierInputKeys, zapierInputTypes)...)
		if seen[key] {
			errs = append(errs, fmt.Sprintf("%s: key not unique in the action", key))
		}
		seen[key] = true
		if h, ok := f["helpText"]; ok {
			if s, isStr := h.(string); !isStr || s == "" || len([]rune(s)) > zapierHelpMax {
				errs = append(errs, fmt.Sprintf("%s: helpText must be 1-1000 characters", key))
			}
		}
		if p, ok := f["placeholder"]; ok {
			if s, isStr := p.(string); !isStr || s == "" {
				errs = append(errs, fmt.Sprintf("%s: placeholder must be a non-empty string", key))
			}
		}
		if d, ok := f["dynamic"]; ok {
			if s, isStr := d.(string); !isStr || !zapierRefResource.MatchString(s) {
				errs = append(errs, fmt.Sprintf("%s: dynamic %v is not a RefResource", key, d))
			}
		}
		if c, ok := f["choices"]; ok {
			errs = append(errs, zapierChoiceRules(key, c)...)
		}
		for _, pair := range zapierExclusive {
			_, a := f[pair[0]]
			_, b := f[pair[1]]
			if a && b {
				errs = append(errs, fmt.Sprintf("%s: %s and %s are mutually exclusive", key, pair[0], pair[1]))
			}
		}
		if ch, ok := f["children"]; ok {
			kids, isList := ch.([]map[string]any)
			if !isList || len(kids) == 0 {
				errs = append(errs, fmt.Sprintf("%s: children must be a non-empty list of fields", key))
			}
			for _, k := range kids {
				if inChildren || k["children"] != nil {
					errs = append(errs, fmt.Sprintf("%s: children nest one level at most", key))
				}
				check(k, true)
			}
		}
	}
	for _, f := range fs {
		check(f, false)
	}
	return errs
}

func zapierOutputRules(fs []map[string]any) []string {
	var errs []string
	for _, f := range fs {
		errs = append(errs, zapierCommonRules(f, zapierOutputKeys, zapierOutputTypes)...)
		if ch, ok := f["children"]; ok {
			kids, isList := ch.([]map[string]any)
			if !isList || len(kids) == 0 {
				errs = append(errs, fmt.Sprintf("%v: children must be a non-empty list", f["key"]))
			}
			errs = append(errs, zapierOutputRules(kids)...)
		}
	}
	return errs
}

// zapierCommonRules checks what input and output fields share.
func zapierCommonRules(f map[string]any, allowed, types map[string]bool) []string {
	var errs []string
	key, _ := f["key"].(string)
	if key == "" {
		return append(errs, fmt.Sprintf("%v: key must be a non-empty string", f))
	}
	if !zapierKeyPattern.MatchString(key) {
		errs = append(errs, fmt.Sprintf("%s: key is not snake_case", key))
	}
	var extra []string
	for k := range f {
		if !allowed[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		errs = append(errs, fmt.Sprintf("%s: keys %v are not in the field schema", key, extra))
	}
	if l, ok := f["label"]; ok {
		if s, isStr := l.(string); !isStr || s == "" {
			errs = append(errs, fmt.Sprintf("%s: label must be a non-empty string", key))
		}
	}
	if t, ok := f["type"]; ok {
		if s, _ := t.(string); !types[s] {
			errs = append(errs, fmt.Sprintf("%s: type %v not allowed", key, t))
		}
	}
	for _, b := range []string{"required", "list", "dict"} {
		if v, ok := f[b]; ok {
			if _, isBool := v.(bool); !isBool {
				errs = append(errs, fmt.Sprintf("%s: %s must be a boolean", key, b))
			}
		}
	}
	if d, ok := f["default"]; ok {
		if s, isStr := d.(string); !isStr || s == "" {
			errs = append(errs, fmt.Sprintf("%s: default must be a non-empty string", key))
		}
	}
	return errs
}

// zapierChoiceRules: FieldChoicesSchema is a non-empty object, or a
// non-empty array of strings or of {value, sample, label} (all non-empty
// strings).
func zapierChoiceRules(key string, c any) []string {
	switch v := c.(type) {
	case map[string]any:
		if len(v) == 0 {
			return []string{key + ": choices cannot be empty"}
		}
	case []any:
		if len(v) == 0 {
			return []string{key + ": choices cannot be empty"}
		}
		for _, item := range v {
			switch it := item.(type) {
			case string:
			case map[string]any:
				for _, k := range []string{"value", "sample", "label"} {
					if s, ok := it[k].(string); !ok || s == "" {
						return []string{fmt.Sprintf("%s: choice %v needs a non-empty %s", key, it, k)}
					}
				}
				if len(it) != 3 {
					return []string{fmt.Sprintf("%s: choice %v has extra keys", key, it)}
				}
			default:
				return []string{fmt.Sprintf("%s: choice %v is neither a string nor a labelled choice", key, item)}
			}
		}
	default:
		return []string{fmt.Sprintf("%s: choices must be an object or an array", key)}
	}
	return nil
}

func TestZapierInputBody(t *testing.T) {
	tests := []struct {
		name, schema, input, want, wantErr string
	}{
		{"nested object", "job_create",
			`{"title":"Go dev","hiring_manager__name":"Lena","hiring_manager__email":"lena@example.com"}`,
			`{"title":"Go dev","hiring_manager":{"name":"Lena","email":"lena@example.com"}}`, ""},
		{"line items and lists", "candidate_update",
			`{"skills":["Go"],"experience":[{"experience__title":"Engineer","experience__start_date":"2021-04"}]}`,
			`{"skills":["Go"],"experience":[{"title":"Engineer","start_date":"2021-04"}]}`, ""},
		{"unknown keys pass through for validation to name", "job_update",
			`{"status":"open","salary":"1","hiring_manager__age":3}`,
			`{"status":"open","salary":"1","hiring_manager__age":3}`, ""},
		{"line items not a list", "candidate_update", `{"experience":"Engineer"}`, "", "experience"},
		{"line item not an object", "candidate_update", `{"education":["MIT"]}`, "", "education[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in map[string]any
			if err := json.Unmarshal([]byte(tc.input), &in); err != nil {
				t.Fatal(err)
			}
			got, err := ZapierInputBody(tc.schema, in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, got, tc.want)
		})
	}
}

// TestZapierKeysRoundTrip flattens each input schema's example the way a Zap
// delivers it, checks every flat key is a rendered field key, and expects
// ZapierInputBody to give back a body equal to the example (which the
// catalog tests prove valid).
func TestZapierKeysRoundTrip(t *testing.T) {
	inputs, _ := relevant()
	for _, name := range inputs {
		t.Run(name, func(t *testing.T) {
			ex, ok := Example(name)
			if !ok {
				t.Fatal("no example")
			}
			var body map[string]any
			if err := json.Unmarshal(ex, &body); err != nil {
				t.Fatal(err)
			}
			flat := map[string]any{}
			zapFlatten(body, "", flat)
			fields, err := ZapierInputFields(name, DefaultRenderOptions())
			if err != nil {
				t.Fatal(err)
			}
			keys := map[string]bool{}
			for _, f := range flattenZapier(fields) {
				keys[f["key"].(string)] = true
			}
			for k, v := range flat {
				if !keys[k] {
					t.Errorf("example key %s is not a rendered field", k)
				}
				if rows, ok := v.([]any); ok {
					for _, r := range rows {
						if row, ok := r.(map[string]any); ok {
							for rk := range row {
								if !keys[rk] {
									t.Errorf("line item key %s is not a rendered child", rk)
								}
							}
						}
					}
				}
			}
			got, err := ZapierInputBody(name, flat)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, got, string(ex))
		})
	}
}

// zapFlatten is written independently of the renderer: objects become
// parent__child keys, arrays of objects rows whose keys carry the array's
// prefix, everything else stays.
func zapFlatten(v map[string]any, prefix string, into map[string]any) {
	for k, val := range v {
		key := prefix + k
		switch x := val.(type) {
		case map[string]any:
			zapFlatten(x, key+"__", into)
		case []any:
			if len(x) > 0 {
				if _, isObj := x[0].(map[string]any); isObj {
					rows := make([]any, 0, len(x))
					for _, r := range x {
						row := map[string]any{}
						zapFlatten(r.(map[string]any), key+"__", row)
						rows = append(rows, row)
					}
					into[key] = rows
					continue
				}
			}
			into[key] = x
		default:
			into[key] = x
		}
	}
}
