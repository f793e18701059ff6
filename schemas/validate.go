package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/xeipuuv/gojsonschema"
)

// Validate checks doc against the named schema, so handlers, actions and
// tests share one definition of a valid body. It returns nil when doc is
// valid; a *hub.Error with code hub.EMalformed (saying at which byte) when
// doc is not JSON; and a *hub.Error with code hub.EInvalid carrying one
// hub.FieldError per failing field otherwise, sorted by field. A field is a
// dotted path ("hiring_manager.email", "experience.0.start_date"); a missing
// or unknown property is named by its own path; a problem with the document
// as a whole (not an object, an empty PATCH) is reported on the field "body".
// Any other error (an unknown schema name) is a bug and carries no code.
func Validate(name string, doc []byte) error {
	r, err := load()
	if err != nil {
		return err
	}
	s, ok := r.compiled[name]
	if !ok {
		return fmt.Errorf("schemas: unknown schema %q", name)
	}
	if !json.Valid(doc) {
		return malformed(doc)
	}
	res, err := s.Validate(gojsonschema.NewBytesLoader(doc))
	if err != nil {
		return fmt.Errorf("schemas: validate against %s: %w", name, err)
	}
	if res.Valid() {
		return nil
	}
	return hub.Invalid(fieldErrors(r.resolved[name], res.Errors())...)
}

// ValidateValue marshals v and validates the JSON, so tests can check that
// what the hub sends (a resource, an event, a problem) matches the schema
// the docs and integrations promise.
func ValidateValue(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("schemas: marshal value for %s: %w", name, err)
	}
	return Validate(name, b)
}

// malformed describes where doc stops being JSON. encoding/json counts the
// offending byte as the Offset-th one (1-based); line and column are added
// because that is how editors and humans find it.
func malformed(doc []byte) *hub.Error {
	var v any
	err := json.Unmarshal(doc, &v)
	if err == nil { // json.Valid disagreed; cannot happen, but stay safe
		err = errors.New("invalid JSON")
	}
	if len(bytes.TrimSpace(doc)) == 0 {
		return &hub.Error{Code: hub.EMalformed, Message: "invalid JSON at byte 0: the body is empty", Err: err}
	}
	off := int64(len(doc))
	reason := "unexpected end of input"
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
		if off < int64(len(doc)) || se.Error() != "unexpected end of JSON input" {
			reason = se.Error()
		}
	}
	if off < 1 {
		off = 1
	}
	line, col := position(doc, off)
	return &hub.Error{
		Code:    hub.EMalformed,
		Message: fmt.Sprintf("invalid JSON at byte %d (line %d, column %d): %s", off, line, col, reason),
		Err:     err,
	}
}

// position returns the 1-based line and column of the off-th byte.
func position(doc []byte, off int64) (line, col int) {
	line, col = 1, 0
	for i := int64(0); i < off && i < int64(len(doc)); i++ {
		if doc[i] == '\n' && i < off-1 {
			line, col = line+1, 0
			continue
		}
		col++
	}
	return line, col
}
