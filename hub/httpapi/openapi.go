package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/visage-jobs/visage-hub/schemas"
)

// apiVersion is the version of the public API that /openapi.json states.
// It changes when the contract does, not with every build.
const apiVersion = "1.0.0"

// buildOpenAPI renders the OpenAPI 3.1 document of routes from the route
// table and the JSON Schemas, so the reference can never drift from the
// router: nothing in it is written down twice.
func buildOpenAPI(routes []Route, baseURL string) ([]byte, error) {
	doc := &oaDocument{
		OpenAPI: "3.1.0",
		Info: oaInfo{
			Title: "Visage public API", Version: apiVersion,
			Summary:     "Jobs, candidates, resumes, events and analytics of a Visage account, for ATS syncs, no-code tools and BI.",
			Description: apiDescription,
		},
		Servers:    []oaServer{{URL: baseURL, Description: "This hub"}},
		Tags:       []oaTag{},
		Paths:      map[string]oaPathItem{},
		Components: baseComponents(),
		byID:       map[string]string{},
		tagSeen:    map[string]bool{},
	}
	if err := addSchemas(doc); err != nil {
		return nil, err
	}
	for _, r := range routes {
		if r.Hidden {
			continue
		}
		if err := doc.addRoute(r); err != nil {
			return nil, fmt.Errorf("openapi: %s %s: %w", r.Method, r.Path, err)
		}
	}
	if err := doc.addWebhooks(); err != nil {
		return nil, fmt.Errorf("openapi: webhooks: %w", err)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: encode: %w", err)
	}
	return out, nil
}

func (d *oaDocument) useTag(tag string) {
	if !d.tagSeen[tag] {
		d.tagSeen[tag] = true
		d.Tags = append(d.Tags, oaTag{Name: tag, Description: tagDescriptions[tag]})
	}
}

func (d *oaDocument) addRoute(r Route) error {
	if r.Summary == "" || r.Tag == "" {
		return errors.New("a documented route needs a Summary and a Tag")
	}
	path, params := openAPIPath(r.Path)
	method := strings.ToLower(r.Method)
	id := operationID(r.Method, r.Path)
	if prev, dup := d.byID[id]; dup {
		return fmt.Errorf("operationId %s is also %s", id, prev)
	}
	d.byID[id] = r.Method + " " + r.Path
	item := d.Paths[path]
	if item == nil {
		item = oaPathItem{}
		d.Paths[path] = item
	}
	if item[method] != nil {
		return fmt.Errorf("%s %s is documented twice", r.Method, path)
	}
	d.useTag(r.Tag)
	op := &oaOperation{
		OperationID: id, Summary: r.Summary, Description: accessNote(r),
		Tags: []string{r.Tag}, Security: securityOf(r.Access), Responses: map[string]any{},
	}
	for _, name := range params {
		desc := "The " + strings.ReplaceAll(name, "_", " ") + "."
		if name == "id" {
			desc = "The resource's ID, as returned when it was created."
		}
		op.Parameters = append(op.Parameters, oaParameter{Name: name, In: "path", Required: true,
			Description: desc, Schema: map[string]any{"type": "string", "minLength": 1}})
	}
	for _, q := range r.Query {
		op.Parameters = append(op.Parameters, oaParameter{Name: q.Name, In: "query", Description: q.Description, Schema: paramSchema(q)})
	}
	if idempotent(r) {
		op.Parameters = append(op.Parameters, oaRef{Ref: "#/components/parameters/IdempotencyKey"})
	}
	body, err := d.requestBody(r)
	if err != nil {
		return err
	}
	op.RequestBody = body
	ok, err := d.success(r)
	if err != nil {
		return err
	}
	op.Responses[strconv.Itoa(statusOr200(r.Status))] = ok
	for _, code := range errorStatuses(r, len(params) > 0) {
		op.Responses[strconv.Itoa(code)] = oaRef{Ref: "#/components/responses/" + problemResponses[code].name}
	}
	op.Responses["default"] = oaRef{Ref: "#/components/responses/" + otherProblem.name}
	item[method] = op
	return nil
}

func statusOr200(s int) int {
	if s == 0 {
		return http.StatusOK
	}
	return s
}

