package schemas

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/xeipuuv/gojsonschema"
)

// rootField names the document as a whole in a hub.FieldError.
const rootField = "body"

// rank orders the problems found on one field: only the first is reported,
// and a wrong type or a missing value explains everything else about it.
var rank = map[string]int{
	"invalid_type":                    0,
	"required":                        1,
	"alternative":                     1,
	"additional_property_not_allowed": 2,
	"false":                           2,
	"const":                           3,
	"enum":                            3,
	"format":                          4,
	"string_gte":                      5,
	"string_lte":                      5,
	"pattern":                         6,
}

// summaries only say that a combinator failed; the errors that explain why
// are reported beside them, so these are dropped.
var summaries = map[string]bool{"number_all_of": true, "condition_then": true, "condition_else": true}

type finding struct {
	field string
	typ   string
	null  bool // the offending value was JSON null
	msg   string
}

func (f finding) rank() int {
	if r, ok := rank[f.typ]; ok {
		return r
	}
	return 7
}

// fieldErrors rewrites gojsonschema's errors as one short English message per
// field, in field order. root is the resolved schema, used to quote a field's
// allowed values and examples.
func fieldErrors(root map[string]any, errs []gojsonschema.ResultError) []hub.FieldError {
	var found []finding
	covered := map[string]bool{} // fields whose absence an anyOf already explained
	for _, e := range errs {
		path := pathOf(e.Context())
		t := e.Type()
		switch {
		case summaries[t]:
		case t == "number_any_of" || t == "number_one_of":
			alts, props, ok := alternatives(schemaAt(root, path), e.Value())
			if !ok {
				found = append(found, finding{join(path, ""), t, false, "does not match any of the allowed forms"})
			}
			for _, a := range alts {
				found = append(found, finding{join(path, a.prop), "alternative", false, a.msg})
			}
			for _, p := range props {
				covered[join(path, p)] = true
			}
		case t == "required":
			prop, _ := e.Details()["property"].(string)
			found = append(found, finding{join(path, prop), t, false, "is required"})
		case t == "additional_property_not_allowed":
			prop, _ := e.Details()["property"].(string)
			found = append(found, finding{join(path, prop), t, false, "unknown field"})
		default:
			found = append(found, finding{join(path, ""), t, e.Value() == nil, message(e, schemaAt(root, path))})
		}
	}
	kept := found[:0]
	for _, f := range found {
		// The anyOf branches repeat "required" (and reject null) for the very
		// fields the alternative message already covers.
		if covered[f.field] && (f.typ == "required" || (f.typ == "invalid_type" && f.null)) {
			continue
		}
		kept = append(kept, f)
	}
	if len(kept) == 0 && len(errs) > 0 {
		kept = append(kept, finding{field: rootField, typ: "unknown", msg: "does not match the schema"})
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].field != kept[j].field {
			return kept[i].field < kept[j].field
		}
		return kept[i].rank() < kept[j].rank()
	})
	out := make([]hub.FieldError, 0, len(kept))
	for _, f := range kept {
		if len(out) > 0 && out[len(out)-1].Field == f.field {
			continue
		}
		out = append(out, hub.FieldError{Field: f.field, Message: f.msg})
	}
	return out
}

// pathOf turns gojsonschema's "(root).a.0.b" context into its segments,
// splitting on a byte no property name in our schemas contains.
func pathOf(ctx *gojsonschema.JsonContext) []string {
	if ctx == nil {
		return nil
	}
	segs := strings.Split(ctx.String("\x00"), "\x00")
	return segs[1:] // drop "(root)"
}

// join builds a dotted field name from a path and an optional property.
func join(path []string, prop string) string {
	if prop != "" {
		path = append(append([]string(nil), path...), prop)
	}
	if len(path) == 0 {
		return rootField
	}
	return strings.Join(path, ".")
}

type alternative struct{ prop, msg string }

// alternatives explains a failed anyOf whose branches are alternative sets of
// required properties (candidate_create: first_name and last_name, or
// full_name). It picks the branch the sender got furthest with (the first on
// a tie), and names each property still missing from it, pointing at the
// other branches. A null counts as missing. It returns the messages and every
// property the branches mention; ok is false when the anyOf has another
// shape. No message at all means the chosen branch failed for another reason
// (a wrong type), which its own error already reports.
func alternatives(schema map[string]any, value any) (alts []alternative, mentioned []string, ok bool) {
	branches, _ := schema["anyOf"].([]any)
	obj, _ := value.(map[string]any)
	var sets [][]string
	for _, b := range branches {
		m, _ := b.(map[string]any)
		req, _ := m["required"].([]any)
		if len(req) == 0 {
			return nil, nil, false
		}
		var set []string
		for _, p := range req {
			s, _ := p.(string)
			set = append(set, s)
		}
		sets = append(sets, set)
		mentioned = append(mentioned, set...)
	}
	if len(sets) < 2 {
		return nil, nil, false
	}
	best, bestPresent := 0, -1
	for i, set := range sets {
		present := 0
		for _, p := range set {
			if v, ok := obj[p]; ok && v != nil {
				present++
			}
		}
		if present > bestPresent {
			best, bestPresent = i, present
		}
	}
	var others []string
	for i, set := range sets {
		if i == best {
			continue
		}
		verb := "is"
		if len(set) > 1 {
			verb = "are"
		}
		others = append(others, strings.Join(set, " and ")+" "+verb)
	}
	unless := "is required unless " + strings.Join(others, " or ") + " given"
	for _, p := range sets[best] {
		if v, ok := obj[p]; !ok || v == nil {
			alts = append(alts, alternative{p, unless})
		}
	}
	return alts, mentioned, true
}

