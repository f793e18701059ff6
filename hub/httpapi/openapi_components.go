package httpapi

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// apiDescription is the introduction of the reference: the conventions
// every endpoint shares, so operations only say what is particular to them.
const apiDescription = `The Visage public API: the jobs Visage sources candidates for, the candidates it finds (with their resume files), the events that happen to them, and sourcing analytics. Zapier, Make and n8n use the same endpoints.

**Authentication.** Send an API key as ` + "`Authorization: Bearer vsk_…`" + ` or ` + "`X-API-Key: vsk_…`" + `. Keys are created by account admins (Settings > Visage API) and shown once. Managing keys needs an admin token (a JWT), not an API key.

**Requests and responses.** JSON in and out, UTF-8. IDs are opaque strings with a type prefix (` + "`job_…`, `cand_…`, `evt_…`" + `). Timestamps are RFC 3339 in UTC with milliseconds.

**Lists** take ` + "`limit`" + ` (1 to 200, default 50) and ` + "`cursor`" + `, and answer ` + "`{\"data\": [...], \"next_cursor\": \"…\" | null}`" + ` newest first, with the next page also in a ` + "`Link: <…>; rel=\"next\"`" + ` header. Pass a cursor back unchanged, with the same filters.

**Errors** are RFC 9457 problem documents (` + "`application/problem+json`" + `). Branch on ` + "`code`" + `, show ` + "`detail`" + ` to people, and quote ` + "`request_id`" + ` (also in the ` + "`X-Request-Id`" + ` header) to support. Validation errors (422) name each failing field in ` + "`errors`" + `.

**Retries.** Send an ` + "`Idempotency-Key`" + ` (such as a UUID) with POST, PUT and PATCH: the same key with the same request within 24 hours returns the first response again, with ` + "`Idempotent-Replayed: true`" + `, and changes nothing. Only successful responses are kept, so a request that failed can be retried under the same key.

**Rate limits** are per API key; every response says where you stand in ` + "`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`" + `, and a 429 carries ` + "`Retry-After`" + `.

**Webhooks** deliver the events described under Webhooks, signed per the Standard Webhooks specification.`

// tagDescriptions explain the groups the reference is organised in; a tag
// without one is listed all the same.
var tagDescriptions = map[string]string{
	"Operations":    "Health, readiness and metrics, for the people who run the hub.",
	"Auth":          "Who a credential acts for, and sign-in for account admins.",
	"API keys":      "Create, list and revoke the account's API keys (admins only).",
	"Documentation": "This reference and the OpenAPI document it is rendered from.",
	"Actions":       "What Zapier, Make and n8n can do in Visage: one operation per entry of the actions catalog, taking that action's input as the body and answering with the resource it made or changed.",
	"Searches":      "Look-ups for Zapier, Make and n8n: the query parameters are the search's input, the answer a bare array of matches, newest first, empty when nothing matches.",
	"Webhooks":      "The events the hub delivers to your endpoints, signed per Standard Webhooks. Respond with any 2xx to acknowledge; anything else is retried.",
	"REST hooks":    "Subscriptions that Zapier, Make and n8n create and delete as workflows are turned on and off. Deliveries are signed, retried and logged like webhooks and carry the trigger item in item; a 410 Gone answer deletes the hook.",
	"Triggers":      "Polling triggers (a bare array of trigger items, newest first, each id the event's) and sample deliveries for building workflows.",
}

// problemResponse documents one error status: its component name, when it
// happens, and an example built the way writeProblem builds the real thing.
type problemResponse struct {
	name, description string
	code              hub.Code
	detail            string
	fields            []hub.FieldError
}

