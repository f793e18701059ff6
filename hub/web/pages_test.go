package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/web"
)

func TestSignIn(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		t.Run("cookie is HttpOnly, Strict, expiring, and not Secure on http", func(t *testing.T) {
			b := e.signIn(hub.RoleAdmin)
			c := b.cookie
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/" || c.Name != "visage_session" {
				t.Fatalf("cookie %+v", c)
			}
			if d := time.Until(c.Expires); d < 11*time.Hour || d > 13*time.Hour {
				t.Fatalf("cookie expires in %v, want about 12h", d)
			}
			b.get(web.PathSettings).status(http.StatusOK).html().contains("Acme Recruiting", "Visage API", "API keys")
		})
		t.Run("session ID is stored only hashed", func(t *testing.T) {
			b := e.signIn(hub.RoleAdmin)
			if _, err := e.st.GetSession(context.Background(), hub.HashAPIKey(b.cookie.Value), time.Now()); err != nil {
				t.Fatalf("session not found by hash: %v", err)
			}
			if _, err := e.st.GetSession(context.Background(), b.cookie.Value, time.Now()); hub.ErrorCode(err) != hub.ENotFound {
				t.Fatalf("session found by its plain ID: %v", err)
			}
		})
		bad := []struct {
			name string
			path func() string
		}{
			{"used link", func() string {
				p := e.link(e.acct.ID, hub.RoleAdmin, time.Hour)
				(&browser{e: e}).get(p).status(http.StatusSeeOther)
				return p
			}},
			{"expired link", func() string { return e.link(e.acct.ID, hub.RoleAdmin, -time.Second) }},
			{"unknown token", func() string { return web.PathLogin + "?token=nope" }},
			{"no token", func() string { return web.PathLogin }},
		}
		for _, tc := range bad {
			t.Run(tc.name+" shows a friendly page", func(t *testing.T) {
				r := (&browser{e: e}).get(tc.path()).status(http.StatusUnauthorized).html()
				r.contains("This sign-in link does not work", "visage-hub login-link").lacks(`"code"`)
				if sessionCookie(r.h) != nil {
					t.Fatal("a refused link set a session cookie")
				}
			})
		}
		t.Run("a link followed from another site continues through a page of ours", func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.link(e.acct.ID, hub.RoleAdmin, time.Hour), nil)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			r := (&browser{e: e}).send(req).status(http.StatusOK).html()
			r.contains(`http-equiv="refresh"`, `url=/settings`, `href="/settings"`)
			if sessionCookie(r.h) == nil {
				t.Fatal("no session cookie")
			}
		})
		t.Run("signing in again replaces the old session", func(t *testing.T) {
			b := e.signIn(hub.RoleAdmin)
			old := b.cookie
			r := b.get(e.link(e.acct.ID, hub.RoleAdmin, time.Hour)).status(http.StatusSeeOther)
			b.cookie = old
			b.get(web.PathSettings).signedOut()
			b.cookie = sessionCookie(r.h)
			b.get(web.PathSettings).status(http.StatusOK)
		})
	})
}

func TestSessionEnds(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		t.Run("no cookie", func(t *testing.T) {
			r := (&browser{e: e}).get(web.PathSettings).signedOut()
			if r.h.Get("Location") != web.PathSignedOut {
				t.Fatalf("Location %q", r.h.Get("Location"))
			}
		})
		tampered := []struct{ name, value string }{
			{"one character changed", ""},
			{"wrong length", "abc"},
			{"not base62", strings.Repeat("!", 43)},
			{"well formed but unknown", strings.Repeat("a", 43)},
		}
		for _, tc := range tampered {
			t.Run("tampered: "+tc.name, func(t *testing.T) {
				b := e.signIn(hub.RoleAdmin)
				v := tc.value
				if v == "" {
					v = b.cookie.Value[:len(b.cookie.Value)-1] + flip(b.cookie.Value[len(b.cookie.Value)-1])
				}
				b.cookie = &http.Cookie{Name: b.cookie.Name, Value: v}
				r := b.get(web.PathSettings).signedOut()
				if r.h.Get("Location") != web.PathSignedOut+"?reason=ended" {
					t.Fatalf("Location %q", r.h.Get("Location"))
				}
				if c := sessionCookie(r.h); c == nil || c.Value != "" || !(c.MaxAge < 0 || c.Expires.Before(time.Now())) {
					t.Fatalf("cookie not cleared: %+v", c)
				}
				b.post(web.PathKeys, url.Values{"label": {"x"}}).signedOut()
			})
		}
		t.Run("sign out ends the session on the server", func(t *testing.T) {
			b := e.signIn(hub.RoleAdmin)
			stolen := *b.cookie
			r := b.post(web.PathLogout, url.Values{"csrf_token": {b.csrf()}}).status(http.StatusSeeOther)
			if r.h.Get("Location") != web.PathSignedOut {
				t.Fatalf("Location %q", r.h.Get("Location"))
			}
			b.cookie = &stolen
			b.get(web.PathSettings).signedOut()
		})
		t.Run("signed-out pages explain how to get back", func(t *testing.T) {
			(&browser{e: e}).get(web.PathSignedOut).status(http.StatusOK).html().contains("You are signed out", "sign-in link")
			(&browser{e: e}).get(web.PathSignedOut+"?reason=ended").status(http.StatusOK).html().contains("Your session has ended", "12 hours")
		})
	})
}

