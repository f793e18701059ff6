package schemas

import (
	"fmt"
	"strconv"
	"strings"
)

// ZapierKeySep joins the property names of a nested object into one Zapier
// field key ("hiring_manager__email"). Zapier's fields are flat: outputs show
// nested data under "parent__child" keys, and inputs have no object type at
// all, so the Visage app flattens and unflattens with this one separator.
// Line-item children are prefixed too ("experience__title"): Zapier requires
// input keys to be unique across an action, children included, and
// experience and education both have a start_date.
const ZapierKeySep = "__"

// zapierHelpMax is FieldSchema's maxLength for helpText (zapier-platform-
// schema 19, PlainInputFieldSchema).
const zapierHelpMax = 1000

// ZapierInputFields renders an input schema (job_create, candidate_update...)
// as the inputFields of a Zapier create or search, so the Zap editor shows
// the same labels, help, choices and required markers the API enforces.
// Nested objects become flat "parent__child" fields, arrays of strings list
// fields, arrays of objects line items (children, one level deep as Zapier
// allows), and fields named in opts.Dropdowns dynamic dropdowns.
func ZapierInputFields(schemaName string, opts RenderOptions) ([]map[string]any, error) {
	fs, err := renderFields(schemaName)
	if err != nil {
		return nil, err
	}
	return zapierInputs(fs, "", "", true, false, opts)
}

// ZapierOutputFields renders a resource or event schema (job, candidate,
// event_candidate_created...) as the outputFields of a Zapier trigger,
// create or search, so mapped fields have human labels and types before any
// live sample exists. Zapier's PlainOutputFieldSchema has no helpText, so
// descriptions do not travel; nested objects use "parent__child" keys the
// way Zapier flattens them, arrays of objects become children.
func ZapierOutputFields(schemaName string) ([]map[string]any, error) {
	fs, err := renderFields(schemaName)
	if err != nil {
		return nil, err
	}
	return zapierOutputs(fs, "", "", false)
}

