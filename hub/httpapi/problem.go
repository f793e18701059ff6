package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

// problemBase prefixes the RFC 9457 `type` URI of every problem; the part
// after it is the error code, so the type is stable and documentable.
const problemBase = "https://public-api.visage.jobs/docs/errors#"

// Problem is the RFC 9457 error document every failing request gets.
type Problem struct {
	Type      string           `json:"type"`
	Title     string           `json:"title"`
	Status    int              `json:"status"`
	Detail    string           `json:"detail"`
	Code      hub.Code         `json:"code"`
	RequestID string           `json:"request_id"`
	Errors    []hub.FieldError `json:"errors,omitempty"`
}

// statusOf is the one place where a domain error code becomes an HTTP
// status.
var statusOf = map[hub.Code]int{
	hub.EMalformed:       http.StatusBadRequest,
	hub.EUnauthorized:    http.StatusUnauthorized,
	hub.EForbidden:       http.StatusForbidden,
	hub.ENotFound:        http.StatusNotFound,
	hub.EConflict:        http.StatusConflict,
	hub.ETooLarge:        http.StatusRequestEntityTooLarge,
	hub.EUnsupported:     http.StatusUnsupportedMediaType,
	hub.EInvalid:         http.StatusUnprocessableEntity,
	hub.EIdempotency:     http.StatusUnprocessableEntity,
	hub.ERateLimited:     http.StatusTooManyRequests,
	hub.EUnavailable:     http.StatusServiceUnavailable,
	hub.EInternal:        http.StatusInternalServerError,
	"method_not_allowed": http.StatusMethodNotAllowed,
}

// fromFiber turns the framework's own errors (unknown route, wrong method,
// body over the server limit) into domain errors, so they get the same
// problem document as everything else.
func fromFiber(fe *fiber.Error) *hub.Error {
	switch fe.Code {
	case http.StatusNotFound:
		return hub.Errorf(hub.ENotFound, "no such endpoint; see /docs for the API reference")
	case http.StatusMethodNotAllowed:
		return hub.Errorf("method_not_allowed", "this endpoint does not support that method")
	case http.StatusRequestEntityTooLarge:
		return hub.Errorf(hub.ETooLarge, "the request body is too large")
	case http.StatusUnsupportedMediaType:
		return hub.Errorf(hub.EUnsupported, "unsupported content type")
	case http.StatusTooManyRequests:
		return hub.Errorf(hub.ERateLimited, "too many requests")
	case http.StatusRequestTimeout:
		return hub.Errorf(hub.EMalformed, "the request took too long to arrive")
	}
	if fe.Code >= 400 && fe.Code < 500 {
		return hub.Errorf(hub.EMalformed, "the request could not be read")
	}
	return &hub.Error{Code: hub.EInternal, Message: "an internal error occurred", Err: fe}
}

// writeProblem sends err as a problem document. Unexpected errors are logged
// with the request ID and answered with a generic 500, so no stack trace, SQL
// or driver message ever reaches a client.
func (s *Server) writeProblem(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		err = fromFiber(fe)
	}
	code := hub.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	rid := requestID(c)
	if status >= 500 {
		s.log.Error("request failed", "request_id", rid, "method", c.Method(), "path", c.Path(), "err", err)
	}
	p := Problem{
		Type:      problemBase + string(code),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    hub.ErrorMessage(err),
		Code:      code,
		RequestID: rid,
		Errors:    hub.ErrorFields(err),
	}
	if status == http.StatusTooManyRequests && c.GetRespHeader("Retry-After") == "" {
		c.Set("Retry-After", "1")
	}
	body, jerr := jsonMarshal(p)
	if jerr != nil {
		s.log.Error("encode problem", "err", jerr)
		return c.SendStatus(http.StatusInternalServerError)
	}
	c.Set("X-Request-Id", rid)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	c.Set(fiber.HeaderContentLength, strconv.Itoa(len(body)))
	return c.Status(status).Send(body)
}

// errorHandler is Fiber's last-resort handler: errors raised before any
// middleware ran (a body over the server limit, a broken request line) come
// here.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	if werr := s.writeProblem(c, err); werr != nil {
		s.log.Error("write problem", slog.Any("err", werr))
	}
	return nil
}
