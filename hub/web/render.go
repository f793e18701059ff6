package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageData is what every template receives. One struct for all pages keeps
// the layout's needs (account, role, CSRF token) in one place.
type pageData struct {
	Title   string
	Account hub.Account
	Role    hub.Role
	IsAdmin bool
	CSRF    string

	// Settings page.
	Active, Revoked []hub.APIKey
	Flash           string
	Label           string
	LabelError      string

	// Key created (shown once) and revoke confirmation.
	NewKey string
	Key    hub.APIKey

	// Webhooks: the list on the settings page and one endpoint's page.
	Hooks           []hub.Webhook
	MoreHooks       bool
	HookForm        hookForm
	Hook            hub.Webhook
	EventOpts       []eventOption
	Jobs            []hub.Job
	TestEvent       string
	Test            *hub.Delivery
	Validated       bool
	Secret          string
	SecretError     string
	Rotated         bool
	PrevSecretUntil hub.Time

	// Delivery logs and one delivery.
	Log               []logRow
	LogMore, Paged    bool
	Filter            logFilter
	NextURL, FirstURL string
	Delivery          hub.Delivery

	// Message pages (signed out, errors).
	Heading, Message      string
	ActionURL, ActionText string
	Command               string // a shell command the message refers to
	RequestID             string
	RefreshTo             string
}

// page fills the layout's fields (account, role, CSRF token) for the viewer.
func (v viewer) page(title string) pageData {
	return pageData{Title: title, Account: v.account, Role: v.sess.Role, IsAdmin: v.isAdmin(), CSRF: v.sess.CSRFToken}
}

// asset is one embedded static file with its fingerprint, so its URL can be
// cached forever and still change when the file does.
type asset struct {
	body        []byte
	contentType string
	version     string
}

var assets = loadAssets()

func loadAssets() map[string]asset {
	out := map[string]asset{}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		panic(err)
	}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		ct := "application/octet-stream"
		for ext, t := range types {
			if strings.HasSuffix(e.Name(), ext) {
				ct = t
			}
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = asset{body: b, contentType: ct, version: hex.EncodeToString(sum[:6])}
	}
	return out
}

var funcs = template.FuncMap{
	"asset": func(name string) (string, error) {
		a, ok := assets[name]
		if !ok {
			return "", fmt.Errorf("no asset %q", name)
		}
		return pathStatic + name + "?v=" + a.version, nil
	},
	"when":     when,
	"keyTable": func(keys []hub.APIKey, admin bool, caption string) keyTable { return keyTable{keys, admin, caption} },
	"keyName":  keyName,
	"actor":    actor,
	"headers":  sortedHeaders,
	"list":     func(s ...string) []string { return s },
	"eventLabel": func(t string) string {
		if t == hub.EventValidation {
			return "Validation"
		}
		for _, o := range eventOptions(nil) {
			if o.Type == t {
				return o.Label
			}
		}
		return t
	},
	"statusText": func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
	"excerpt": func(s string) string {
		if r := []rune(s); len(r) > 600 {
			return string(r[:600]) + "…"
		}
		return s
	},
	"deref": func(p *int) int { return *p },
	"lastAttempt": func(d hub.Delivery) *hub.Attempt {
		if len(d.Attempts) == 0 {
			return nil
		}
		return &d.Attempts[len(d.Attempts)-1]
	},
}

// actor names who created a key in words an admin knows.
func actor(createdBy string) string {
	switch {
	case createdBy == "login-link":
		return "Admin (sign-in link)"
	case strings.HasPrefix(createdBy, "api_key:"):
		return "API key " + strings.TrimPrefix(createdBy, "api_key:")
	}
	return createdBy
}

// keyTable is the argument of the "keys" template.
type keyTable struct {
	Keys    []hub.APIKey
	Admin   bool
	Caption string
}

// keyName is how a key is named in sentences: its label, else its prefix.
func keyName(k hub.APIKey) string {
	if k.Label != "" {
		return k.Label
	}
	return k.Prefix + "…"
}

