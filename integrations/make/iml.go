package makeapp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// This file evaluates the IML the Visage app uses, and only that, so the
// tests can run the app's requests the way Make would: "{{path}}"
// references into the scope (parameters, connection, webhook, body, item,
// statusCode), text with embedded {{…}}, string and number literals,
// undefined and null, and the functions ifempty(a, b) and if(c, a, b).
// Anything else is an error, so a file using more IML than the evaluator
// knows fails the tests instead of being skipped.

// undefinedValue is IML's undefined: what a path that names nothing yields.
type undefinedValue struct{}

// Undefined is the value of a missing path. In a collection it drops the
// key, as Make leaves out parameters the user left empty.
var Undefined any = undefinedValue{}

// Scope holds the IML variables of one evaluation.
type Scope map[string]any

// With returns a copy of the scope with one more variable.
func (s Scope) With(name string, v any) Scope {
	out := make(Scope, len(s)+1)
	for k, x := range s {
		out[k] = x
	}
	out[name] = v
	return out
}

// Eval evaluates every string in a JSON value (as decoded by
// encoding/json) and returns the result, with undefined members left out
// of objects and arrays.
func Eval(v any, sc Scope) (any, error) {
	switch t := v.(type) {
	case string:
		return EvalString(t, sc)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			r, err := Eval(x, sc)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if r != Undefined {
				out[k] = r
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(t))
		for i, x := range t {
			r, err := Eval(x, sc)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			if r != Undefined {
				out = append(out, r)
			}
		}
		return out, nil
	}
	return v, nil
}

// EvalString evaluates one IML string. A string that is exactly one
// {{expression}} yields the expression's value with its type (an object, a
// number…); otherwise the expressions' values are written into the text.
func EvalString(s string, sc Scope) (any, error) {
	if strings.HasPrefix(s, "{{") && strings.HasSuffix(s, "}}") && strings.Count(s, "{{") == 1 {
		return evalExpr(s[2:len(s)-2], sc)
	}
	var b strings.Builder
	rest := s
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("unclosed {{ in %q", s)
		}
		b.WriteString(rest[:i])
		v, err := evalExpr(rest[i+2:i+j], sc)
		if err != nil {
			return nil, err
		}
		b.WriteString(Text(v))
		rest = rest[i+j+2:]
	}
}

// Text is how a value reads inside text: strings as they are, undefined
// and null as nothing, anything else as JSON.
func Text(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil, undefinedValue:
		return ""
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func evalExpr(src string, sc Scope) (any, error) {
	p := &parser{src: src, sc: sc}
	v, err := p.expr()
	if err != nil {
		return nil, fmt.Errorf("{{%s}}: %w", src, err)
	}
	p.space()
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("{{%s}}: unexpected %q", src, p.src[p.pos:])
	}
	return v, nil
}

// parser reads one expression: a literal, a path or a function call.
type parser struct {
	src string
	pos int
	sc  Scope
}

func (p *parser) space() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

func (p *parser) expr() (any, error) {
	p.space()
	if p.pos >= len(p.src) {
		return nil, fmt.Errorf("an expression is missing")
	}
	c := p.src[p.pos]
	switch {
	case c == '\'' || c == '"':
		end := strings.IndexByte(p.src[p.pos+1:], c)
		if end < 0 {
			return nil, fmt.Errorf("unclosed string")
		}
		s := p.src[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
		return s, nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		p.pos++
		for p.pos < len(p.src) && (p.src[p.pos] == '.' || (p.src[p.pos] >= '0' && p.src[p.pos] <= '9')) {
			p.pos++
		}
		return strconv.ParseFloat(p.src[start:p.pos], 64)
	}
	start := p.pos
	for p.pos < len(p.src) && isPathByte(p.src[p.pos]) {
		p.pos++
	}
	word := p.src[start:p.pos]
	if word == "" {
		return nil, fmt.Errorf("unexpected %q", p.src[p.pos:])
	}
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == '(' {
		return p.call(word)
	}
	switch word {
	case "undefined":
		return Undefined, nil
	case "null":
		return nil, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return lookup(word, p.sc)
}

func isPathByte(c byte) bool {
	return c == '.' || c == '_' || c == '[' || c == ']' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// call evaluates a function; its arguments are all evaluated first.
func (p *parser) call(name string) (any, error) {
	p.pos++ // (
	var args []any
	for {
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == ')' {
			p.pos++
			break
		}
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == ')' {
			p.pos++
			break
		}
		return nil, fmt.Errorf("%s(: expected , or )", name)
	}
	switch name {
	case "ifempty":
		if len(args) != 2 {
			return nil, fmt.Errorf("ifempty takes 2 arguments, got %d", len(args))
		}
		if empty(args[0]) {
			return args[1], nil
		}
		return args[0], nil
	case "if":
		if len(args) != 3 {
			return nil, fmt.Errorf("if takes 3 arguments, got %d", len(args))
		}
		if empty(args[0]) || args[0] == false || args[0] == float64(0) {
			return args[2], nil
		}
		return args[1], nil
	}
	return nil, fmt.Errorf("the function %s is not supported", name)
}

// empty is IML's emptiness: undefined, null, "" and [].
func empty(v any) bool {
	switch t := v.(type) {
	case nil, undefinedValue:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	}
	return false
}

// lookup resolves a path such as body.items[0].id; a part that names
// nothing makes the whole path undefined.
func lookup(path string, sc Scope) (any, error) {
	parts := strings.Split(strings.ReplaceAll(strings.ReplaceAll(path, "[", "."), "]", ""), ".")
	v, ok := sc[parts[0]]
	if !ok {
		return nil, fmt.Errorf("unknown variable %q", parts[0])
	}
	for _, part := range parts[1:] {
		switch t := v.(type) {
		case map[string]any:
			x, ok := t[part]
			if !ok {
				return Undefined, nil
			}
			v = x
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(t) {
				return Undefined, nil
			}
			v = t[i]
		default:
			return Undefined, nil
		}
	}
	return v, nil
}
