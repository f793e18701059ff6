package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
)

// keyCount is how many API keys the account has, as the API lists them.
func (e *env) keyCount(token string) int {
	e.t.Helper()
	var l struct{ Data []struct{ ID string } }
	e.do("GET", "/v1/api-keys", token, "").status(http.StatusOK).decode(&l)
	return len(l.Data)
}

func assertReplay(t *testing.T, first, again resp) {
	t.Helper()
	if again.code != first.code || !bytes.Equal(again.body, first.body) {
		t.Fatalf("replay %d %s, want %d %s", again.code, again.body, first.code, first.body)
	}
	if again.h.Get("Idempotent-Replayed") != "true" || first.h.Get("Idempotent-Replayed") != "" {
		t.Fatalf("Idempotent-Replayed: first %q, replay %q", first.h.Get("Idempotent-Replayed"), again.h.Get("Idempotent-Replayed"))
	}
	for _, h := range []string{"Content-Type", "Location"} {
		if again.h.Get(h) != first.h.Get(h) {
			t.Fatalf("%s: replay %q, first %q", h, again.h.Get(h), first.h.Get(h))
		}
	}
}

func TestIdempotencyKey(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.token(hub.RoleAdmin)
		const idem = "Idempotency-Key"

		t.Run("replay returns the first response and creates nothing", func(t *testing.T) {
			first := e.do("POST", "/v1/api-keys", admin, `{"label":"zapier"}`, idem, "create-zapier").status(http.StatusCreated)
			// A retry that re-encodes the same JSON is the same request.
			again := e.do("POST", "/v1/api-keys", admin, `{ "label" : "zapier" }`, idem, "create-zapier")
			assertReplay(t, first, again)
			if first.h.Get("Location") == "" {
				t.Fatal("create sent no Location")
			}
			if n := e.keyCount(admin); n != 1 {
				t.Fatalf("%d keys after a replayed create, want 1", n)
			}
		})
		t.Run("the stored response keeps no secret readable", func(t *testing.T) {
			first := e.do("POST", "/v1/api-keys", admin, `{"label":"secret"}`, idem, "create-secret").status(http.StatusCreated)
			var k struct{ Key string }
			first.decode(&k)
			rows, err := e.st.DB().QueryxContext(context.Background(), "SELECT * FROM idempotency_keys")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
				vals, err := rows.SliceScan()
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range vals {
					var text []byte
					switch x := v.(type) {
					case string:
						text = []byte(x)
					case []byte:
						text = x
					}
					if bytes.Contains(text, []byte(k.Key)) || bytes.Contains(text, []byte("create-secret")) || bytes.Contains(text, []byte(`"label"`)) {
						t.Fatalf("idempotency_keys holds plaintext: %q", text)
					}
				}
			}
			if n == 0 {
				t.Fatal("no idempotency rows were stored")
			}
		})
		t.Run("same key with another body or path is a 422", func(t *testing.T) {
			e.do("POST", "/v1/api-keys", admin, `{"label":"n8n"}`, idem, "create-n8n").status(http.StatusCreated)
			before := e.keyCount(admin)
			e.do("POST", "/v1/api-keys", admin, `{"label":"make"}`, idem, "create-n8n").
				problem(http.StatusUnprocessableEntity, hub.EIdempotency, idem)
			e.srv.AddTestRoute("POST", "/test/elsewhere", httpapi.Admins, true, func(c *fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) })
			e.do("POST", "/test/elsewhere", admin, `{"label":"n8n"}`, idem, "create-n8n").
				problem(http.StatusUnprocessableEntity, hub.EIdempotency, idem)
			if n := e.keyCount(admin); n != before {
				t.Fatalf("%d keys, want %d", n, before)
			}
		})
		t.Run("accounts do not share keys", func(t *testing.T) {
			other, err := e.st.CreateAccount(context.Background(), "Globex")
			if err != nil {
				t.Fatal(err)
			}
			otherAdmin := e.tokenFor(other.ID, hub.RoleAdmin)
			mine := e.do("POST", "/v1/api-keys", admin, `{"label":"shared"}`, idem, "same-key").status(http.StatusCreated)
			theirs := e.do("POST", "/v1/api-keys", otherAdmin, `{"label":"shared"}`, idem, "same-key").status(http.StatusCreated)
			if theirs.h.Get("Idempotent-Replayed") != "" || bytes.Equal(mine.body, theirs.body) {
				t.Fatalf("another account got this account's response: %s", theirs.body)
			}
			if n := e.keyCount(otherAdmin); n != 1 {
				t.Fatalf("other account has %d keys, want 1", n)
			}
		})
		t.Run("a failed request is not stored, so a fixed retry runs", func(t *testing.T) {
			e.do("POST", "/v1/api-keys", admin, `{"label":5}`, idem, "fix-me").problem(http.StatusUnprocessableEntity, hub.EInvalid, "label")
			e.do("POST", "/v1/api-keys", admin, `{"label":"fixed"}`, idem, "fix-me").status(http.StatusCreated)
		})
		t.Run("rows older than 24 hours are ignored", func(t *testing.T) {
			before := e.keyCount(admin)
			first := e.do("POST", "/v1/api-keys", admin, `{"label":"old"}`, idem, "day-old").status(http.StatusCreated)
			age := (25 * time.Hour).Milliseconds()
			if _, err := e.st.DB().ExecContext(context.Background(), e.st.DB().Rebind(`UPDATE idempotency_keys SET created_at = created_at - ?`), age); err != nil {
				t.Fatal(err)
			}
			again := e.do("POST", "/v1/api-keys", admin, `{"label":"old"}`, idem, "day-old").status(http.StatusCreated)
			if again.h.Get("Idempotent-Replayed") != "" || bytes.Equal(again.body, first.body) {
				t.Fatalf("an expired response was replayed: %s", again.body)
			}
			if n := e.keyCount(admin); n != before+2 {
				t.Fatalf("%d keys, want %d", n, before+2)
			}
		})
		t.Run("without a key every request runs", func(t *testing.T) {
			before := e.keyCount(admin)
			e.do("POST", "/v1/api-keys", admin, `{"label":"twice"}`).status(http.StatusCreated)
			e.do("POST", "/v1/api-keys", admin, `{"label":"twice"}`).status(http.StatusCreated)
			if n := e.keyCount(admin); n != before+2 {
				t.Fatalf("%d keys, want %d", n, before+2)
			}
		})
		t.Run("invalid keys are a 400 naming the header", func(t *testing.T) {
			before := e.keyCount(admin)
			for name, key := range map[string]string{
				"too long":  strings.Repeat("k", 256),
				"non-ASCII": "schlüssel",
				"control":   "a\x01b",
				"empty":     "",
			} {
				t.Run(name, func(t *testing.T) {
					e.do("POST", "/v1/api-keys", admin, `{"label":"x"}`, idem, key).problem(http.StatusBadRequest, hub.EMalformed, idem)
				})
			}
			if n := e.keyCount(admin); n != before {
				t.Fatalf("an invalid key still created a key: %d, want %d", n, before)
			}
			e.do("POST", "/v1/api-keys", admin, `{"label":"x"}`, idem, strings.Repeat("k", 255)).status(http.StatusCreated)
		})
	})
}

