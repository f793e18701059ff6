package httpapi

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/visage-jobs/visage-hub/schemas"
)

// toOAS31 converts a draft-07 JSON Schema (as schemas.Resolved returns it)
// to the JSON Schema 2020-12 dialect of OpenAPI 3.1. Almost every keyword
// means the same in both; what differs is renamed: definitions becomes
// $defs, tuple items become prefixItems (and additionalItems items),
// dependencies splits into dependentRequired and dependentSchemas, and any
// $ref left between schema files points into components.schemas. $schema
// and $id go: the document sets the dialect, and an $id would rebase
// references. Values of enum, const, examples and default are data and are
// copied untouched.
func toOAS31(component string, node any) any {
	m, ok := node.(map[string]any)
	if !ok {
		return node // true / false schemas
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch k {
		case "$schema", "$id":
		case "definitions", "$defs":
			defs, _ := out["$defs"].(map[string]any)
			if defs == nil {
				defs = map[string]any{}
			}
			for name, sub := range asMap(v) {
				defs[name] = toOAS31(component, sub)
			}
			out["$defs"] = defs
		case "properties", "patternProperties", "dependentSchemas":
			props := map[string]any{}
			for name, sub := range asMap(v) {
				props[name] = toOAS31(component, sub)
			}
			out[k] = props
		case "items":
			if tuple, ok := v.([]any); ok {
				out["prefixItems"] = convertAll(component, tuple)
				if extra, ok := m["additionalItems"]; ok {
					out["items"] = toOAS31(component, extra)
				}
			} else {
				out["items"] = toOAS31(component, v)
			}
		case "additionalItems":
			// Only meaningful beside tuple items, handled there.
		case "dependencies":
			for name, dep := range asMap(v) {
				if list, ok := dep.([]any); ok {
					setIn(out, "dependentRequired", name, list)
				} else {
					setIn(out, "dependentSchemas", name, toOAS31(component, dep))
				}
			}
		case "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames":
			out[k] = toOAS31(component, v)
		case "allOf", "anyOf", "oneOf":
			list, _ := v.([]any)
			out[k] = convertAll(component, list)
		case "$ref":
			out[k] = componentRef(component, fmt.Sprint(v))
		default:
			out[k] = v
		}
	}
	return out
}

func convertAll(component string, list []any) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = toOAS31(component, s)
	}
	return out
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func setIn(m map[string]any, key, name string, v any) {
	inner, _ := m[key].(map[string]any)
	if inner == nil {
		inner = map[string]any{}
		m[key] = inner
	}
	inner[name] = v
}

// componentRef rewrites a reference between schema files ("job.json#/...",
// "#/definitions/x") to the same place under components.schemas.
func componentRef(component, ref string) string {
	file, pointer, _ := strings.Cut(ref, "#")
	target := component
	if file != "" {
		file = strings.TrimPrefix(file, schemas.BaseURL)
		target = strings.TrimSuffix(file, ".json")
	}
	pointer = strings.Replace(pointer, "/definitions/", "/$defs/", 1)
	return "#/components/schemas/" + target + pointer
}

// edgeSchemas describe the few bodies that exist only at the HTTP edge,
// not as resources in schemas/: who a credential is, a sign-in exchange, and
// a new API key with its one-time secret. The last is derived from api_key,
// so the key's other fields are still described once.
func edgeSchemas() (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	for name, raw := range edgeSchemaJSON {
		var s map[string]any
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			return nil, fmt.Errorf("edge schema %s: %w", name, err)
		}
		out[name] = s
	}
	created, err := schemas.Resolved("api_key")
	if err != nil {
		return nil, fmt.Errorf("edge schema api_key_created: %w", err)
	}
	created["title"] = "New API key"
	created["description"] = "A key just created. The key member holds the secret itself; it is shown in this response only, so store it now."
	props := asMap(created["properties"])
	props["key"] = map[string]any{
		"title": "API key", "type": "string", "pattern": "^vsk_[0-9A-Za-z]{32,128}$", "maxLength": 132,
		"description": "The secret: send it as Authorization: Bearer vsk_… or X-API-Key. Never shown again.",
		"examples":    []any{exampleAPIKey},
	}
	if req, ok := created["required"].([]any); ok {
		created["required"] = append(req, "key")
	}
	if ex, ok := created["examples"].([]any); ok && len(ex) > 0 {
		first := asMap(ex[0])
		sample := make(map[string]any, len(first)+1)
		for k, v := range first {
			sample[k] = v
		}
		sample["key"] = exampleAPIKey
		sample["last_used_at"] = nil
		created["examples"] = []any{sample}
	}
	out["api_key_created"] = created
	return out, nil
}