// typeNames are how a message names JSON types to someone filling a form.
var typeNames = map[string]string{
	"string": "a string", "integer": "a whole number", "number": "a number",
	"boolean": "true or false", "object": "an object", "array": "a list", "null": "null",
}

// message writes one field's problem as a short phrase that follows the field
// name ("title: must be a string").
func message(e gojsonschema.ResultError, schema map[string]any) string {
	d := e.Details()
	switch e.Type() {
	case "invalid_type":
		expected, _ := d["expected"].(string)
		var names []string
		for _, t := range strings.Split(strings.Trim(expected, "[]"), ",") {
			if n, ok := typeNames[t]; ok {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			return "has the wrong type"
		}
		return "must be " + strings.Join(names, " or ")
	case "enum":
		return "must be one of: " + allowed(schema, d)
	case "const":
		return fmt.Sprintf("must be %v", d["allowed"])
	case "format":
		f, _ := d["format"].(string)
		return formatMessage(f)
	case "pattern":
		if f, ok := schema["format"].(string); ok {
			return formatMessage(f)
		}
		if ex := exampleStrings(schema); ex != "" {
			return "must look like " + ex
		}
		return "is not in the expected format"
	case "string_gte":
		if n := fmt.Sprint(d["min"]); n != "1" {
			return "must be at least " + n + " characters long"
		}
		return "must not be empty"
	case "string_lte":
		return fmt.Sprintf("must be at most %v characters long", d["max"])
	case "array_min_items":
		return fmt.Sprintf("must have at least %v items", d["min"])
	case "array_max_items":
		return fmt.Sprintf("must have at most %v items", d["max"])
	case "array_min_properties":
		if n := fmt.Sprint(d["min"]); n != "1" {
			return "must contain at least " + n + " fields"
		}
		return "must contain at least one field"
	case "array_max_properties":
		return fmt.Sprintf("must contain at most %v fields", d["max"])
	case "unique":
		return "must not contain duplicates"
	case "number_gte":
		return "must be at least " + number(d["min"])
	case "number_gt":
		return "must be greater than " + number(d["min"])
	case "number_lte":
		return "must be at most " + number(d["max"])
	case "number_lt":
		return "must be less than " + number(d["max"])
	case "multiple_of":
		return "must be a multiple of " + number(d["multiple"])
	case "false", "number_not":
		return "is not allowed here"
	case "missing_dependency":
		return fmt.Sprintf("requires %v to be given too", d["dependency"])
	}
	return "is invalid"
}

func formatMessage(format string) string {
	switch format {
	case "email":
		return "must be a valid e-mail address"
	case "uri":
		return "must be a valid URL starting with http:// or https://"
	case "date-time":
		return "must be a UTC date and time like 2025-03-03T09:14:27.512Z"
	case "date":
		return "must be a date like 2025-03-03"
	}
	return "must be a valid " + format
}

// allowed lists an enum's values from the schema (without null, which the
// sender evidently did not mean), or from gojsonschema's details.
func allowed(schema map[string]any, d gojsonschema.ErrorDetails) string {
	values, _ := schema["enum"].([]any)
	var out []string
	for _, v := range values {
		if v != nil {
			out = append(out, fmt.Sprint(v))
		}
	}
	if len(out) == 0 {
		return strings.ReplaceAll(fmt.Sprint(d["allowed"]), `"`, "")
	}
	return strings.Join(out, ", ")
}

// exampleStrings quotes up to two of a field's string examples.
func exampleStrings(schema map[string]any) string {
	examples, _ := schema["examples"].([]any)
	var out []string
	for _, e := range examples {
		if s, ok := e.(string); ok && len(out) < 2 {
			out = append(out, fmt.Sprintf("%q", s))
		}
	}
	return strings.Join(out, " or ")
}

// number prints a limit without exponent notation (10485760, not 1.048576e+07).
func number(v any) string {
	if f, ok := v.(*big.Float); ok {
		return f.Text('f', -1)
	}
	return fmt.Sprint(v)
}
