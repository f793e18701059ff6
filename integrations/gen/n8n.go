package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/schemas"
	"github.com/visage-jobs/visage-hub/triggers"
)

// The n8n package's generated files. The hand-written node classes import
// them, so an operation, a field or an event option exists in the node
// exactly when it exists in the catalog.
const (
	n8nActionsFile  = "integrations/n8n/nodes/Visage/generated/actions.ts"
	n8nTriggersFile = "integrations/n8n/nodes/shared/generated/triggers.ts"
)

func init() { register("n8n", n8nFiles) }

// n8nResources maps a catalog noun to the node's resource value; the order
// is the one the Resource dropdown shows (n8n wants it sorted by name).
var n8nResources = []struct{ Noun, Value string }{
	{"Candidate", "candidate"},
	{"Job", "job"},
}

// n8nOp is one entry of a resource's Operation dropdown.
type n8nOp struct {
	Name, Value, Action, Description string
	// Request is the declarative routing (method and URL); nil for an
	// operation the node implements in code (customOperations).
	Request map[string]any
}

// n8nRESTOps are the operations that are plain REST reads rather than
// catalog actions: fetching one resource by ID, and the resume file, which
// the node downloads in code because n8n's declarative binary output does
// not take the file name from Content-Disposition.
var n8nRESTOps = map[string][]struct {
	op    n8nOp
	param string // the ID parameter the operation reads
}{
	"job": {{op: n8nOp{Name: "Get Job", Value: "get_job", Action: "Get a job",
		Description: "Retrieves one job by its ID",
		Request:     map[string]any{"method": "GET", "url": "=/v1/jobs/{{ encodeURIComponent($parameter.job_id) }}"}},
		param: "job_id"}},
	"candidate": {
		{op: n8nOp{Name: "Get Candidate", Value: "get_candidate", Action: "Get a candidate",
			Description: "Retrieves one candidate by its ID",
			Request:     map[string]any{"method": "GET", "url": "=/v1/candidates/{{ encodeURIComponent($parameter.candidate_id) }}"}},
			param: "candidate_id"},
		{op: n8nOp{Name: "Download Resume", Value: "download_resume", Action: "Download a resume",
			Description: "Downloads a candidate's resume file as binary data, with its file name"},
			param: "candidate_id"},
	},
}

// n8nFiles renders the node's operations and fields, and the triggers'
// event options.
func n8nFiles() ([]File, error) {
	acts, err := n8nActions()
	if err != nil {
		return nil, err
	}
	trig, err := n8nTriggers()
	if err != nil {
		return nil, err
	}
	return []File{{Path: n8nActionsFile, Content: acts}, {Path: n8nTriggersFile, Content: trig}}, nil
}