// exampleAPIKey begins with the api_key example's prefix, so the examples
// agree with each other.
const exampleAPIKey = "vsk_7Hq2LmXw4bT9pR2sZk8fN3yQ6vD1jA5c"

var edgeSchemaJSON = map[string]string{
	"me": `{
		"title": "Connection",
		"description": "Who a credential acts for: the account, and the API key or the person's role. Connector platforms show it as the connection's label.",
		"type": "object", "additionalProperties": false,
		"required": ["account_id", "account_name"],
		"properties": {
			"account_id": {"title": "Account ID", "description": "The account every request with this credential reads and changes.", "type": "string", "pattern": "^acct_[0-7][0-9a-hjkmnp-tv-z]{25}$", "examples": ["acct_01jps9t2xkz3v5e8g7h6m4n2qd"]},
			"account_name": {"title": "Account name", "description": "The account's display name.", "type": "string", "maxLength": 200, "examples": ["Acme Recruiting"]},
			"key_id": {"title": "API key ID", "description": "The API key's ID; absent for a person's token.", "type": "string", "pattern": "^key_[0-7][0-9a-hjkmnp-tv-z]{25}$", "examples": ["key_01jps9wd5rhyp17q8tng2cwbn2"]},
			"key_label": {"title": "API key label", "description": "The API key's label; absent for a person's token or a key without one.", "type": "string", "maxLength": 100, "examples": ["Zapier - ATS sync"]},
			"role": {"title": "Role", "description": "admin or member, for a person's token; absent for an API key.", "type": "string", "enum": ["admin", "member"]}
		},
		"examples": [{"account_id": "acct_01jps9t2xkz3v5e8g7h6m4n2qd", "account_name": "Acme Recruiting", "key_id": "key_01jps9wd5rhyp17q8tng2cwbn2", "key_label": "Zapier - ATS sync"}]
	}`,
	"auth_exchange": `{
		"title": "Sign-in exchange",
		"description": "The one-time token from a sign-in link, to exchange for an admin token.",
		"type": "object", "additionalProperties": false,
		"required": ["token"],
		"properties": {
			"token": {"title": "Sign-in token", "description": "The token query parameter of the sign-in link. It works once.", "type": "string", "minLength": 1, "maxLength": 512, "examples": ["Q2hvb3NlIGEgcmFuZG9tIHRva2VuIGhlcmU"]}
		},
		"examples": [{"token": "Q2hvb3NlIGEgcmFuZG9tIHRva2VuIGhlcmU"}]
	}`,
	"access_token": `{
		"title": "Admin token",
		"description": "A person's token for the settings endpoints, sent as Authorization: Bearer.",
		"type": "object", "additionalProperties": false,
		"required": ["access_token", "token_type", "expires_at"],
		"properties": {
			"access_token": {"title": "Token", "description": "The JWT.", "type": "string", "minLength": 1, "examples": ["eyJhbGciOiJIUzI1NiJ9.eyJhY2NvdW50X2lkIjoiYWNjdF8wMWpwczl0MnhrejN2NWU4ZzdoNm00bjJxZCIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl"]},
			"token_type": {"title": "Token type", "description": "Always Bearer.", "type": "string", "const": "Bearer"},
			"expires_at": {"title": "Expires at", "description": "When the token stops working (UTC, milliseconds).", "type": "string", "format": "date-time", "examples": ["2025-03-21T18:14:27.512Z"]}
		},
		"examples": [{"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJhY2NvdW50X2lkIjoiYWNjdF8wMWpwczl0MnhrejN2NWU4ZzdoNm00bjJxZCIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl", "token_type": "Bearer", "expires_at": "2025-03-21T18:14:27.512Z"}]
	}`,
}
