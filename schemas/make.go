package schemas

// MakeParameters renders an input schema (job_create, candidate_update...)
// as the mappable parameters ("expect") of a Make module, so the module form
// has the labels, help, limits and choices the API enforces and a user sees
// a bad value in Make instead of as a failed run. Enums become selects,
// fields named in opts.Dropdowns selects filled by an RPC
// ("rpc://listJobs"), objects collections and arrays arrays with a spec.
func MakeParameters(schemaName string, opts RenderOptions) ([]map[string]any, error) {
	fs, err := renderFields(schemaName)
	if err != nil {
		return nil, err
	}
	return makeParams(fs, opts, false), nil
}

// MakeInterface renders a resource or event schema as a Make module's
// interface: the output a later module can map. It uses the parameter
// syntax, but, as Make's interface documentation requires, never a select
// (nor hidden or file), and it carries no validation or defaults, which mean
// nothing for output.
func MakeInterface(schemaName string) ([]map[string]any, error) {
	fs, err := renderFields(schemaName)
	if err != nil {
		return nil, err
	}
	return makeParams(fs, RenderOptions{}, true), nil
}

func makeParams(fs []field, opts RenderOptions, iface bool) []map[string]any {
	out := make([]map[string]any, 0, len(fs))
	for _, f := range fs {
		out = append(out, makeParam(f, opts, iface))
	}
	return out
}

// makeParam renders one field. iface selects the output (interface) form.
func makeParam(f field, opts RenderOptions, iface bool) map[string]any {
	m := map[string]any{"name": f.Name, "label": f.Title}
	if f.Description != "" {
		m["help"] = f.Description
	}
	if !iface {
		if f.Required {
			m["required"] = true
		}
		if f.HasDefault && f.Default != nil {
			m["default"] = f.Default
		}
	}
	validate := map[string]any{}
	switch f.Kind {
	case kindDate:
		m["type"], m["time"] = "date", false
	case kindString, kindText:
		m["type"] = "text"
		if f.MinLength != nil && *f.MinLength > 0 {
			validate["min"] = *f.MinLength
		}
		if f.MaxLength != nil {
			validate["max"] = *f.MaxLength
		}
		if f.Pattern != "" {
			validate["pattern"] = f.Pattern
		}
	case kindEmail:
		m["type"] = "email"
	case kindURL:
		m["type"] = "url"
	case kindDateTime:
		m["type"] = "date"
	case kindInteger, kindNumber:
		m["type"] = "number"
		if f.Kind == kindInteger {
			m["type"] = "integer"
			if f.Minimum != nil && *f.Minimum >= 0 {
				m["type"] = "uinteger"
			}
		}
		if f.Minimum != nil {
			validate["min"] = *f.Minimum
		}
		if f.Maximum != nil {
			validate["max"] = *f.Maximum
		}
	case kindBoolean:
		m["type"] = "boolean"
	case kindEnum:
		if iface {
			m["type"] = makeEnumOutputType(f.Enum)
			break
		}
		m["type"], m["options"] = "select", makeOptions(f.Enum)
	case kindObject:
		m["type"], m["spec"] = "collection", makeParams(f.Fields, opts, iface)
	case kindFreeObject:
		// Make's documented form for a collection of unknown shape.
		m["type"], m["spec"] = "collection", []map[string]any{}
	case kindStringList:
		item := makeParam(*f.Item, opts, iface)
		delete(item, "name") // Make ignores a name in a primitive array's spec
		delete(item, "required")
		if !iface && f.Item.Kind == kindEnum {
			// A list of enum values is a multiple select (Make "Select").
			m["type"], m["options"], m["multiple"] = "select", item["options"], true
			break
		}
		m["type"], m["spec"] = "array", item
	case kindObjectList:
		m["type"], m["spec"] = "array", makeParams(f.Fields, opts, iface)
	}
	if f.Kind == kindStringList || f.Kind == kindObjectList {
		if f.MinItems != nil && *f.MinItems > 0 {
			validate["minItems"] = *f.MinItems
		}
		if f.MaxItems != nil {
			validate["maxItems"] = *f.MaxItems
		}
	}
	if d, ok := opts.Dropdowns[f.dotted()]; ok && d.Make != "" && !iface {
		// The RPC's {label, value} list replaces free text; the pattern
		// still applies server-side to mapped values.
		m["type"], m["options"] = "select", "rpc://"+d.Make
		validate = nil
	}
	if len(validate) > 0 && !iface {
		m["validate"] = validate
	}
	return m
}

// makeOptions is a static select's options, in schema order.
func makeOptions(enum []any) []map[string]any {
	out := make([]map[string]any, 0, len(enum))
	for _, v := range enum {
		out = append(out, map[string]any{"label": optionLabel(v), "value": v})
	}
	return out
}

// makeEnumOutputType is the interface type of an enum: the type of its
// values, since an interface cannot be a select.
func makeEnumOutputType(enum []any) string {
	allBool, allNum := len(enum) > 0, len(enum) > 0
	for _, v := range enum {
		switch v.(type) {
		case bool:
			allNum = false
		case float64:
			allBool = false
		default:
			allBool, allNum = false, false
		}
	}
	switch {
	case allBool:
		return "boolean"
	case allNum:
		return "number"
	}
	return "text"
}