// success describes the 2xx response of r.
func (d *oaDocument) success(r Route) (oaResponse, error) {
	status := statusOr200(r.Status)
	res := oaResponse{Description: http.StatusText(status), Headers: map[string]any{}}
	if r.Response != "" {
		schema, title, err := d.bodySchema(r.Response)
		if err != nil {
			return res, err
		}
		if title != "" {
			res.Description = title
		}
		res.Content = map[string]oaMedia{"application/json": {Schema: schema}}
		if strings.HasPrefix(r.Response, "list:") {
			res.Headers["Link"] = oaRef{Ref: "#/components/headers/Link"}
		}
	}
	if idempotent(r) {
		res.Headers[replayedHeader] = oaRef{Ref: "#/components/headers/IdempotentReplayed"}
	}
	if r.Access == AnyCaller { // only API keys are rate limited
		for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
			res.Headers[h] = oaRef{Ref: "#/components/headers/" + strings.ReplaceAll(h, "-", "")}
		}
	}
	return res, nil
}

// bodySchema returns the schema for a Request or Response name: a
// reference to a component, for "list:NAME" the list envelope around it,
// for "array:NAME" a bare array (see arraySchema); and a one-line
// description.
func (d *oaDocument) bodySchema(name string) (any, string, error) {
	if names, ok := strings.CutPrefix(name, "array:"); ok {
		return d.arraySchema(names)
	}
	item, isList := strings.CutPrefix(name, "list:")
	item, isArray := strings.CutPrefix(item, "array:")
	comp, ok := d.Components.Schemas[item].(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("schema %q does not exist", item)
	}
	title, _ := comp["title"].(string)
	ref := oaRef{Ref: "#/components/schemas/" + item}
	if isArray {
		return map[string]any{"type": "array", "items": ref, "description": "Every match, newest first; empty when nothing matches."},
			"List of " + orDefault(title, item) + " items, newest first", nil
	}
	if !isList {
		return ref, title, nil
	}
	return map[string]any{
		"type": "object", "additionalProperties": false, "required": []string{"data", "next_cursor"},
		"properties": map[string]any{
			"data": map[string]any{"type": "array", "items": ref, "maxItems": 200,
				"description": "This page's items, newest first."},
			"next_cursor": map[string]any{"type": []string{"string", "null"}, "maxLength": 200,
				"description": "Pass as ?cursor= (with the same filters) for the next page; null on the last page."},
		},
	}, "Page of " + orDefault(title, item) + " items, newest first", nil
}

