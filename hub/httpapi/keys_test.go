package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestAPIKeyLifecycle(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.token(hub.RoleAdmin)
		plain, id := e.key("zapier")

		t.Run("key has the documented shape", func(t *testing.T) {
			if !strings.HasPrefix(plain, "vsk_") || len(plain) < 36 || !hub.LooksLikeAPIKey(plain) {
				t.Fatalf("key %q", plain)
			}
		})
		t.Run("me answers for the key", func(t *testing.T) {
			var me struct {
				AccountID   string `json:"account_id"`
				AccountName string `json:"account_name"`
				KeyID       string `json:"key_id"`
				KeyLabel    string `json:"key_label"`
			}
			r := e.do("GET", "/v1/me", plain, "").status(http.StatusOK)
			r.decode(&me)
			if me.AccountName != "Acme Recruiting" || me.KeyID != id || me.KeyLabel != "zapier" || me.AccountID != e.acct.ID {
				t.Fatalf("me = %+v", me)
			}
		})
		t.Run("X-API-Key works too", func(t *testing.T) {
			e.do("GET", "/v1/me", "", "", "X-API-Key", plain).status(http.StatusOK)
		})
		t.Run("key is shown once", func(t *testing.T) {
			list := e.do("GET", "/v1/api-keys", admin, "").status(http.StatusOK)
			if strings.Contains(string(list.body), plain) {
				t.Fatal("list shows the plaintext key")
			}
			one := e.do("GET", "/v1/api-keys/"+id, admin, "").status(http.StatusOK)
			if strings.Contains(string(one.body), plain) || !strings.Contains(string(one.body), plain[:10]) {
				t.Fatalf("get shows %s", one.body)
			}
			var l struct {
				Data []struct {
					ID, Label, Prefix string
					CreatedAt         *string `json:"created_at"`
				}
				NextCursor *string `json:"next_cursor"`
			}
			list.decode(&l)
			if len(l.Data) != 1 || l.Data[0].ID != id || l.Data[0].Label != "zapier" || l.Data[0].CreatedAt == nil || l.NextCursor != nil {
				t.Fatalf("list = %s", list.body)
			}
		})
		t.Run("last_used_at is recorded", func(t *testing.T) {
			e.srv.FlushUsage(context.Background())
			k, err := e.st.GetAPIKey(context.Background(), e.acct.ID, id)
			if err != nil || k.LastUsedAt.IsZero() {
				t.Fatalf("last_used_at not set: %+v %v", k, err)
			}
		})
		t.Run("revoke refuses the next request", func(t *testing.T) {
			e.do("DELETE", "/v1/api-keys/"+id, admin, "").status(http.StatusOK)
			e.do("GET", "/v1/me", plain, "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			var k struct {
				RevokedAt *string `json:"revoked_at"`
			}
			e.do("GET", "/v1/api-keys/"+id, admin, "").status(http.StatusOK).decode(&k)
			if k.RevokedAt == nil {
				t.Fatal("revoked_at not shown")
			}
			e.do("DELETE", "/v1/api-keys/"+id, admin, "").status(http.StatusOK)
		})
	})
}

// TestRevocationAcrossProcesses revokes a key through one server and uses it
// through a second server with its own connection pool on the same database,
// as two hub processes would.
func TestRevocationAcrossProcesses(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			url := storetest.URL(t, d)
			a := newEnv(t, storetest.OpenURL(t, url))
			b := newEnv(t, storetest.OpenURL(t, url))
			plain, id := a.key("ci")
			b.do("GET", "/v1/me", plain, "").status(http.StatusOK)
			a.do("DELETE", "/v1/api-keys/"+id, a.token(hub.RoleAdmin), "").status(http.StatusOK)
			b.do("GET", "/v1/me", plain, "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
	}
}

