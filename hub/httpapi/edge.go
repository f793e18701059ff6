package httpapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

const localRequestID = "request_id"

// jsonMarshal is the encoder every response uses.
func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// requestID returns the request's ID, making one when the edge has not run
// (errors raised by the server before any middleware).
func requestID(c *fiber.Ctx) string {
	if v, ok := c.Locals(localRequestID).(string); ok && v != "" {
		return v
	}
	id := hub.NewID("req")
	c.Locals(localRequestID, id)
	return id
}

// validRequestID accepts a caller's X-Request-Id only when it is short and
// printable, so a hostile header cannot inject into logs.
func validRequestID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// edge is the outermost middleware: it assigns the request ID, turns a panic
// into a 500, writes every error as a problem document, then logs the request
// and records its metrics with the final status.
func (s *Server) edge(c *fiber.Ctx) (err error) {
	start := time.Now()
	rid := c.Get("X-Request-Id")
	if !validRequestID(rid) {
		rid = hub.NewID("req")
	}
	c.Locals(localRequestID, rid)
	c.Set("X-Request-Id", rid)

	func() {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic", "request_id", rid, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		err = c.Next()
	}()
	if err != nil {
		if werr := s.writeProblem(c, err); werr != nil {
			return werr
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	elapsed := time.Since(start)
	s.metrics.observe(c.Method(), route, status, elapsed)
	if s.log.Enabled(c.UserContext(), slog.LevelInfo) {
		attrs := []slog.Attr{
			slog.String("request_id", rid), slog.String("method", c.Method()),
			slog.String("path", c.Path()), slog.String("route", route),
			slog.Int("status", status), slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		}
		if p, ok := c.Locals(localPrincipal).(hub.Principal); ok {
			attrs = append(attrs, slog.String("account_id", p.AccountID))
		}
		s.log.LogAttrs(c.UserContext(), slog.LevelInfo, "request", attrs...)
	}
	return nil
}

// requireJSON refuses a body that is not JSON (415) or is larger than the
// JSON limit (413) on routes that read JSON. Requests without a body pass;
// handlers that need one say so.
func (s *Server) requireJSON(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch:
	default:
		return c.Next()
	}
	body := c.Request().Body()
	if len(body) > s.cfg.MaxBodyBytes {
		return hub.Errorf(hub.ETooLarge, "the request body is over the limit of %d bytes", s.cfg.MaxBodyBytes)
	}
	if len(body) == 0 {
		return c.Next()
	}
	ct := c.Get(fiber.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !(mt == "application/json" || (len(mt) > 5 && mt[len(mt)-5:] == "+json")) {
		return hub.Errorf(hub.EUnsupported, "send the body as application/json (got %q)", ct)
	}
	return c.Next()
}

// sendJSON writes v with status as JSON.
func sendJSON(c *fiber.Ctx, status int, v any) error {
	b, err := jsonMarshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentLength, strconv.Itoa(len(b)))
	return c.Status(status).Send(b)
}