// n8nActions writes one Operation dropdown per resource and every
// operation's fields, rendered from the action's input schema by
// schemas.N8nProperties: body fields for actions, query fields for
// searches.
func n8nActions() ([]byte, error) {
	var ops []map[string]any
	var fields []map[string]any
	for _, res := range n8nResources {
		var options []n8nOp
		def := ""
		for _, a := range actions.All() {
			if a.Noun != res.Noun {
				continue
			}
			if def == "" && a.Important {
				def = a.Key
			}
			o := n8nOperation(a)
			options = append(options, o)
			props, err := schemas.N8nProperties(a.Input, o.fieldOptions(a, res.Value))
			if err != nil {
				return nil, fmt.Errorf("n8n: %s: %w", a.Key, err)
			}
			for _, p := range props {
				n8nForEditor(p)
			}
			fields = append(fields, props...)
		}
		for _, r := range n8nRESTOps[res.Value] {
			options = append(options, r.op)
			fields = append(fields, n8nIDParam(res.Value, r.op.Value, r.param))
		}
		ops = append(ops, n8nOperationParam(res.Value, options, def))
	}
	var b bytes.Buffer
	b.WriteString(n8nHeader)
	b.WriteString("import type { INodeProperties } from 'n8n-workflow';\n\n")
	b.WriteString("/** The Operation dropdown of each resource, with its request. */\n")
	if err := n8nConst(&b, "operations", "INodeProperties[]", ops); err != nil {
		return nil, err
	}
	b.WriteString("\n/** Every operation's fields, shown for their resource and operation only. */\n")
	if err := n8nConst(&b, "operationFields", "INodeProperties[]", fields); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// n8nOperation turns a catalog entry into its Operation option.
func n8nOperation(a actions.Action) n8nOp {
	o := n8nOp{Name: a.Label, Value: a.Key, Description: n8nSentence(a.Description)}
	o.Action = n8nAction(a.Label)
	if a.Kind == actions.Search {
		o.Request = map[string]any{"method": "GET", "url": "/v1/searches/" + a.Key}
	} else {
		o.Request = map[string]any{"method": "POST", "url": "/v1/actions/" + a.Key}
	}
	return o
}

// fieldOptions places an entry's fields: searches send query parameters,
// and an update's optional fields are "Update Fields" as n8n names them.
func (o n8nOp) fieldOptions(a actions.Action, resource string) schemas.N8nOptions {
	opts := schemas.N8nOptions{RenderOptions: schemas.DefaultRenderOptions(), Resource: resource, Operation: o.Value}
	if a.Kind == actions.Search {
		opts.Send = "query"
		opts.CollectionName, opts.CollectionDisplayName = "filters", "Filters"
	}
	if strings.HasPrefix(a.Key, "update_") {
		opts.CollectionName, opts.CollectionDisplayName = "updateFields", "Update Fields"
	}
	return opts
}

// n8nOperationParam is the Operation dropdown of one resource, its options
// sorted by name as n8n's linter asks; def is the preselected one (the
// resource's first important catalog entry, its first option otherwise).
func n8nOperationParam(resource string, options []n8nOp, def string) map[string]any {
	sortOps(options)
	if def == "" {
		def = options[0].Value
	}
	list := make([]map[string]any, 0, len(options))
	for _, o := range options {
		m := map[string]any{"name": o.Name, "value": o.Value, "action": o.Action, "description": o.Description}
		if o.Request != nil {
			m["routing"] = map[string]any{"request": o.Request}
		}
		list = append(list, m)
	}
	return map[string]any{
		"displayName":      "Operation",
		"name":             "operation",
		"type":             "options",
		"noDataExpression": true,
		"displayOptions":   map[string]any{"show": map[string]any{"resource": []string{resource}}},
		"options":          list,
		"default":          def,
	}
}

func sortOps(ops []n8nOp) {
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
}

// n8nIDParam is the ID a REST read takes, shown for that operation only.
// It is a path segment, not part of any catalog input, so it has no routing.
func n8nIDParam(resource, operation, name string) map[string]any {
	noun := map[string]string{"job_id": "Job", "candidate_id": "Candidate"}[name]
	prefix := map[string]string{"job_id": "job_", "candidate_id": "cand_"}[name]
	return map[string]any{
		"displayName":    noun + " ID",
		"name":           name,
		"type":           "string",
		"required":       true,
		"default":        "",
		"placeholder":    "e.g. " + prefix + "01jnnjky1ra84wkp9m7t9bm2ex",
		"description":    "The ID of the " + strings.ToLower(noun),
		"displayOptions": map[string]any{"show": map[string]any{"resource": []string{resource}, "operation": []string{operation}}},
	}
}

// n8nTriggers writes the Event option list both trigger nodes show (value:
// the trigger key, the path of GET /v1/triggers/{key}) and the hub event
// type each key subscribes a REST hook to.
func n8nTriggers() ([]byte, error) {
	var options []map[string]any
	events := map[string]string{}
	jobFilter := map[string]bool{}
	for _, t := range triggers.All() {
		options = append(options, map[string]any{
			"name": t.Label, "value": t.Key, "description": n8nSentence(t.Description),
		})
		events[t.Key] = t.Event
		jobFilter[t.Key] = t.Item == triggers.CandidateItem
	}
	// n8n's linter wants options sorted by name.
	sort.SliceStable(options, func(i, j int) bool { return options[i]["name"].(string) < options[j]["name"].(string) })
	var b bytes.Buffer
	b.WriteString(n8nHeader)
	b.WriteString("import type { INodePropertyOptions } from 'n8n-workflow';\n\n")
	b.WriteString("/** The triggers, as options of the Event parameter (value: the trigger key). */\n")
	if err := n8nConst(&b, "eventOptions", "INodePropertyOptions[]", options); err != nil {
		return nil, err
	}
	b.WriteString("\n/** The first option, the Event parameter's default. */\n")
	fmt.Fprintf(&b, "export const defaultEvent = %q;\n", options[0]["value"])
	b.WriteString("\n/** The hub event type a trigger key subscribes a REST hook to. */\n")
	if err := n8nConst(&b, "hookEvents", "Record<string, string>", events); err != nil {
		return nil, err
	}
	b.WriteString("\n/** Whether a trigger's items are candidates, which can be filtered by job. */\n")
	if err := n8nConst(&b, "filtersByJob", "Record<string, boolean>", jobFilter); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

const n8nHeader = "// Code generated by `visage-hub gen integrations` from the hub's catalog\n" +
	"// (actions/, triggers/, schemas/json/). DO NOT EDIT: change the catalog and\n" +
	"// regenerate; integrations/gen TestGeneratedFilesAreFresh fails when stale.\n\n"

// n8nConst writes `export const name: type = <literal>;`. The literal is
// JSON with identifier keys left unquoted: n8n's linter only recognises a
// node parameter by identifier keys (displayName, name, type, default), so
// written this way the generated properties get the same lint as
// hand-written ones, and the declared type makes tsc check them against
// n8n-workflow's interfaces.
func n8nConst(b *bytes.Buffer, name, typ string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("n8n: encode %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var plain any
	if err := dec.Decode(&plain); err != nil {
		return fmt.Errorf("n8n: encode %s: %w", name, err)
	}
	fmt.Fprintf(b, "export const %s: %s = ", name, typ)
	if err := tsLiteral(b, plain, 0); err != nil {
		return fmt.Errorf("n8n: encode %s: %w", name, err)
	}
	b.WriteString(";\n")
	return nil
}

var tsIdentifier = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// tsKeyOrder puts the keys n8n's linter and readers expect first in that
// order (displayName must lead a parameter:
// node-param-display-name-not-first-position); the rest follow sorted.
var tsKeyOrder = []string{
	"displayName", "name", "value", "action", "type", "noDataExpression", "required", "default",
	"placeholder", "description", "hint", "typeOptions", "displayOptions", "options", "values", "routing",
}

func sortKeys(keys []string) {
	rank := func(k string) int {
		for i, o := range tsKeyOrder {
			if o == k {
				return i
			}
		}
		return len(tsKeyOrder)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(keys[i]), rank(keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
}

// tsLiteral writes a decoded JSON value as a TypeScript literal, tab
// indented, object keys in tsKeyOrder.
func tsLiteral(b *bytes.Buffer, v any, depth int) error {
	indent := strings.Repeat("\t", depth+1)
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			b.WriteString("{}")
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sortKeys(keys)
		b.WriteString("{\n")
		for _, k := range keys {
			b.WriteString(indent)
			if tsIdentifier.MatchString(k) {
				b.WriteString(k)
			} else {
				q, _ := json.Marshal(k)
				b.Write(q)
			}
			b.WriteString(": ")
			if err := tsLiteral(b, x[k], depth+1); err != nil {
				return err
			}
			b.WriteString(",\n")
		}
		b.WriteString(strings.Repeat("\t", depth) + "}")
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[\n")
		for _, e := range x {
			b.WriteString(indent)
			if err := tsLiteral(b, e, depth+1); err != nil {
				return err
			}
			b.WriteString(",\n")
		}
		b.WriteString(strings.Repeat("\t", depth) + "]")
	default:
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	return nil
}

// n8nForEditor adapts rendered properties to what n8n's linter asks of a
// node and its editor shows, where schemas.N8nProperties (shared with
// /v1/meta/n8n) keeps the schema's wording and order:
//   - a fixedCollection's values sorted by display name
//     (node-param-fixed-collection-type-unsorted-items);
//   - descriptions without the sentences that cite API paths, which mean
//     nothing in a form and trip node-param-description-miscased-id on
//     paths such as by-external-id, and starting with a capital letter
//     (node-param-description-lowercase-first-char).
func n8nForEditor(p map[string]any) {
	if d, ok := p["description"].(string); ok {
		p["description"] = n8nEditorText(d)
	}
	var children []map[string]any
	switch opts := p["options"].(type) {
	case []map[string]any:
		children = opts
	}
	if p["type"] == "fixedCollection" {
		for _, o := range children {
			if values, ok := o["values"].([]map[string]any); ok {
				sort.SliceStable(values, func(i, j int) bool {
					return values[i]["displayName"].(string) < values[j]["displayName"].(string)
				})
				for _, v := range values {
					n8nForEditor(v)
				}
			}
		}
		return
	}
	for _, c := range children {
		n8nForEditor(c)
	}
}

var apiPathSentence = regexp.MustCompile(`\s*[^.]*\b(GET|POST|PUT|PATCH|DELETE) /v1/[^ ]*[^.]*\.`)

func n8nEditorText(d string) string {
	d = strings.TrimSpace(apiPathSentence.ReplaceAllString(d, ""))
	if r := []rune(d); len(r) > 0 && unicode.IsLower(r[0]) {
		r[0] = unicode.ToUpper(r[0])
		d = string(r)
	}
	return n8nSentence(d)
}

// n8nAction is the sentence n8n shows for an operation in its actions
// panel: the label in sentence case ("Create or update job by external
// ID"), acronyms kept.
func n8nAction(label string) string {
	words := strings.Fields(label)
	for i, w := range words {
		if i > 0 && w != strings.ToUpper(w) {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.Join(words, " ")
}

// n8nSentence drops the final period of a one-sentence description, as
// n8n's linter asks of option descriptions.
func n8nSentence(d string) string {
	d = strings.TrimSpace(d)
	if strings.HasSuffix(d, ".") && !strings.Contains(strings.TrimSuffix(d, "."), ". ") {
		return strings.TrimSuffix(d, ".")
	}
	return d
}