func flip(b byte) string {
	if b == 'a' {
		return "b"
	}
	return "a"
}

func TestMembersCannotManageKeys(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.signIn(hub.RoleAdmin)
		admin.createKey("zapier")
		keys, err := e.st.ListAPIKeys(context.Background(), e.acct.ID)
		if err != nil || len(keys) != 1 {
			t.Fatalf("keys %v %v", keys, err)
		}
		id := keys[0].ID
		m := e.signIn(hub.RoleMember)
		t.Run("sees the keys but no controls", func(t *testing.T) {
			m.get(web.PathSettings).status(http.StatusOK).html().
				contains("zapier", "Member", "only account admins can create or revoke").
				lacks("Create API key", `action="/settings/api-keys"`, "/revoke")
		})
		csrf := m.csrf()
		t.Run("create by posting the form is refused", func(t *testing.T) {
			m.post(web.PathKeys, url.Values{"csrf_token": {csrf}, "label": {"sneaky"}}).status(http.StatusForbidden).html().
				contains("Only account admins can do this").lacks(`id="new-key"`)
		})
		t.Run("revoke by posting the form is refused", func(t *testing.T) {
			m.post(web.PathKeys+"/"+id+"/revoke", url.Values{"csrf_token": {csrf}}).status(http.StatusForbidden).html()
			m.get(web.PathKeys + "/" + id + "/revoke").status(http.StatusForbidden).html()
		})
		after, err := e.st.ListAPIKeys(context.Background(), e.acct.ID)
		if err != nil || len(after) != 1 || after[0].Revoked() {
			t.Fatalf("a member changed the keys: %+v %v", after, err)
		}
		t.Run("members can still sign out", func(t *testing.T) {
			m.post(web.PathLogout, url.Values{"csrf_token": {csrf}}).status(http.StatusSeeOther)
		})
	})
}

func TestCSRF(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.signIn(hub.RoleAdmin)
		other := e.signIn(hub.RoleAdmin)
		plain := b.createKey("keep")
		keys, _ := e.st.ListAPIKeys(context.Background(), e.acct.ID)
		revoke := web.PathKeys + "/" + keys[0].ID + "/revoke"
		good := b.csrf()
		cases := []struct {
			name    string
			form    url.Values
			headers []string
		}{
			{"missing", url.Values{}, nil},
			{"empty", url.Values{"csrf_token": {""}}, nil},
			{"forged", url.Values{"csrf_token": {strings.Repeat("x", len(good))}}, nil},
			{"another session's", url.Values{"csrf_token": {other.csrf()}}, nil},
			{"right token, posted from another site", url.Values{"csrf_token": {good}}, []string{"Sec-Fetch-Site", "cross-site"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				form := url.Values{"label": {"csrf " + tc.name}}
				for k, v := range tc.form {
					form[k] = v
				}
				b.post(web.PathKeys, form, tc.headers...).status(http.StatusForbidden).html().lacks(`id="new-key"`)
				b.post(revoke, form, tc.headers...).status(http.StatusForbidden).html()
				b.post(web.PathLogout, form, tc.headers...).status(http.StatusForbidden).html()
			})
		}
		after, _ := e.st.ListAPIKeys(context.Background(), e.acct.ID)
		if len(after) != 1 || after[0].Revoked() {
			t.Fatalf("a refused form changed the keys: %+v", after)
		}
		b.get(web.PathSettings).status(http.StatusOK)
		t.Run("the right token works", func(t *testing.T) {
			b.post(revoke, url.Values{"csrf_token": {good}}, "Sec-Fetch-Site", "same-origin").status(http.StatusSeeOther)
			if k, _ := e.st.AuthenticateAPIKey(context.Background(), hub.HashAPIKey(plain)); !k.Revoked() {
				t.Fatal("key not revoked")
			}
		})
	})
}

