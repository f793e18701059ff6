package schemas

import (
	"encoding/json"
	"testing"

	"github.com/visage-jobs/visage-hub/schemas/platform"
)

func TestMakeParametersPerConstruct(t *testing.T) {
	want := map[string]string{
		"string required": `[{"name":"name","label":"Name","help":"A name.","required":true,"type":"text"}]`,
		"string limits":   `[{"name":"code","label":"Code","help":"A code.","type":"text","validate":{"min":2,"max":10,"pattern":"^[A-Z]+$"}}]`,
		"long text":       `[{"name":"notes","label":"Notes","help":"Notes.","type":"text","validate":{"max":5000}}]`,
		"enum": `[{"name":"status","label":"Status","help":"The status.","type":"select",
			"options":[{"label":"Open","value":"open"},{"label":"On hold","value":"on_hold"}]}]`,
		"nullable enum":   `[{"name":"mode","label":"Mode","help":"The mode.","type":"select","options":[{"label":"Remote","value":"remote"}]}]`,
		"nullable string": `[{"name":"phone","label":"Phone","help":"A phone.","type":"text","validate":{"max":50}}]`,
		"integer":         `[{"name":"size","label":"Size","help":"Bytes.","type":"uinteger","validate":{"min":1,"max":100}}]`,
		"number":          `[{"name":"score","label":"Score","help":"A score.","type":"number","validate":{"min":-1,"max":1}}]`,
		"boolean":         `[{"name":"test","label":"Test","help":"A test.","type":"boolean"}]`,
		"date-time":       `[{"name":"created_at","label":"Created at","help":"When.","type":"date"}]`,
		"date pattern":    `[{"name":"start_date","label":"Start date","help":"YYYY-MM.","type":"text","validate":{"pattern":"^[0-9]{4}-[0-9]{2}$"}}]`,
		"email":           `[{"name":"email","label":"E-mail","help":"An address.","type":"email"}]`,
		"uri":             `[{"name":"link","label":"Link","help":"A link.","type":"url"}]`,
		"nested object": `[{"name":"hiring_manager","label":"Hiring manager","help":"The manager.","type":"collection","spec":[
			{"name":"name","label":"Hiring manager name","help":"Full name.","required":true,"type":"text","validate":{"max":200}},
			{"name":"email","label":"Hiring manager e-mail","help":"Work address.","type":"email"}]}]`,
		"array of strings": `[{"name":"skills","label":"Skills","help":"Skills.","type":"array","validate":{"maxItems":100},
			"spec":{"label":"Skill","help":"One skill.","type":"text","validate":{"max":100}}}]`,
		"array of objects": `[{"name":"experience","label":"Experience","help":"Work history.","type":"array","validate":{"maxItems":50},"spec":[
			{"name":"start_date","label":"Start date","help":"Start.","type":"text"},
			{"name":"title","label":"Position title","help":"The title.","required":true,"type":"text"}]}]`,
		"default": `[{"name":"state","label":"State","help":"The state.","type":"select","default":"open",
			"options":[{"label":"Open","value":"open"},{"label":"Closed","value":"closed"}]}]`,
		"no title": `[{"name":"current_company","label":"Current company","help":"Employer.","type":"text"}]`,
		"dropdown": `[{"name":"job_id","label":"Job ID","help":"The job.","type":"select","options":"rpc://listJobs"}]`,
		"const":    `[{"name":"kind","label":"Kind","help":"Always job.","type":"select","options":[{"label":"Job","value":"job"}]}]`,
	}
	checkEveryConstruct(t, want)
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			got := makeParams(constructFields(t, constructs[name]), DefaultRenderOptions(), false)
			sameJSON(t, got, w)
			checkMake(t, false, got)
		})
	}
}

func TestMakeInterfacePerConstruct(t *testing.T) {
	want := map[string]string{
		"string required": `[{"name":"name","label":"Name","help":"A name.","type":"text"}]`,
		"string limits":   `[{"name":"code","label":"Code","help":"A code.","type":"text"}]`,
		"long text":       `[{"name":"notes","label":"Notes","help":"Notes.","type":"text"}]`,
		"enum":            `[{"name":"status","label":"Status","help":"The status.","type":"text"}]`,
		"nullable enum":   `[{"name":"mode","label":"Mode","help":"The mode.","type":"text"}]`,
		"nullable string": `[{"name":"phone","label":"Phone","help":"A phone.","type":"text"}]`,
		"integer":         `[{"name":"size","label":"Size","help":"Bytes.","type":"uinteger"}]`,
		"number":          `[{"name":"score","label":"Score","help":"A score.","type":"number"}]`,
		"boolean":         `[{"name":"test","label":"Test","help":"A test.","type":"boolean"}]`,
		"date-time":       `[{"name":"created_at","label":"Created at","help":"When.","type":"date"}]`,
		"date pattern":    `[{"name":"start_date","label":"Start date","help":"YYYY-MM.","type":"text"}]`,
		"email":           `[{"name":"email","label":"E-mail","help":"An address.","type":"email"}]`,
		"uri":             `[{"name":"link","label":"Link","help":"A link.","type":"url"}]`,
		"nested object": `[{"name":"hiring_manager","label":"Hiring manager","help":"The manager.","type":"collection","spec":[
			{"name":"name","label":"Hiring manager name","help":"Full name.","type":"text"},
			{"name":"email","label":"Hiring manager e-mail","help":"Work address.","type":"email"}]}]`,
		"array of strings": `[{"name":"skills","label":"Skills","help":"Skills.","type":"array","spec":{"label":"Skill","help":"One skill.","type":"text"}}]`,
		"array of objects": `[{"name":"experience","label":"Experience","help":"Work history.","type":"array","spec":[
			{"name":"start_date","label":"Start date","help":"Start.","type":"text"},
			{"name":"title","label":"Position title","help":"The title.","type":"text"}]}]`,
		"default":  `[{"name":"state","label":"State","help":"The state.","type":"text"}]`,
		"no title": `[{"name":"current_company","label":"Current company","help":"Employer.","type":"text"}]`,
		"dropdown": `[{"name":"job_id","label":"Job ID","help":"The job.","type":"text"}]`,
		"const":    `[{"name":"kind","label":"Kind","help":"Always job.","type":"text"}]`,
	}
	checkEveryConstruct(t, want)
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			got := makeParams(constructFields(t, constructs[name]), RenderOptions{}, true)
			sameJSON(t, got, w)
			checkMake(t, true, got)
		})
	}
}

