package httpapi

import (
	"github.com/gofiber/fiber/v2"
)

// Access says who may call a route.
type Access int

// The access levels. Guards are attached from the route table, so no
// handler can forget one.
const (
	Public    Access = iota // no credentials
	AnyCaller               // an API key, or an admin or member token
	People                  // an admin or member token, not an API key
	Admins                  // an admin token
)

// Route is one entry of the route table: the single list the router, the
// guards and (later) the OpenAPI document are built from.
type Route struct {
	Method  string
	Path    string
	Access  Access
	JSON    bool // reads a JSON body: content type and size are checked
	Summary string
	Tag     string
	// Request names the JSON Schema of the body (schemas package), if any.
	Request string
	// Response names the schema of the success body; "list:NAME" for a
	// list envelope of NAME, "array:NAME" for a bare array of NAME, "" for
	// a body without a schema.
	Response string
	// Status is the success status; 0 means 200.
	Status int
	// Query documents the query parameters.
	Query []Param
	// Raw says the body is not JSON (file uploads), described by
	// RawTypes.
	RawTypes []string
	// Hidden keeps a route out of the OpenAPI document: the settings pages
	// are HTML for people, not part of the API.
	Hidden  bool
	handler fiber.Handler
}

// Param documents one query parameter.
type Param struct {
	Name        string
	Type        string // string, integer, date-time, date
	Description string
	Enum        []string
}

// paging are the parameters every list takes.
var paging = []Param{
	{Name: "limit", Type: "integer", Description: "Items per page, 1 to 200 (default 50)."},
	{Name: "cursor", Type: "string", Description: "next_cursor from the previous page, unchanged."},
}

// Routes lists every route the server registers, for documentation and for
// the test that keeps documentation and router in step.
func (s *Server) Routes() []Route { return s.routeTable() }

func (s *Server) routeTable() []Route {
	var rs []Route
	for _, group := range [][]Route{
		s.coreRoutes(), s.jobRoutes(), s.candidateRoutes(), s.resumeRoutes(),
		s.eventRoutes(), s.analyticsRoutes(), s.docRoutes(),
		s.webhookRoutes(), s.deliveryRoutes(), s.replayRoutes(), s.webRoutes(),
		s.actionRoutes(), s.metaRoutes(),
		s.triggerRoutes(),
	} {
		rs = append(rs, group...)
	}
	return rs
}

func (s *Server) coreRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/healthz", Access: Public, Summary: "Liveness", Tag: "Operations", handler: s.healthz},
		{Method: "GET", Path: "/readyz", Access: Public, Summary: "Readiness (database reachable)", Tag: "Operations", handler: s.readyz},
		{Method: "GET", Path: "/metrics", Access: Public, Summary: "Prometheus metrics", Tag: "Operations", handler: metricsHandler(s.reg)},
		{Method: "POST", Path: "/v1/auth/exchange", Access: Public, JSON: true, Summary: "Exchange a sign-in token for an admin JWT", Tag: "Auth",
			Request: "auth_exchange", Response: "access_token", handler: s.exchangeLogin},
		{Method: "GET", Path: "/v1/me", Access: AnyCaller, Summary: "Who this credential acts for (connection test)", Tag: "Auth",
			Response: "me", handler: s.me},
		{Method: "GET", Path: "/v1/api-keys", Access: People, Summary: "List API keys", Tag: "API keys",
			Response: "list:api_key", handler: s.listKeys},
		{Method: "POST", Path: "/v1/api-keys", Access: Admins, JSON: true, Summary: "Create an API key (shown once)", Tag: "API keys",
			Request: "api_key_create", Response: "api_key_created", Status: fiber.StatusCreated, handler: s.createKey},
		{Method: "GET", Path: "/v1/api-keys/:id", Access: People, Summary: "Get an API key", Tag: "API keys",
			Response: "api_key", handler: s.getKey},
		{Method: "DELETE", Path: "/v1/api-keys/:id", Access: Admins, Summary: "Revoke an API key", Tag: "API keys",
			Response: "api_key", handler: s.revokeKey},
	}
}

// chain returns the handlers for r: body checks, authentication and the
// access guard, Idempotency-Key handling for changes, then the handler.
func (s *Server) chain(r Route) []fiber.Handler {
	var hs []fiber.Handler
	if r.JSON {
		hs = append(hs, s.requireJSON)
	}
	switch r.Access {
	case AnyCaller:
		hs = append(hs, s.authenticate)
	case People:
		hs = append(hs, s.authenticate, peopleOnly)
	case Admins:
		hs = append(hs, s.authenticate, adminOnly)
	}
	if idempotent(r) {
		hs = append(hs, s.idempotency)
	}
	return append(hs, r.handler)
}
