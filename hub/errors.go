package hub

import (
	"errors"
	"fmt"
)

// Code classifies an error the way a caller can act on it. The HTTP edge maps
// each code to one status, so handlers and stores never pick status numbers.
type Code string

// The error codes. They are part of the public API (the `code` member of a
// problem document), so they are only ever added, never renamed.
const (
	EInvalid      Code = "invalid"              // the request is well-formed but fails validation (422)
	EMalformed    Code = "malformed"            // the body or a parameter cannot be parsed (400)
	EUnauthorized Code = "unauthorized"         // no credentials, or bad, expired or revoked ones (401)
	EForbidden    Code = "forbidden"            // authenticated, but not allowed to do this (403)
	ENotFound     Code = "not_found"            // no such resource in this account (404)
	EConflict     Code = "conflict"             // the resource's state forbids the change (409)
	ETooLarge     Code = "too_large"            // the body is over its limit (413)
	EUnsupported  Code = "unsupported"          // wrong media type (415)
	ERateLimited  Code = "rate_limited"         // too many requests for this key (429)
	EUnavailable  Code = "unavailable"          // a dependency such as the database is down (503)
	EInternal     Code = "internal"             // a bug or an unexpected failure (500)
	EIdempotency  Code = "idempotency_mismatch" // an Idempotency-Key reused with another body (422)
)

// FieldError names one failing input field, so a form or a no-code field
// picker can point at it. Field is a dotted path ("hiring_manager.email",
// "skills.2") or a query parameter name.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the error every layer returns for an expected failure. Message is
// safe to show to an API caller; anything internal stays in the wrapped Err,
// which is logged and never sent.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a formatted, caller-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a validation error from field errors; the message sums them
// up for clients that only show one line.
func Invalid(fields ...FieldError) *Error {
	msg := "the request failed validation"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: EInvalid, Message: msg, Fields: fields}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the caller-safe message of err: the *Error's message,
// or a generic sentence for anything unexpected, so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "an internal error occurred"
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
