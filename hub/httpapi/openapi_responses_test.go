package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	validator "github.com/pb33f/libopenapi-validator"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// TestOpenAPIDescribesResponses sends real requests and checks each
// response against the operation /openapi.json documents for it (status,
// content type, body schema), so the document cannot claim a shape the
// handlers do not send. It covers the core routes, whose bodies are
// described in the HTTP layer rather than in schemas/.
func TestOpenAPIDescribesResponses(t *testing.T) {
	noNetwork(t)
	e := newEnv(t, storetest.Open(t, store.SQLite))
	_, doc, _ := loadOpenAPI(t, e)
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	admin, member := e.token(hub.RoleAdmin), e.token(hub.RoleMember)
	plain, id := e.key("zapier")

	cases := []struct {
		name, method, path, cred, body string
		status                         int
	}{
		{"me with an API key", "GET", "/v1/me", plain, "", 200},
		{"me with a token", "GET", "/v1/me", member, "", 200},
		{"create a key", "POST", "/v1/api-keys", admin, `{"label":"n8n"}`, 201},
		{"create a key without a body", "POST", "/v1/api-keys", admin, "", 201},
		{"list keys", "GET", "/v1/api-keys", member, "", 200},
		{"get a key", "GET", "/v1/api-keys/" + id, admin, "", 200},
		{"unknown key", "GET", "/v1/api-keys/key_01jps9wd5rhyp17q8tng2cwbn2", admin, "", 404},
		{"invalid label", "POST", "/v1/api-keys", admin, `{"label":5}`, 422},
		{"malformed JSON", "POST", "/v1/api-keys", admin, `{"label":`, 400},
		{"API key on an admin route", "POST", "/v1/api-keys", plain, `{}`, 403},
		{"no credentials", "GET", "/v1/me", "", "", 401},
		{"spent sign-in token", "POST", "/v1/auth/exchange", "", `{"token":"nope"}`, 401},
		{"revoke a key", "DELETE", "/v1/api-keys/" + id, admin, "", 200},
		{"openapi document", "GET", "/openapi.json", "", "", 200},
		{"health", "GET", "/healthz", "", "", 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			build := func() *http.Request {
				req := httptest.NewRequest(tc.method, "http://hub.test"+tc.path, bytes.NewBufferString(tc.body))
				if tc.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				if tc.cred != "" {
					req.Header.Set("Authorization", "Bearer "+tc.cred)
				}
				return req
			}
			res, err := e.srv.App().Test(build(), 10_000)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			res.Body = io.NopCloser(bytes.NewReader(body))
			if ok, verrs := v.ValidateHttpResponse(build(), res); !ok {
				for _, ve := range verrs {
					t.Errorf("%s: %s", ve.Message, ve.Reason)
					for _, se := range ve.SchemaValidationErrors {
						t.Errorf("  at %s: %s", se.FieldPath, se.Reason)
					}
				}
				t.Logf("body: %s", body)
			}
		})
	}
}