var problemResponses = map[int]problemResponse{
	http.StatusBadRequest: {"BadRequest", "Malformed: the body is not valid JSON, or a parameter, cursor or header cannot be read.",
		hub.EMalformed, "the body is not valid JSON (at byte 17: invalid character '}' looking for beginning of value)", nil},
	http.StatusUnauthorized: {"Unauthorized", "No credentials, or an API key or token that is invalid, expired or revoked.",
		hub.EUnauthorized, "the API key is invalid or has been revoked", nil},
	http.StatusForbidden: {"Forbidden", "The credential is valid but may not do this (an API key on an admin endpoint, or a member token where an admin is needed).",
		hub.EForbidden, "this endpoint needs an admin token, not an API key", nil},
	http.StatusNotFound: {"NotFound", "No such resource in this account. Another account's resources are not found either.",
		hub.ENotFound, "job not found", nil},
	http.StatusConflict: {"Conflict", "The resource's state forbids the change, or a request with the same Idempotency-Key is still running (retry after Retry-After).",
		hub.EConflict, msgInProgress, nil},
	http.StatusRequestEntityTooLarge: {"TooLarge", "The body is over its limit (1 MiB for JSON by default, 10 MiB for a resume).",
		hub.ETooLarge, "the request body is over the limit of 1048576 bytes", nil},
	http.StatusUnsupportedMediaType: {"UnsupportedMediaType", "The body's Content-Type is not one this endpoint reads.",
		hub.EUnsupported, `send the body as application/json (got "text/plain")`, nil},
	http.StatusUnprocessableEntity: {"ValidationFailed", "The request is well-formed but fails validation; errors names each field. Also code idempotency_mismatch when an Idempotency-Key is reused for a different request.",
		hub.EInvalid, "hiring_manager.email: must be a valid e-mail address",
		[]hub.FieldError{{Field: "hiring_manager.email", Message: "must be a valid e-mail address"}}},
	http.StatusTooManyRequests: {"RateLimited", "Too many requests for this API key in the current window; wait Retry-After seconds.",
		hub.ERateLimited, "too many requests", nil},
}

// otherProblem documents every error an operation does not list: a
// handler's own 4xx (a sign-in token that is no longer valid, a link that
// expired) and the 5xx that no request can rule out.
var otherProblem = problemResponse{"Error", "Any other error, as a problem document: 500 for a fault in the hub (quote request_id), 503 while the database is unreachable, or a 4xx particular to the endpoint.",
	hub.EUnavailable, "the database is unreachable", nil}

// exampleRequestID stands for the request ID in examples.
const exampleRequestID = "req_01jps9wd5rhyp17q8tng2cwbn2"

func problemExample(status int, code hub.Code, detail string, fields []hub.FieldError) Problem {
	return Problem{Type: problemBase + string(code), Title: http.StatusText(status), Status: status,
		Detail: detail, Code: code, RequestID: exampleRequestID, Errors: fields}
}