// arraySchema is the schema of a bare JSON array ("array:NAME", or
// "array:A|B" for items of either schema), the shape polling triggers and
// searches answer with.
func (d *oaDocument) arraySchema(names string) (any, string, error) {
	var refs, titles []string
	for _, n := range strings.Split(names, "|") {
		comp, ok := d.Components.Schemas[n].(map[string]any)
		if !ok {
			return nil, "", fmt.Errorf("schema %q does not exist", n)
		}
		title, _ := comp["title"].(string)
		refs, titles = append(refs, "#/components/schemas/"+n), append(titles, orDefault(title, n))
	}
	var items any = oaRef{Ref: refs[0]}
	if len(refs) > 1 {
		one := []any{}
		for _, r := range refs {
			one = append(one, oaRef{Ref: r})
		}
		items = map[string]any{"oneOf": one}
	}
	return map[string]any{"type": "array", "items": items, "maxItems": 200,
		"description": "A bare JSON array, newest first; [] when there is nothing."}, "Array of " + strings.Join(titles, " or ") + " items", nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// requestBody describes what r reads: its JSON schema and any raw upload
// types.
func (d *oaDocument) requestBody(r Route) (*oaRequestBody, error) {
	if r.Request == "" && len(r.RawTypes) == 0 {
		return nil, nil
	}
	body := &oaRequestBody{Content: map[string]oaMedia{}}
	if r.Request != "" {
		schema, title, err := d.bodySchema(r.Request)
		if err != nil {
			return nil, err
		}
		body.Description = title
		body.Content["application/json"] = oaMedia{Schema: schema}
		comp, _ := d.Components.Schemas[r.Request].(map[string]any)
		_, hasRequired := comp["required"]
		_, hasMin := comp["minProperties"]
		body.Required = hasRequired || hasMin
	}
	for _, t := range r.RawTypes {
		body.Required = true
		if strings.HasPrefix(t, "multipart/") {
			body.Content[t] = oaMedia{Schema: map[string]any{"type": "object",
				"description": "A form whose file part holds the upload."}}
			continue
		}
		body.Content[t] = oaMedia{Schema: map[string]any{"type": "string", "contentMediaType": t,
			"description": "The file itself, as the request body."}}
	}
	return body, nil
}

// errorStatuses lists the problem responses r can give, from what the
// router and its guards check before the handler runs and what every
// handler of that shape may return.
func errorStatuses(r Route, pathParams bool) []int {
	hasBody := r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch
	readsBody := hasBody && (r.JSON || r.Request != "" || len(r.RawTypes) > 0)
	input := readsBody || len(r.Query) > 0 || idempotent(r)
	var out []int
	if input {
		out = append(out, http.StatusBadRequest)
	}
	if r.Access != Public {
		out = append(out, http.StatusUnauthorized)
	}
	if r.Access == People || r.Access == Admins {
		out = append(out, http.StatusForbidden)
	}
	if pathParams {
		out = append(out, http.StatusNotFound)
	}
	if idempotent(r) {
		out = append(out, http.StatusConflict)
	}
	if readsBody {
		out = append(out, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if input {
		out = append(out, http.StatusUnprocessableEntity)
	}
	if r.Access == AnyCaller {
		out = append(out, http.StatusTooManyRequests)
	}
	return out
}

// securityOf maps a route's access level to its security requirement: an
// empty list means no credentials.
func securityOf(a Access) []map[string][]string {
	switch a {
	case AnyCaller:
		return []map[string][]string{{"apiKey": {}}, {"apiKeyHeader": {}}, {"adminToken": {}}}
	case People, Admins:
		return []map[string][]string{{"adminToken": {}}}
	}
	return []map[string][]string{}
}

func accessNote(r Route) string {
	var note string
	switch r.Access {
	case AnyCaller:
		note = "Needs an API key (`Authorization: Bearer vsk_…` or `X-API-Key`), or an admin or member token."
	case People:
		note = "Needs an admin or member token; API keys are refused with 403."
	case Admins:
		note = "Needs an admin token; API keys and member tokens are refused with 403."
	}
	if idempotent(r) {
		note += " Send an `Idempotency-Key` to make retries safe: a repeat within 24 hours returns the first response."
	}
	return note
}

func paramSchema(p Param) map[string]any {
	var s map[string]any
	switch p.Type {
	case "integer":
		s = map[string]any{"type": "integer"}
	case "number":
		s = map[string]any{"type": "number"}
	case "boolean":
		s = map[string]any{"type": "boolean"}
	case "date-time", "date":
		s = map[string]any{"type": "string", "format": p.Type}
	default:
		s = map[string]any{"type": "string"}
	}
	if len(p.Enum) > 0 {
		s["enum"] = p.Enum
	}
	return s
}

// fiberParam matches a Fiber path parameter: :name, with an optional
// constraint (:id<int>) and optional marker (:id?).
var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)(<[^>]*>)?\??`)

// openAPIPath turns a Fiber path into an OpenAPI path template and lists
// its parameters in order. A wildcard (*) becomes {path}.
func openAPIPath(p string) (string, []string) {
	var names []string
	out := fiberParam.ReplaceAllStringFunc(p, func(m string) string {
		name := fiberParam.FindStringSubmatch(m)[1]
		names = append(names, name)
		return "{" + name + "}"
	})
	if strings.Contains(out, "*") {
		out = strings.Replace(out, "*", "{path}", 1)
		names = append(names, "path")
	}
	return out, names
}

// operationID makes a stable camelCase ID from the method and path, which
// code generators turn into function names: GET /v1/api-keys/:id →
// getApiKeysById.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	path = strings.TrimPrefix(path, "/v1")
	for _, seg := range strings.Split(path, "/") {
		if seg == "" {
			continue
		}
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			b.WriteString("By")
			seg = strings.TrimRight(strings.SplitN(name, "<", 2)[0], "?")
		}
		if seg == "*" {
			seg = "path"
		}
		for _, word := range strings.FieldsFunc(seg, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

// addSchemas puts every JSON Schema (and the edge-only bodies) into
// components.schemas, converted to the dialect OpenAPI 3.1 uses.
func addSchemas(d *oaDocument) error {
	for _, name := range schemas.Names() {
		s, err := schemas.Resolved(name)
		if err != nil {
			return fmt.Errorf("openapi: schema %s: %w", name, err)
		}
		d.Components.Schemas[name] = toOAS31(name, s)
	}
	edge, err := edgeSchemas()
	if err != nil {
		return fmt.Errorf("openapi: %w", err)
	}
	for name, s := range edge {
		if _, clash := d.Components.Schemas[name]; clash {
			return fmt.Errorf("openapi: edge schema %s shadows a schema file", name)
		}
		d.Components.Schemas[name] = toOAS31(name, s)
	}
	return nil
}