func TestKeyPermissions(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		plain, id := e.key("ops")
		member := e.token(hub.RoleMember)
		other, err := e.st.CreateAccount(context.Background(), "Globex")
		if err != nil {
			t.Fatal(err)
		}
		otherAdmin := e.tokenFor(other.ID, hub.RoleAdmin)

		cases := []struct {
			name, method, path, cred, body string
			status                         int
			code                           hub.Code
		}{
			{"member cannot create", "POST", "/v1/api-keys", member, `{}`, 403, hub.EForbidden},
			{"member cannot revoke", "DELETE", "/v1/api-keys/" + id, member, "", 403, hub.EForbidden},
			{"api key cannot create keys", "POST", "/v1/api-keys", plain, `{}`, 403, hub.EForbidden},
			{"api key cannot list keys", "GET", "/v1/api-keys", plain, "", 403, hub.EForbidden},
			{"other account cannot get", "GET", "/v1/api-keys/" + id, otherAdmin, "", 404, hub.ENotFound},
			{"other account cannot revoke", "DELETE", "/v1/api-keys/" + id, otherAdmin, "", 404, hub.ENotFound},
			{"no credentials", "GET", "/v1/api-keys", "", "", 401, hub.EUnauthorized},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.do(c.method, c.path, c.cred, c.body).problem(c.status, c.code, "")
			})
		}
		t.Run("member can list", func(t *testing.T) {
			e.do("GET", "/v1/api-keys", member, "").status(http.StatusOK)
		})
		t.Run("other account's list is empty", func(t *testing.T) {
			r := e.do("GET", "/v1/api-keys", otherAdmin, "").status(http.StatusOK)
			if strings.Contains(string(r.body), id) {
				t.Fatalf("other account sees the key: %s", r.body)
			}
		})
		t.Run("key still works after refused attempts", func(t *testing.T) {
			e.do("GET", "/v1/me", plain, "").status(http.StatusOK)
		})
	})
}

func TestKeyBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.token(hub.RoleAdmin)
		long := strings.Repeat("x", 101)
		cases := []struct {
			name, method, path, body, ctype string
			status                          int
			code                            hub.Code
			field                           string
		}{
			{"malformed JSON", "POST", "/v1/api-keys", `{"label":`, "application/json", 400, hub.EMalformed, ""},
			{"wrong type", "POST", "/v1/api-keys", `{"label":5}`, "application/json", 422, hub.EInvalid, "label"},
			{"unknown field", "POST", "/v1/api-keys", `{"labl":"x"}`, "application/json", 422, hub.EInvalid, "labl"},
			{"label too long", "POST", "/v1/api-keys", `{"label":"` + long + `"}`, "application/json", 422, hub.EInvalid, "label"},
			{"control characters", "POST", "/v1/api-keys", `{"label":"a\u0007b"}`, "application/json", 422, hub.EInvalid, "label"},
			{"not an object", "POST", "/v1/api-keys", `["label"]`, "application/json", 422, hub.EInvalid, ""},
			{"trailing data", "POST", "/v1/api-keys", `{"label":"a"} {}`, "application/json", 400, hub.EMalformed, ""},
			{"wrong content type", "POST", "/v1/api-keys", `label=x`, "application/x-www-form-urlencoded", 415, hub.EUnsupported, ""},
			{"oversize body", "POST", "/v1/api-keys", `{"label":"` + strings.Repeat("y", 2<<20) + `"}`, "application/json", 413, hub.ETooLarge, ""},
			{"unknown id", "GET", "/v1/api-keys/key_01jzzzzzzzzzzzzzzzzzzzzzzz", "", "", 404, hub.ENotFound, ""},
			{"garbage id", "DELETE", "/v1/api-keys/../../etc", "", "", 404, hub.ENotFound, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do(c.method, c.path, admin, "", "Content-Type", c.ctype)
				if c.body != "" {
					r = e.do(c.method, c.path, admin, c.body, "Content-Type", c.ctype)
				}
				r.problem(c.status, c.code, c.field)
			})
		}
		t.Run("empty body creates an unlabelled key", func(t *testing.T) {
			e.do("POST", "/v1/api-keys", admin, "").status(http.StatusCreated)
		})
	})
}
