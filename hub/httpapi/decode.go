package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

// decodeJSON reads the request body into dst. Malformed JSON is a 400 that
// says where; unknown fields and wrong types are 422s naming the field. An
// empty body decodes as {} when allowEmpty is set (bodies whose fields are
// all optional).
func decodeJSON(c *fiber.Ctx, dst any, allowEmpty bool) error {
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		if allowEmpty {
			body = []byte("{}")
		} else {
			return hub.Errorf(hub.EMalformed, "the request body is empty; send a JSON object")
		}
	}
	if body[0] != '{' {
		if !json.Valid(body) {
			return malformed(body)
		}
		return hub.Invalid(hub.FieldError{Field: "", Message: "the body must be a JSON object"})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(body, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return hub.Errorf(hub.EMalformed, "the body has data after the JSON object")
	}
	return nil
}

func decodeError(body []byte, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return hub.Invalid(hub.FieldError{Field: te.Field, Message: "must be " + article(te.Type.Kind().String())})
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return hub.Invalid(hub.FieldError{Field: strings.Trim(msg, `"`), Message: "unknown field"})
	}
	return malformed(body)
}

// malformed says where the JSON broke, so a person fixing a hand-written
// request can find it.
func malformed(body []byte) error {
	var v any
	err := json.Unmarshal(body, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &hub.Error{Code: hub.EMalformed, Message: fmt.Sprintf("the body is not valid JSON (at byte %d: %s)", se.Offset, se.Error()), Err: err}
	}
	return &hub.Error{Code: hub.EMalformed, Message: "the body is not valid JSON", Err: err}
}

func article(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "int", "int64", "int32", "uint", "uint64", "float64", "float32":
		return "a number"
	default:
		return "of another type"
	}
}
