package makeapp

import (
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"sort"
	"time"
)

// CheckInterface compares one output bundle with a module's interface:
// every field of the interface is present with a value of a compatible
// type (null fits any, as Make shows it empty), and the bundle has no field
// the interface does not list, which a user could not map. Inside the
// items of an array of collections (experience, education) a field may be
// absent, as the API leaves out the optional parts of such records; when
// present it is checked all the same. It returns the problems, with dotted
// paths.
func CheckInterface(iface []any, bundle any) []string {
	var out []string
	checkFields(iface, bundle, "", true, &out)
	return out
}

func checkFields(spec []any, v any, path string, all bool, out *[]string) {
	m, ok := v.(map[string]any)
	if !ok {
		*out = append(*out, fmt.Sprintf("%s: %T is not a collection", orRoot(path), v))
		return
	}
	known := map[string]bool{}
	for _, p := range spec {
		param, _ := p.(map[string]any)
		name, _ := param["name"].(string)
		known[name] = true
		x, present := m[name]
		if !present && !all {
			continue
		}
		if !present {
			*out = append(*out, fmt.Sprintf("%s: missing", join(path, name)))
			continue
		}
		checkValue(param, x, join(path, name), out)
	}
	if len(spec) == 0 {
		return // a collection of unknown shape
	}
	var extra []string
	for k := range m {
		if !known[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		*out = append(*out, fmt.Sprintf("%s: not in the interface", join(path, k)))
	}
}

func checkValue(param map[string]any, v any, path string, out *[]string) {
	if v == nil {
		return
	}
	typ, _ := param["type"].(string)
	bad := func(why string) { *out = append(*out, fmt.Sprintf("%s: %v is not %s (%s)", path, v, typ, why)) }
	switch typ {
	case "text", "password", "uuid", "filename":
		if _, ok := v.(string); !ok {
			bad("not a string")
		}
	case "email":
		s, ok := v.(string)
		if _, err := mail.ParseAddress(s); !ok || err != nil {
			bad("not an e-mail address")
		}
	case "url":
		s, ok := v.(string)
		if u, err := url.Parse(s); !ok || err != nil || u.Scheme == "" || u.Host == "" {
			bad("not an absolute URL")
		}
	case "date":
		s, ok := v.(string)
		layout := time.RFC3339Nano
		if param["time"] == false {
			layout = time.DateOnly
		}
		if _, err := time.Parse(layout, s); !ok || err != nil {
			bad("not a " + layout + " time")
		}
	case "number", "integer", "uinteger":
		f, ok := v.(float64)
		switch {
		case !ok:
			bad("not a number")
		case typ != "number" && f != math.Trunc(f):
			bad("not whole")
		case typ == "uinteger" && f < 0:
			bad("negative")
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("not a boolean")
		}
	case "collection":
		spec, _ := param["spec"].([]any)
		checkFields(spec, v, path, true, out)
	case "array":
		list, ok := v.([]any)
		if !ok {
			bad("not an array")
			return
		}
		for i, item := range list {
			p := fmt.Sprintf("%s[%d]", path, i)
			switch spec := param["spec"].(type) {
			case []any:
				checkFields(spec, item, p, false, out)
			case map[string]any:
				checkValue(spec, item, p, out)
			}
		}
	case "any":
	default:
		*out = append(*out, fmt.Sprintf("%s: the interface type %q is not checked", path, typ))
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orRoot(path string) string {
	if path == "" {
		return "(bundle)"
	}
	return path
}