func zapierInputs(fs []field, keyPrefix, labelPrefix string, parentRequired, inChildren bool, opts RenderOptions) ([]map[string]any, error) {
	var out []map[string]any
	for _, f := range fs {
		key := keyPrefix + f.Name
		label := joinLabel(labelPrefix, f.Title)
		required := parentRequired && f.Required
		switch f.Kind {
		case kindObject:
			sub, err := zapierInputs(f.Fields, key+ZapierKeySep, label, required, inChildren, opts)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
			continue
		case kindObjectList:
			if inChildren {
				return nil, fmt.Errorf("schemas: zapier: %s: line items cannot nest (Zapier allows one level of children)", f.dotted())
			}
			children, err := zapierInputs(f.Fields, key+ZapierKeySep, "", true, true, opts)
			if err != nil {
				return nil, err
			}
			// children excludes type, helpText, default, placeholder and
			// list (INCOMPATIBLE_FIELD_SCHEMA_KEYS), so the description
			// cannot be shown on the group itself.
			out = append(out, map[string]any{"key": key, "label": label, "required": required, "children": children})
			continue
		}
		m := map[string]any{"key": key, "label": label, "required": required}
		if h := zapierHelp(f.Description); h != "" {
			m["helpText"] = h
		}
		scalar := f
		if f.Kind == kindStringList {
			if inChildren {
				return nil, fmt.Errorf("schemas: zapier: %s: a list inside a line item cannot be entered in Zapier", f.dotted())
			}
			scalar = *f.Item
			m["list"] = true
		}
		if f.Kind == kindFreeObject {
			m["dict"] = true
			out = append(out, m)
			continue
		}
		m["type"] = zapierInputType(scalar.Kind)
		if d, ok := opts.Dropdowns[f.dotted()]; ok && d.Zapier != "" {
			m["dynamic"] = d.Zapier
		} else {
			if scalar.Kind == kindEnum {
				m["choices"] = zapierChoices(scalar.Enum)
			}
			if p, ok := zapierPlaceholder(scalar); ok {
				m["placeholder"] = p
			}
		}
		if f.HasDefault {
			if s := zapierString(f.Default); s != "" {
				m["default"] = s
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func zapierOutputs(fs []field, keyPrefix, labelPrefix string, inChildren bool) ([]map[string]any, error) {
	var out []map[string]any
	for _, f := range fs {
		key := keyPrefix + f.Name
		label := joinLabel(labelPrefix, f.Title)
		switch f.Kind {
		case kindObject:
			sub, err := zapierOutputs(f.Fields, key+ZapierKeySep, label, inChildren)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
			continue
		case kindObjectList:
			if inChildren {
				return nil, fmt.Errorf("schemas: zapier: %s: line items cannot nest", f.dotted())
			}
			children, err := zapierOutputs(f.Fields, "", "", true)
			if err != nil {
				return nil, err
			}
			out = append(out, map[string]any{"key": key, "label": label, "children": children})
			continue
		case kindFreeObject:
			out = append(out, map[string]any{"key": key, "label": label, "dict": true})
			continue
		}
		m := map[string]any{"key": key, "label": label}
		scalar := f
		if f.Kind == kindStringList {
			scalar = *f.Item
			m["list"] = true
		}
		m["type"] = zapierOutputType(scalar.Kind)
		if f.HasExample {
			m["sample"] = f.Example
		}
		out = append(out, m)
	}
	return out, nil
}

// zapierInputType maps a kind onto FieldSchema's type enum. Zapier has no
// e-mail, URL or enum types: those are strings (enums with choices).
func zapierInputType(k kind) string {
	switch k {
	case kindText:
		return "text"
	case kindDateTime:
		return "datetime"
	case kindInteger:
		return "integer"
	case kindNumber:
		return "number"
	case kindBoolean:
		return "boolean"
	default:
		// kindDate too: Zapier's datetime sends a full timestamp, which a
		// date-only field would refuse.
		return "string"
	}
}

// zapierOutputType maps a kind onto PlainOutputFieldSchema's narrower type
// enum (no text or code).
func zapierOutputType(k kind) string {
	switch k {
	case kindDateTime:
		return "datetime"
	case kindInteger:
		return "integer"
	case kindNumber:
		return "number"
	case kindBoolean:
		return "boolean"
	default:
		return "string"
	}
}

// zapierChoices uses the ordered, labelled form of FieldChoicesSchema (an
// array of FieldChoiceWithLabel, which requires value, sample and label), so
// options keep the schema's order instead of an object's key order.
func zapierChoices(enum []any) []any {
	out := make([]any, 0, len(enum))
	for _, v := range enum {
		s := zapierString(v)
		out = append(out, map[string]any{"value": s, "sample": s, "label": optionLabel(v)})
	}
	return out
}

// zapierPlaceholder shows the schema's first example in short inputs; long
// text examples are paragraphs and would crowd the editor.
func zapierPlaceholder(f field) (string, bool) {
	switch f.Kind {
	case kindString, kindEmail, kindURL, kindDate, kindInteger, kindNumber:
	default:
		return "", false
	}
	if !f.HasExample {
		return "", false
	}
	s := zapierString(f.Example)
	return s, s != ""
}

// zapierString renders a default, choice or placeholder the way FieldSchema
// wants them: strings, never empty.
func zapierString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

// zapierHelp keeps a description within helpText's 1000 characters,
// cutting at the last sentence that fits.
func zapierHelp(d string) string {
	r := []rune(d)
	if len(r) <= zapierHelpMax {
		return d
	}
	cut := string(r[:zapierHelpMax])
	if i := strings.LastIndex(cut, ". "); i > 0 {
		return cut[:i+1]
	}
	return string(r[:zapierHelpMax-1]) + "…"
}

// joinLabel labels a flattened field. A child title that already names its
// parent ("Hiring manager e-mail") stands alone; otherwise the parent's
// title is put in front ("Resume: Download link") so flat lists stay
// readable.
func joinLabel(parent, title string) string {
	if parent == "" || strings.Contains(strings.ToLower(title), strings.ToLower(parent)) {
		return title
	}
	return parent + ": " + title
}

// ZapierInputBody turns a Zapier action's inputData, keyed the way
// ZapierInputFields renders (flat "parent__child" keys, line items whose
// keys carry their parent's prefix), back into the API's JSON body for the
// schema. It is the one reverse of the key scheme, so the hub can accept a
// Zap's raw inputData and the Zapier app need not know the nesting. Keys the
// schema does not know pass through unchanged, so validation names them.
func ZapierInputBody(schemaName string, inputData map[string]any) (map[string]any, error) {
	fs, err := renderFields(schemaName)
	if err != nil {
		return nil, err
	}
	rest := make(map[string]any, len(inputData))
	for k, v := range inputData {
		rest[k] = v
	}
	body, err := zapierUnflatten(fs, "", rest)
	if err != nil {
		return nil, err
	}
	for k, v := range rest {
		body[k] = v
	}
	return body, nil
}

// zapierUnflatten takes the fields' keys out of flat (so what is left is
// unknown) and returns them nested.
func zapierUnflatten(fs []field, prefix string, flat map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for _, f := range fs {
		key := prefix + f.Name
		switch f.Kind {
		case kindObject:
			sub, err := zapierUnflatten(f.Fields, key+ZapierKeySep, flat)
			if err != nil {
				return nil, err
			}
			if len(sub) > 0 {
				out[f.Name] = sub
			}
			continue
		case kindObjectList:
			v, ok := flat[key]
			if !ok {
				continue
			}
			delete(flat, key)
			rows, isList := v.([]any)
			if !isList {
				return nil, fmt.Errorf("schemas: zapier: %s: line items must be a list, got %T", key, v)
			}
			items := make([]any, 0, len(rows))
			for i, r := range rows {
				row, isObj := r.(map[string]any)
				if !isObj {
					return nil, fmt.Errorf("schemas: zapier: %s[%d]: a line item must be an object, got %T", key, i, r)
				}
				rest := make(map[string]any, len(row))
				for k, v := range row {
					rest[k] = v
				}
				item, err := zapierUnflatten(f.Fields, key+ZapierKeySep, rest)
				if err != nil {
					return nil, err
				}
				for k, v := range rest {
					item[k] = v
				}
				items = append(items, item)
			}
			out[f.Name] = items
			continue
		}
		if v, ok := flat[key]; ok {
			out[f.Name] = v
			delete(flat, key)
		}
	}
	return out, nil
}
