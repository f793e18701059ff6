package web

import (
	"crypto/subtle"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// sessionIDLen is the length of the random session ID in base62 characters:
// about 256 bits, so guessing one is hopeless.
const sessionIDLen = 43

// csrfField is the hidden form field every POST carries.
const csrfField = "csrf_token"

const localViewer = "web.viewer"

// viewer is the signed-in person of a request.
type viewer struct {
	sess    store.Session
	idHash  string
	account hub.Account
}

func (v viewer) isAdmin() bool { return v.sess.Role == hub.RoleAdmin }

func viewerOf(c *fiber.Ctx) viewer {
	v, _ := c.Locals(localViewer).(viewer)
	return v
}

// cookieName is __Host- prefixed on https, which makes the browser refuse a
// cookie of that name unless it is Secure, host-only and for the whole
// path, so a sibling subdomain cannot plant one.
func (p *Pages) cookieName() string {
	if p.secure {
		return "__Host-visage_session"
	}
	return "visage_session"
}

func (p *Pages) setCookie(c *fiber.Ctx, value string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: p.cookieName(), Value: value, Path: "/", Expires: expires,
		Secure: p.secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
	})
}

func (p *Pages) clearCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: p.cookieName(), Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		Secure: p.secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
	})
}

// session loads the signed-in viewer or sends the browser to the
// signed-out page: no cookie means "not signed in"; a cookie that is
// malformed, unknown, signed out or expired means "your session ended", and
// the cookie is cleared.
func (p *Pages) session(next fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		raw := c.Cookies(p.cookieName())
		if raw == "" {
			return c.Redirect(PathSignedOut, fiber.StatusSeeOther)
		}
		ended := func() error {
			p.clearCookie(c)
			return c.Redirect(PathSignedOut+"?reason=ended", fiber.StatusSeeOther)
		}
		if !validSessionID(raw) {
			return ended()
		}
		h := hub.HashAPIKey(raw)
		ctx := c.UserContext()
		sess, err := p.st.GetSession(ctx, h, p.now())
		if hub.ErrorCode(err) == hub.ENotFound {
			return ended()
		}
		if err != nil {
			return p.fail(c, err)
		}
		acct, err := p.st.GetAccount(ctx, sess.AccountID)
		if hub.ErrorCode(err) == hub.ENotFound {
			return ended()
		}
		if err != nil {
			return p.fail(c, err)
		}
		c.Locals(localViewer, viewer{sess: sess, idHash: h, account: acct})
		return next(c)
	}
}

func validSessionID(s string) bool {
	if len(s) != sessionIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('0' <= b && b <= '9' || 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z') {
			return false
		}
	}
	return true
}

// csrf refuses a POST whose form token does not match the session's
// (compared in constant time), and any POST a browser marks as coming from
// another site. The SameSite=Strict cookie already keeps other sites out;
// this holds even where that attribute is not honoured.
func (p *Pages) csrf(next fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		forbidden := func() error {
			return p.message(c, fiber.StatusForbidden, "This form has expired",
				"The page you sent it from is out of date or did not come from this hub. Go back to the settings page, reload it and try again.",
				PathSettings, "Back to settings")
		}
		if c.Get("Sec-Fetch-Site") == "cross-site" {
			return forbidden()
		}
		want := viewerOf(c).sess.CSRFToken
		got := c.FormValue(csrfField)
		if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return forbidden()
		}
		return next(c)
	}
}

// admin lets only account admins through. Members see the page without
// the controls, and a member posting a form by hand is refused here.
func (p *Pages) admin(next fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !viewerOf(c).isAdmin() {
			return p.message(c, fiber.StatusForbidden, "Only account admins can do this",
				"You are signed in as a member: you can see the API keys, webhooks and delivery logs, but changing them needs an account admin.",
				PathSettings, "Back to settings")
		}
		return next(c)
	}
}

