package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// bind validates the JSON body against the named schema (field-level 422s,
// 400 for malformed JSON) and then decodes it into dst. The schema is the
// single description of what a body may hold; dst only receives it.
func bind(c *fiber.Ctx, schema string, dst any) error {
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		return hub.Errorf(hub.EMalformed, "the request body is empty; send a JSON object")
	}
	if err := schemas.Validate(schema, body); err != nil {
		return err
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return fmt.Errorf("decode %s after validation: %w", schema, err)
	}
	return nil
}

// fieldsOf returns the top-level members of a validated body, so PATCH
// handlers can tell a field sent as null (clear it) from one left out.
func fieldsOf(c *fiber.Ctx) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(c.Body(), &m); err != nil {
		return nil, hub.Errorf(hub.EMalformed, "the body is not a JSON object")
	}
	return m, nil
}