func TestCreateAndRevokeInThePage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.signIn(hub.RoleAdmin)
		b.get(web.PathSettings).status(http.StatusOK).html().contains("No API keys yet</strong> — create one to connect Zapier, Make, n8n or your own code")
		csrf := b.csrf()
		r := b.post(web.PathKeys, url.Values{"csrf_token": {csrf}, "label": {"  Make – ATS sync  "}}).status(http.StatusCreated).html()
		r.contains("Copy it now — it will not be shown again", "Make – ATS sync", `data-copy="new-key"`)
		plain := newKey(t, r)
		if !hub.LooksLikeAPIKey(plain) {
			t.Fatalf("key on the page %q", plain)
		}
		ka, err := e.st.AuthenticateAPIKey(context.Background(), hub.HashAPIKey(plain))
		if err != nil || ka.Label != "Make – ATS sync" || ka.CreatedBy != "login-link" || ka.AccountID != e.acct.ID {
			t.Fatalf("stored key %+v %v", ka, err)
		}
		t.Run("the list shows it, never the full key", func(t *testing.T) {
			b.get(web.PathSettings).status(http.StatusOK).html().
				contains("Make – ATS sync", ka.Prefix+"…", "Never", "Active", "Admin (sign-in link)", "/settings/api-keys/"+ka.ID+"/revoke").
				lacks(plain, "No API keys yet")
		})
		t.Run("label rules match the API", func(t *testing.T) {
			for name, label := range map[string]string{"too long": strings.Repeat("é", 101), "control character": "a\x07b"} {
				t.Run(name, func(t *testing.T) {
					b.post(web.PathKeys, url.Values{"csrf_token": {csrf}, "label": {label}}).status(http.StatusUnprocessableEntity).html().
						contains(`aria-invalid="true"`, `id="label-error"`).lacks(`id="new-key"`)
				})
			}
		})
		t.Run("revoke asks first, then the API refuses the key", func(t *testing.T) {
			confirm := b.get(web.PathKeys + "/" + ka.ID + "/revoke").status(http.StatusOK).html()
			confirm.contains("Revoke API key?", "Make – ATS sync", "stops working", `method="post"`, "Cancel")
			if k, _ := e.st.GetAPIKey(context.Background(), e.acct.ID, ka.ID); k.Revoked() {
				t.Fatal("the confirmation page revoked the key")
			}
			r := b.post(web.PathKeys+"/"+ka.ID+"/revoke", url.Values{"csrf_token": {confirm.field("csrf_token")}}).status(http.StatusSeeOther)
			loc := r.h.Get("Location")
			if !strings.HasPrefix(loc, web.PathSettings+"?revoked="+ka.ID) {
				t.Fatalf("Location %q", loc)
			}
			if _, err := e.st.AuthenticateAPIKey(context.Background(), hub.HashAPIKey(plain)); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", "/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+plain)
			(&browser{e: e}).send(req).status(http.StatusUnauthorized)
			b.get(loc).status(http.StatusOK).html().contains("is revoked", "Revoked keys", "Revoked").lacks(ka.ID + "/revoke")
			b.get(web.PathKeys + "/" + ka.ID + "/revoke").status(http.StatusOK).contains("already revoked").lacks("Revoke key</button>")
			b.post(web.PathKeys+"/"+ka.ID+"/revoke", url.Values{"csrf_token": {csrf}}).status(http.StatusSeeOther)
		})
		t.Run("unknown and other accounts' keys are not found", func(t *testing.T) {
			other, err := e.st.CreateAccount(context.Background(), "Globex")
			if err != nil {
				t.Fatal(err)
			}
			k, _, err := hub.NewAPIKey(other.ID, "theirs", "tester")
			if err != nil {
				t.Fatal(err)
			}
			if err := e.st.CreateAPIKey(context.Background(), k); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{k.ID, hub.NewID(hub.PrefixAPIKey), "nonsense"} {
				b.get(web.PathKeys + "/" + id + "/revoke").status(http.StatusNotFound).html().contains("API key not found").lacks("theirs")
				b.post(web.PathKeys+"/"+id+"/revoke", url.Values{"csrf_token": {csrf}}).status(http.StatusNotFound).html()
			}
			if got, _ := e.st.GetAPIKey(context.Background(), other.ID, k.ID); got.Revoked() {
				t.Fatal("another account's key was revoked")
			}
		})
	})
}

