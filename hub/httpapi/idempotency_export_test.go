package httpapi

import "github.com/gofiber/fiber/v2"

// AddTestRoute registers h behind the same handler chain as the route
// table's routes (body checks, authentication, guards, Idempotency-Key), so
// tests can drive the middleware with handlers that block or count.
func (s *Server) AddTestRoute(method, path string, access Access, json bool, h fiber.Handler) {
	s.app.Add(method, path, s.chain(Route{Method: method, Path: path, Access: access, JSON: json, handler: h})...)
}