// when renders a time for people: relative when recent, a date otherwise,
// with the exact UTC time in the datetime attribute and a tooltip.
func when(t hub.Time) template.HTML {
	if t.IsZero() {
		return "never"
	}
	exact := t.UTC().Format("2 Jan 2006 15:04 UTC")
	shown := exact
	switch d := time.Since(t.Time); {
	case d < 0:
	case d < time.Minute:
		shown = "just now"
	case d < time.Hour:
		shown = fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 24*time.Hour:
		shown = fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return template.HTML(`<time datetime="` + t.UTC().Format(hub.TimeFormat) + `" title="` + exact + `">` +
		template.HTMLEscapeString(shown) + `</time>`)
}

// pages are the parsed templates: each page file is parsed on top of its
// own copy of the layout, so every page can define "content".
var pages = parsePages()

func parsePages() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/partials_hooks.html"))
	out := map[string]*template.Template{}
	for _, name := range []string{"settings", "created", "revoke", "message", "webhook", "deliveries", "delivery", "delete"} {
		t := template.Must(base.Clone())
		out[name] = template.Must(t.ParseFS(templateFS, "templates/"+name+".html"))
	}
	return out
}

// withHeaders puts the security headers on every page: no framing, no
// inline script, no referrer beyond this hub, nothing cached (pages show
// keys and tokens).
func (p *Pages) withHeaders(next fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'")
		c.Set("X-Frame-Options", "DENY")
		c.Set("Referrer-Policy", "same-origin")
		c.Set("X-Content-Type-Options", "nosniff")
		c.Set("Cross-Origin-Opener-Policy", "same-origin")
		c.Set(fiber.HeaderCacheControl, "no-store")
		return next(c)
	}
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 page instead of half a page.
func (p *Pages) render(c *fiber.Ctx, status int, page string, d pageData) error {
	var buf bytes.Buffer
	if err := pages[page].ExecuteTemplate(&buf, "layout", d); err != nil {
		if page == "message" {
			p.log.Error("render message page", "err", err)
			return c.Status(fiber.StatusInternalServerError).SendString("internal error")
		}
		return p.fail(c, fmt.Errorf("render %s: %w", page, err))
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// message renders a page with a heading, an explanation, an optional
// command to run and one action; signed-in viewers keep the page's header
// and navigation.
func (p *Pages) message(c *fiber.Ctx, status int, heading, msg, actionURL, actionText string, command ...string) error {
	d := pageData{Title: heading}
	if v := viewerOf(c); v.account.ID != "" {
		d = v.page(heading)
	}
	d.Heading, d.Message, d.ActionURL, d.ActionText = heading, msg, actionURL, actionText
	if len(command) > 0 {
		d.Command = command[0]
	}
	return p.render(c, status, "message", d)
}

// fail logs an unexpected error with the request ID and shows a page that
// names the ID, never the error itself.
func (p *Pages) fail(c *fiber.Ctx, err error) error {
	rid, _ := c.Locals("request_id").(string)
	p.log.Error("settings page failed", "request_id", rid, "method", c.Method(), "path", c.Path(), "err", err)
	d := pageData{Title: "Something went wrong", Heading: "Something went wrong",
		Message:   "The hub could not complete this request. Try again in a moment; if it keeps happening, send the request ID below to your Visage contact.",
		RequestID: rid, ActionURL: PathSettings, ActionText: "Back to settings"}
	var buf bytes.Buffer
	if rerr := pages["message"].ExecuteTemplate(&buf, "layout", d); rerr != nil {
		return c.Status(fiber.StatusInternalServerError).SendString("internal error")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(fiber.StatusInternalServerError).Send(buf.Bytes())
}

// static serves the embedded CSS and JS. A request carrying the current
// fingerprint may be cached for a year.
func (p *Pages) static(c *fiber.Ctx) error {
	a, ok := assets[c.Params("name")]
	if !ok {
		return c.Status(fiber.StatusNotFound).SendString("not found")
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	c.Set("X-Content-Type-Options", "nosniff")
	if c.Query("v") == a.version {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	return c.Send(a.body)
}