// TestEveryPageRenders renders each page for a new account and for one with
// many keys (the webhook pages: TestPagesWithManyDeliveries).
func TestEveryPageRenders(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, n := range []int{0, 300} {
			t.Run(fmt.Sprintf("%d keys", n), func(t *testing.T) {
				acct, err := e.st.CreateAccount(context.Background(), fmt.Sprintf("Account with %d keys", n))
				if err != nil {
					t.Fatal(err)
				}
				e.acct = acct
				var last hub.APIKey
				for i := 0; i < n; i++ {
					k, _, err := hub.NewAPIKey(e.acct.ID, fmt.Sprintf("integration %03d <b>", i), "tester")
					if err != nil {
						t.Fatal(err)
					}
					if i%3 == 0 {
						k.RevokedAt = hub.Now()
					}
					if i%2 == 0 {
						k.LastUsedAt = hub.TimeOf(time.Now().Add(-time.Duration(i) * time.Hour))
					}
					if err := e.st.CreateAPIKey(context.Background(), k); err != nil {
						t.Fatal(err)
					}
					if !k.Revoked() {
						last = k
					}
				}
				b := e.signIn(hub.RoleAdmin)
				page := b.get(web.PathSettings).status(http.StatusOK).html()
				page.contains(`id="webhook"`, `id="delivery-logs"`, "No webhook yet.", "No deliveries yet", `<main id="main"`, `<nav class="side" aria-label="Settings">`, `for="label"`).
					lacks("<b>")
				if n == 0 {
					page.contains("No API keys yet")
				} else {
					page.contains("integration 299 &lt;b&gt;", "Revoked keys <span class=\"count\">100</span>", "Active keys <span class=\"count\">200</span>")
					if got := strings.Count(page.body, "<tr id=\"key_"); got != n {
						t.Fatalf("%d rows, want %d", got, n)
					}
					b.get(web.PathKeys + "/" + last.ID + "/revoke").status(http.StatusOK).html().contains(last.Prefix)
				}
				b.post(web.PathKeys, url.Values{"csrf_token": {page.field("csrf_token")}}).status(http.StatusCreated).html().contains("it will not be shown again")
				(&browser{e: e}).get(web.PathSignedOut).status(http.StatusOK).html()
				(&browser{e: e}).get(web.PathLogin + "?token=x").status(http.StatusUnauthorized).html()
				b.post(web.PathLogout, url.Values{"csrf_token": {page.field("csrf_token")}}).status(http.StatusSeeOther)
			})
		}
	})
}

func TestAssets(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.signIn(hub.RoleAdmin)
		page := b.get(web.PathSettings).status(http.StatusOK)
		for _, tc := range []struct{ name, ctype string }{{"app.css", "text/css"}, {"app.js", "text/javascript"}} {
			t.Run(tc.name, func(t *testing.T) {
				i := strings.Index(page.body, "/settings/static/"+tc.name+"?v=")
				if i < 0 {
					t.Fatalf("page does not link %s", tc.name)
				}
				href := page.body[i:]
				href = href[:strings.IndexByte(href, '"')]
				r := (&browser{e: e}).get(href).status(http.StatusOK)
				if !strings.HasPrefix(r.h.Get("Content-Type"), tc.ctype) || !strings.Contains(r.h.Get("Cache-Control"), "immutable") || len(r.body) < 100 {
					t.Fatalf("%s: %v", href, r.h)
				}
			})
		}
		(&browser{e: e}).get("/settings/static/nope.js").status(http.StatusNotFound)
	})
}

func TestPagesStayOutOfTheAPIDocument(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		r := (&browser{e: e}).get("/openapi.json").status(http.StatusOK)
		if strings.Contains(r.body, "/settings") {
			t.Fatal("the OpenAPI document lists the settings pages")
		}
	})
}