// TestMakeCatalogFollowsMakeRules validates every rendered parameter list
// and interface against the project's JSON Schema of Make's rules.
func TestMakeCatalogFollowsMakeRules(t *testing.T) {
	inputs, outputs := relevant()
	for _, name := range inputs {
		t.Run("expect "+name, func(t *testing.T) {
			ps, err := MakeParameters(name, DefaultRenderOptions())
			if err != nil {
				t.Fatal(err)
			}
			checkMake(t, false, ps)
		})
	}
	for _, name := range outputs {
		t.Run("interface "+name, func(t *testing.T) {
			ps := mustMakeInterface(t, name)
			checkMake(t, true, ps)
			// An interface is the parameter syntax narrowed, so it must
			// pass as parameters too.
			checkMake(t, false, ps)
		})
	}
}

func mustMakeInterface(t *testing.T, name string) []map[string]any {
	t.Helper()
	ps, err := MakeInterface(name)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestMakeSchemaCatchesBreaks makes sure the JSON Schema can fail: each case
// breaks one documented Make rule.
func TestMakeSchemaCatchesBreaks(t *testing.T) {
	tests := []struct {
		name  string
		iface bool
		param string
	}{
		{"no name", false, `{"label":"X","type":"text"}`},
		{"no label", false, `{"name":"x","type":"text"}`},
		{"unknown type", false, `{"name":"x","label":"X","type":"string"}`},
		{"upper-case type", false, `{"name":"x","label":"X","type":"Text"}`},
		{"select without options", false, `{"name":"x","label":"X","type":"select"}`},
		{"empty options", false, `{"name":"x","label":"X","type":"select","options":[]}`},
		{"option without value", false, `{"name":"x","label":"X","type":"select","options":[{"label":"A"}]}`},
		{"not an rpc url", false, `{"name":"x","label":"X","type":"select","options":"listJobs"}`},
		{"bad rpc id", false, `{"name":"x","label":"X","type":"select","options":"rpc://list-jobs"}`},
		{"options on text", false, `{"name":"x","label":"X","type":"text","options":[{"label":"A","value":"a"}]}`},
		{"collection without spec", false, `{"name":"x","label":"X","type":"collection"}`},
		{"spec on text", false, `{"name":"x","label":"X","type":"text","spec":[]}`},
		{"named primitive spec", false, `{"name":"x","label":"X","type":"array","spec":{"name":"y","label":"Y","type":"text"}}`},
		{"validate on email", false, `{"name":"x","label":"X","type":"email","validate":{"max":5}}`},
		{"array validate on text", false, `{"name":"x","label":"X","type":"text","validate":{"maxItems":5}}`},
		{"negative uinteger bound", false, `{"name":"x","label":"X","type":"uinteger","validate":{"min":-1}}`},
		{"time on text", false, `{"name":"x","label":"X","type":"text","time":false}`},
		{"unknown key", false, `{"name":"x","label":"X","type":"text","description":"d"}`},
		{"bad nested parameter", false, `{"name":"x","label":"X","type":"collection","spec":[{"name":"y","type":"text"}]}`},
		{"select in interface", true, `{"name":"x","label":"X","type":"select","options":[{"label":"A","value":"a"}]}`},
		{"validate in interface", true, `{"name":"x","label":"X","type":"text","validate":{"max":5}}`},
		{"required in interface", true, `{"name":"x","label":"X","type":"text","required":true}`},
		{"select nested in interface", true, `{"name":"x","label":"X","type":"array","spec":[{"name":"y","label":"Y","type":"select","options":"rpc://listJobs"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var param any
			if err := json.Unmarshal([]byte("["+tc.param+"]"), &param); err != nil {
				t.Fatal(err)
			}
			if errs := platform.MakeErrors(t, tc.iface, param); len(errs) == 0 {
				t.Errorf("%s passed", tc.param)
			}
		})
	}
}

// checkMake validates ps against the project's JSON Schema of Make's
// rules: the parameter form, or the interface form when iface is set.
func checkMake(t *testing.T, iface bool, ps []map[string]any) {
	t.Helper()
	for _, e := range platform.MakeErrors(t, iface, ps) {
		t.Errorf("breaks Make's rules: %s", e)
	}
}