// login consumes a one-time sign-in link and starts a session. The link is
// used up by this request, so a second visit (or a mail scanner that got
// there first) sees a clear explanation instead of a JSON error.
func (p *Pages) login(c *fiber.Ctx) error {
	tok := c.Query("token")
	bad := func() error {
		return p.message(c, fiber.StatusUnauthorized, "This sign-in link does not work",
			"Sign-in links work once and expire. This one was already used, has expired, or was copied incompletely. Ask whoever runs your hub for a new link; on the hub's server, this command makes one:",
			"", "", loginLinkCommand)
	}
	if tok == "" || len(tok) > 200 {
		return bad()
	}
	ctx := c.UserContext()
	accountID, role, err := p.st.UseLoginToken(ctx, hub.HashAPIKey(tok))
	if hub.ErrorCode(err) == hub.EUnauthorized || hub.ErrorCode(err) == hub.ENotFound {
		return bad()
	}
	if err != nil {
		return p.fail(c, err)
	}
	if !role.Valid() {
		return p.message(c, fiber.StatusForbidden, "This sign-in link does not work",
			"The link was issued for an unknown role. Ask whoever runs your hub for a new link.", "", "")
	}
	// A new sign-in replaces whatever session this browser had.
	if old := c.Cookies(p.cookieName()); validSessionID(old) {
		if err := p.st.DeleteSession(ctx, hub.HashAPIKey(old)); err != nil {
			return p.fail(c, err)
		}
	}
	id, err := hub.RandomToken(sessionIDLen)
	if err != nil {
		return p.fail(c, err)
	}
	csrfTok, err := hub.RandomToken(32)
	if err != nil {
		return p.fail(c, err)
	}
	now := p.now()
	exp := now.Add(p.ttl)
	err = p.st.CreateSession(ctx, store.Session{
		IDHash: hub.HashAPIKey(id), AccountID: accountID, Role: role, Subject: "login-link",
		CSRFToken: csrfTok, CreatedAt: hub.TimeOf(now), ExpiresAt: hub.TimeOf(exp),
	})
	if err != nil {
		return p.fail(c, err)
	}
	p.setCookie(c, id, exp)
	// A link clicked in a mail client or chat is a cross-site navigation,
	// and a browser does not send a SameSite=Strict cookie on a redirect
	// that continues it. A page of our own that moves on by itself makes
	// the next request same-site, so the new cookie is sent.
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return p.render(c, fiber.StatusOK, "message", pageData{
			Title: "Signed in", Heading: "You are signed in", Message: "Taking you to Settings > Visage API…",
			ActionURL: PathSettings, ActionText: "Continue to settings", RefreshTo: PathSettings,
		})
	}
	return c.Redirect(PathSettings, fiber.StatusSeeOther)
}

// logout ends the session on the server, so the cookie is worthless even if
// it was copied.
func (p *Pages) logout(c *fiber.Ctx) error {
	if err := p.st.DeleteSession(c.UserContext(), viewerOf(c).idHash); err != nil {
		return p.fail(c, err)
	}
	p.clearCookie(c)
	return c.Redirect(PathSignedOut, fiber.StatusSeeOther)
}

// signedOut explains how to get back in; reason=ended says the session
// expired or was ended elsewhere.
func (p *Pages) signedOut(c *fiber.Ctx) error {
	msg := "You are signed out of Settings > Visage API. To sign in, open a one-time sign-in link. Ask whoever runs your hub for one; on the hub's server, this command makes one:"
	heading := "You are signed out"
	if c.Query("reason") == "ended" {
		heading = "Your session has ended"
		msg = "For your security, sign-ins last " + humanDuration(p.ttl) + " and end when you sign out. " +
			"Open a new one-time sign-in link to continue. Ask whoever runs your hub for one; on the hub's server, this command makes one:"
	}
	return p.render(c, fiber.StatusOK, "message", pageData{Title: "Signed out", Heading: heading, Message: msg, Command: loginLinkCommand})
}

func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.FormatInt(n, 10) + " " + unit + "s"
	}
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minute")
	}
	return d.String()
}

// loginLinkCommand is how an operator makes a sign-in link.
const loginLinkCommand = "visage-hub login-link --account ACCOUNT_ID"

// backTo is a same-site path for redirects after a form, with an optional
// query value.
func backTo(key, value string) string {
	if key == "" {
		return PathSettings + "#api-keys"
	}
	return PathSettings + "?" + key + "=" + url.QueryEscape(value) + "#api-keys"
}
