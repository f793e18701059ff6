package httpapi

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/actions"
	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// The tags the actions and searches are documented under.
const (
	actionsTag  = "Actions"
	searchesTag = "Searches"
)

// actionRoutes lists one route per entry of the actions catalog, so the
// OpenAPI document describes each input schema, plus a hidden catch-all per
// kind that answers an unknown key with a 404 naming it. Nothing here is
// per action: a new catalog entry gets its route from the entry alone.
func (s *Server) actionRoutes() []Route {
	b, berr := s.actionBackend()
	var rs []Route
	for _, a := range actions.All() {
		r := Route{Access: AnyCaller, Summary: a.Label + ": " + a.Description, Response: a.Output}
		var input func(c *fiber.Ctx) ([]byte, error)
		switch a.Kind {
		case actions.Create:
			r.Method, r.Path, r.Tag, r.JSON, r.Request = fiber.MethodPost, "/v1/actions/"+a.Key, actionsTag, true, a.Input
			input = func(c *fiber.Ctx) ([]byte, error) { return bodyInput(c, a.Input) }
		case actions.Search:
			r.Method, r.Path, r.Tag, r.Response = fiber.MethodGet, "/v1/searches/"+a.Key, searchesTag, "array:"+a.Output
			r.Query = searchParams(a.Input)
			types := make(map[string]string, len(r.Query))
			for _, p := range r.Query {
				types[p.Name] = p.Type
			}
			input = func(c *fiber.Ctx) ([]byte, error) { return queryInput(c, a.Input, types) }
		}
		r.handler = s.runEntry(a, input, b, berr)
		rs = append(rs, r)
	}
	return append(rs,
		Route{Method: fiber.MethodPost, Path: "/v1/actions/:key", Access: AnyCaller, Hidden: true, handler: unknownEntry(actions.Create)},
		Route{Method: fiber.MethodGet, Path: "/v1/searches/:key", Access: AnyCaller, Hidden: true, handler: unknownEntry(actions.Search)},
	)
}

// runEntry is the handler of one action or search: build the input (the
// body, or an object from the query), validated against the entry's Input
// schema (422 naming every failing field), run the implementation and
// encode its result with 200.
func (s *Server) runEntry(a actions.Action, input func(*fiber.Ctx) ([]byte, error), b actions.Backend, berr error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if berr != nil {
			return berr
		}
		in, err := input(c)
		if err != nil {
			return err
		}
		out, err := a.Run(c.UserContext(), b, principal(c).AccountID, in)
		if err != nil {
			return err
		}
		return s.sendOutput(c, out)
	}
}

// bodyInput is bind without the decoding: the validated body, which the
// implementation decodes into its own type.
func bodyInput(c *fiber.Ctx, schema string) ([]byte, error) {
	var raw json.RawMessage
	if err := bind(c, schema, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// queryInput builds the search's input object from the query string: one
// member per parameter, converted to the type the schema gives it (types,
// from searchParams), and
// validated like a body, so a wrong type, an unknown enum value or an
// unknown parameter is a 422 naming the parameter. A parameter sent empty
// counts as left out, since the platforms send every field of a search
// form, filled in or not.
func queryInput(c *fiber.Ctx, schema string, types map[string]string) ([]byte, error) {
	obj := map[string]any{}
	var errs []hub.FieldError
	for name, values := range queryValues(c) {
		if len(values) > 1 {
			errs = append(errs, hub.FieldError{Field: name, Message: "must be given once"})
			continue
		}
		if values[0] == "" {
			continue
		}
		obj[name] = queryValue(values[0], types[name])
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
		return nil, hub.Invalid(errs...)
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encode search input: %w", err)
	}
	if err := schemas.Validate(schema, body); err != nil {
		return nil, err
	}
	return body, nil
}

// queryValues copies the query's parameters out of Fiber's reused buffers.
func queryValues(c *fiber.Ctx) map[string][]string {
	out := map[string][]string{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		out[string(k)] = append(out[string(k)], string(v))
	})
	return out
}

// queryValue converts a parameter to the schema's type; a value that does
// not convert stays a string, so validation names the parameter.
func queryValue(v, typ string) any {
	switch typ {
	case "integer", "number":
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return n
		}
	case "boolean":
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}

// schemaProperties returns the resolved properties of a search's schema.
func schemaProperties(name string) (map[string]map[string]any, error) {
	s, err := schemas.Resolved(name)
	if err != nil {
		return nil, err
	}
	raw, _ := s["properties"].(map[string]any)
	out := make(map[string]map[string]any, len(raw))
	for k, v := range raw {
		if m, ok := v.(map[string]any); ok {
			out[k] = m
		}
	}
	return out, nil
}

// propType is a property's JSON type, the first that is not null.
func propType(p map[string]any) string {
	switch t := p["type"].(type) {
	case string:
		return t
	case []any:
		for _, v := range t {
			if s, ok := v.(string); ok && s != "null" {
				return s
			}
		}
	}
	return ""
}

// searchParams documents a search's query parameters from its schema, in
// name order; a schema that cannot be read documents none (the catalog
// test proves every one exists).
func searchParams(schema string) []Param {
	props, err := schemaProperties(schema)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Param, 0, len(names))
	for _, n := range names {
		p := props[n]
		desc, _ := p["description"].(string)
		param := Param{Name: n, Type: propType(p), Description: desc}
		if enum, ok := p["enum"].([]any); ok {
			for _, v := range enum {
				if s, ok := v.(string); ok {
					param.Enum = append(param.Enum, s)
				}
			}
		}
		out = append(out, param)
	}
	return out
}

// sendOutput encodes an implementation's result; candidates get freshly
// signed resume links, as everywhere else in the API.
func (s *Server) sendOutput(c *fiber.Ctx, out any) error {
	switch v := out.(type) {
	case hub.Candidate:
		return s.sendCandidate(c, fiber.StatusOK, v)
	case []hub.Candidate:
		for i := range v {
			s.decorateCandidate(&v[i])
		}
	}
	return sendJSON(c, fiber.StatusOK, out)
}

// unknownEntry answers a key the catalog does not have.
func unknownEntry(kind actions.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var keys []string
		for _, a := range actions.All() {
			if a.Kind == kind {
				keys = append(keys, a.Key)
			}
		}
		noun := map[actions.Kind]string{actions.Create: "action", actions.Search: "search"}[kind]
		plural := map[actions.Kind]string{actions.Create: "actions", actions.Search: "searches"}[kind]
		return hub.Errorf(hub.ENotFound, "there is no %s named %q; the %s are %s (GET /v1/meta describes them)",
			noun, strings.Clone(c.Params("key")), plural, strings.Join(keys, ", "))
	}
}