func TestIdempotencyKeyInProgress(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		plain, _ := e.key("worker")
		entered, release := make(chan struct{}), make(chan struct{})
		var runs atomic.Int32
		e.srv.AddTestRoute("POST", "/test/slow", httpapi.AnyCaller, true, func(c *fiber.Ctx) error {
			n := runs.Add(1)
			if n == 1 {
				entered <- struct{}{}
				<-release
			}
			return c.Status(http.StatusCreated).JSON(fiber.Map{"run": n})
		})
		request := func(body string) *http.Request {
			req := httptest.NewRequest("POST", "/test/slow", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+plain)
			req.Header.Set("Idempotency-Key", "slow-1")
			return req
		}
		type result struct {
			code int
			body []byte
			err  error
		}
		done := make(chan result, 1)
		go func() {
			res, err := e.srv.App().Test(request(`{"a":1}`), 10_000)
			if err != nil {
				done <- result{err: err}
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			done <- result{res.StatusCode, b, err}
		}()
		<-entered // the first request holds the key and is blocked in its handler

		busy := e.send(request(`{"a":1}`))
		busy.problem(http.StatusConflict, hub.EConflict, "")
		if busy.h.Get("Retry-After") == "" {
			t.Fatalf("409 without Retry-After: %v", busy.h)
		}
		e.send(request(`{"a":2}`)).problem(http.StatusUnprocessableEntity, hub.EIdempotency, "Idempotency-Key")

		close(release)
		first := <-done
		if first.err != nil || first.code != http.StatusCreated {
			t.Fatalf("first request: %d %s %v", first.code, first.body, first.err)
		}
		again := e.send(request(`{"a":1}`)).status(http.StatusCreated)
		if !bytes.Equal(again.body, first.body) || again.h.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("after the first finished: %s (replayed %q), want %s", again.body, again.h.Get("Idempotent-Replayed"), first.body)
		}
		if n := runs.Load(); n != 1 {
			t.Fatalf("handler ran %d times, want 1", n)
		}
	})
}

func TestIdempotencyKeyReleasedOnError(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		plain, _ := e.key("worker")
		var runs atomic.Int32
		e.srv.AddTestRoute("PATCH", "/test/flaky", httpapi.AnyCaller, true, func(c *fiber.Ctx) error {
			switch runs.Add(1) {
			case 1:
				return hub.Errorf(hub.EConflict, "not yet")
			case 2:
				panic("boom")
			}
			return c.Status(http.StatusOK).JSON(fiber.Map{"ok": true})
		})
		call := func() resp {
			return e.do("PATCH", "/test/flaky", plain, `{"x":1}`, "Idempotency-Key", "flaky")
		}
		call().problem(http.StatusConflict, hub.EConflict, "")
		call().problem(http.StatusInternalServerError, hub.EInternal, "")
		ok := call().status(http.StatusOK)
		assertReplay(t, ok, call())
		if n := runs.Load(); n != 3 {
			t.Fatalf("handler ran %d times, want 3 (errors are not stored, the success is)", n)
		}
	})
}