func baseComponents() oaComponents {
	str := func(extra ...any) map[string]any {
		s := map[string]any{"type": "string"}
		for i := 0; i+1 < len(extra); i += 2 {
			s[extra[i].(string)] = extra[i+1]
		}
		return s
	}
	c := oaComponents{
		Schemas:   map[string]any{},
		Responses: map[string]oaResponse{},
		Parameters: map[string]oaParameter{
			"IdempotencyKey": {Name: idempotencyHeader, In: "header", Schema: str("minLength", 1, "maxLength", maxIdempotencyKey, "pattern", `^[\x20-\x7E]+$`),
				Description: "A unique value (such as a UUID) that makes this request safe to retry: the same key and request within 24 hours returns the first successful response without repeating the change. The same key with a different request is a 422; a repeat while the first is still running is a 409."},
			"WebhookID": {Name: "webhook-id", In: "header", Required: true, Schema: str("maxLength", 64),
				Description: "The event's ID; the same in every retry, so use it to skip duplicates."},
			"WebhookTimestamp": {Name: "webhook-timestamp", In: "header", Required: true, Schema: str("pattern", "^[0-9]+$"),
				Description: "When this attempt was signed, in Unix seconds. Refuse deliveries that are too old."},
			"WebhookSignature": {Name: "webhook-signature", In: "header", Required: true, Schema: str("maxLength", 1024),
				Description: "Space-separated v1,<base64 HMAC-SHA256> signatures of \"id.timestamp.body\" with the endpoint's secret (whsec_…). After a rotation both secrets sign for 24 hours."},
		},
		Headers: map[string]oaHeader{
			"Link":               {Description: `The next page's URL, as <…>; rel="next"; absent on the last page.`, Schema: str()},
			"IdempotentReplayed": {Description: "true when this is the stored response to an earlier request with the same Idempotency-Key.", Schema: str("enum", []string{"true"})},
			"RateLimitLimit":     {Description: "Requests this API key may make per window.", Schema: map[string]any{"type": "integer"}},
			"RateLimitRemaining": {Description: "Requests left in the current window.", Schema: map[string]any{"type": "integer"}},
			"RateLimitReset":     {Description: "Seconds until the window resets.", Schema: map[string]any{"type": "integer"}},
			"RetryAfter":         {Description: "Seconds to wait before retrying.", Schema: map[string]any{"type": "integer"}},
			"WWWAuthenticate":    {Description: "The authentication scheme to use: Bearer.", Schema: str()},
		},
		SecuritySchemes: map[string]oaSecurityScheme{
			"apiKey": {Type: "http", Scheme: "bearer", BearerFormat: "vsk_…",
				Description: "An API key in the Authorization header: `Authorization: Bearer vsk_…`. Admins create keys in Settings > Visage API; each is shown once."},
			"apiKeyHeader": {Type: "apiKey", In: "header", Name: "X-API-Key",
				Description: "The same API key in the X-API-Key header, for tools that cannot set Authorization."},
			"adminToken": {Type: "http", Scheme: "bearer", BearerFormat: "JWT",
				Description: "A person's token: a JWT whose claims carry account_id and role (admin or member), from a sign-in link or the `visage-hub token` command. Managing API keys needs role admin."},
		},
	}
	all := map[int]problemResponse{http.StatusServiceUnavailable: otherProblem}
	for status, p := range problemResponses {
		all[status] = p
	}
	for status, p := range all {
		content := oaMedia{Schema: oaRef{Ref: "#/components/schemas/problem"}, Examples: map[string]oaExample{
			string(p.code): {Summary: p.description, Value: problemExample(status, p.code, p.detail, p.fields)},
		}}
		if status == http.StatusUnprocessableEntity {
			content.Examples[string(hub.EIdempotency)] = oaExample{Summary: "An Idempotency-Key reused for a different request",
				Value: problemExample(status, hub.EIdempotency, msgMismatch, []hub.FieldError{{Field: idempotencyHeader, Message: msgMismatchField}})}
		}
		res := oaResponse{Description: p.description, Content: map[string]oaMedia{"application/problem+json": content}}
		switch status {
		case http.StatusTooManyRequests:
			res.Headers = map[string]any{"Retry-After": oaRef{Ref: "#/components/headers/RetryAfter"}}
		case http.StatusUnauthorized:
			res.Headers = map[string]any{"WWW-Authenticate": oaRef{Ref: "#/components/headers/WWWAuthenticate"}}
		}
		c.Responses[p.name] = res
	}
	return c
}

// addWebhooks documents, under the document's webhooks, the delivery of
// every event type that has its own schema (event_job_created and so on:
// the schema pins type with const), so a receiver can be written from the
// reference alone.
func (d *oaDocument) addWebhooks() error {
	names := schemas.Names()
	sort.Strings(names)
	for _, name := range names {
		if !strings.HasPrefix(name, "event_") {
			continue
		}
		comp, _ := d.Components.Schemas[name].(map[string]any)
		props, _ := comp["properties"].(map[string]any)
		typ, _ := props["type"].(map[string]any)
		event, ok := typ["const"].(string)
		if !ok {
			return fmt.Errorf("schema %s does not pin its event type with const", name)
		}
		if d.Webhooks == nil {
			d.Webhooks = map[string]oaPathItem{}
			d.useTag("Webhooks")
		}
		title, _ := comp["title"].(string)
		desc, _ := comp["description"].(string)
		d.Webhooks[event] = oaPathItem{"post": {
			OperationID: "webhook" + operationID("", "/"+strings.ReplaceAll(event, ".", "/")),
			Summary:     orDefault(title, event), Description: desc, Tags: []string{"Webhooks"},
			Security: []map[string][]string{},
			Parameters: []any{
				oaRef{Ref: "#/components/parameters/WebhookID"},
				oaRef{Ref: "#/components/parameters/WebhookTimestamp"},
				oaRef{Ref: "#/components/parameters/WebhookSignature"},
			},
			RequestBody: &oaRequestBody{Required: true, Content: map[string]oaMedia{
				"application/json": {Schema: oaRef{Ref: "#/components/schemas/" + name}},
			}},
			Responses: map[string]any{
				"2XX": oaResponse{Description: "Acknowledged. Any other status (3xx included) or a timeout is retried: after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; 410 Gone ends the subscription."},
			},
		}}
	}
	return nil
}
