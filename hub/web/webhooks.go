package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/endpoints"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/triggers"
)

// The settings page lists every webhook endpoint of the account and each
// has its own page. The product page describes one URL per account, and a
// new account sees exactly that: one URL field. Endpoints added through the
// API are listed the same way, so nothing the account has is hidden and
// each one can be managed; "primary endpoint" is not a concept the API has.

// maxListedHooks bounds the endpoints shown on the settings page; an
// account with more is told to use the API.
const maxListedHooks = 50

// recentDeliveries is how many deliveries the endpoint page shows before
// linking to the full log.
const recentDeliveries = 5

// hookForm is what a webhook form sent, shown again with its errors.
type hookForm struct {
	URL         string
	Description string
	JobID       string
	Events      map[string]bool
	Errors      map[string]string
}

func (f hookForm) Err(field string) string { return f.Errors[field] }

// eventOption is one event-type checkbox, labelled from the trigger
// catalog so the page and the connectors name events alike.
type eventOption struct {
	Type, Label, Description string
	Checked                  bool
}

func eventOptions(selected map[string]bool) []eventOption {
	out := make([]eventOption, 0, len(hub.EventTypes))
	for _, e := range hub.EventTypes {
		o := eventOption{Type: e, Label: e, Checked: selected[e]}
		if t, ok := triggers.ForEvent(e); ok {
			o.Label, o.Description = t.Label, t.Description
		}
		out = append(out, o)
	}
	return out
}

func formOf(w hub.Webhook) hookForm {
	f := hookForm{URL: w.URL, Description: w.Description, Events: map[string]bool{}}
	if w.JobID != nil {
		f.JobID = *w.JobID
	}
	for _, e := range w.Events {
		f.Events[e] = true
	}
	return f
}

// fieldErrors turns a validation error into messages by form field
// (events.N become "events"); ok is false for any other error.
func fieldErrors(err error) (map[string]string, bool) {
	var he *hub.Error
	if !errors.As(err, &he) || he.Code != hub.EInvalid {
		return nil, false
	}
	out := map[string]string{}
	for _, f := range he.Fields {
		name := f.Field
		if strings.HasPrefix(name, "events.") {
			name = "events"
		}
		if out[name] == "" {
			out[name] = sentence(f.Message)
		}
	}
	return out, true
}

// sentence capitalises a rule's message ("is required") into something
// that stands on its own under a field.
func sentence(msg string) string {
	if strings.HasPrefix(msg, "is ") || strings.HasPrefix(msg, "must ") || strings.HasPrefix(msg, "cannot ") {
		msg = "This " + msg
	}
	if msg != "" && !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// problem shows a domain error from the rules as a page: not found,
// conflict (with its reason) or unavailable; anything else is a failure.
func (p *Pages) problem(c *fiber.Ctx, err error, back, backText string) error {
	var he *hub.Error
	if !errors.As(err, &he) {
		return p.fail(c, err)
	}
	switch he.Code {
	case hub.ENotFound:
		return p.message(c, fiber.StatusNotFound, "Not found",
			"This does not exist in your account. It may have been deleted, or the link is wrong.", back, backText)
	case hub.EConflict:
		return p.message(c, fiber.StatusConflict, "This cannot be done right now", sentence(he.Message), back, backText)
	case hub.EUnavailable:
		return p.message(c, fiber.StatusServiceUnavailable, "Webhook sending is not running", sentence(he.Message), back, backText)
	case hub.EInvalid:
		return p.message(c, fiber.StatusUnprocessableEntity, "That did not work", sentence(he.Message), back, backText)
	}
	return p.fail(c, err)
}

// listHooks loads the account's webhook endpoints for the settings page.
func (p *Pages) listHooks(c *fiber.Ctx, d *pageData) error {
	ws, more, err := p.st.ListWebhooks(c.UserContext(), viewerOf(c).account.ID,
		store.WebhookFilter{Kind: hub.KindWebhook}, hub.Page{Limit: maxListedHooks})
	if err != nil {
		return err
	}
	d.Hooks, d.MoreHooks = ws, more
	return nil
}

func hookPath(id string) string { return PathWebhooks + "/" + url.PathEscape(id) }

// createHook saves the URL entered on the settings page. The rules send
// the validation request before this returns, so the endpoint page it
// leads to already says whether the webhook is active.
func (p *Pages) createHook(c *fiber.Ctx) error {
	v := viewerOf(c)
	u := c.FormValue("url")
	in := endpoints.Input{URL: &u}
	if sec := strings.TrimSpace(c.FormValue("secret")); sec != "" {
		in.Secret = &sec
	}
	w, err := p.hooks.Create(c.UserContext(), v.account.ID, in)
	if errs, ok := fieldErrors(err); ok {
		d, err := p.keysPage(c)
		if err != nil {
			return p.fail(c, err)
		}
		if err := p.listHooks(c, &d); err != nil {
			return p.fail(c, err)
		}
		d.HookForm = hookForm{URL: u, Errors: errs}
		return p.render(c, fiber.StatusUnprocessableEntity, "settings", d)
	}
	if err != nil {
		return p.problem(c, err, PathSettings+"#webhook", "Back to settings")
	}
	return c.Redirect(hookPath(w.ID)+"?done=validated", fiber.StatusSeeOther)
}

// loadHook reads the endpoint named in the URL, or renders the not-found
// page (a bad ID, an unknown endpoint, another account's or a REST hook).
func (p *Pages) loadHook(c *fiber.Ctx) (hub.Webhook, bool, error) {
	w, err := p.hooks.Get(c.UserContext(), viewerOf(c).account.ID, c.Params("id"))
	if hub.ErrorCode(err) == hub.ENotFound {
		return hub.Webhook{}, false, p.message(c, fiber.StatusNotFound, "Webhook not found",
			"This webhook does not exist in your account. It may have been deleted, or the link is wrong.", PathSettings+"#webhook", "Back to webhooks")
	}
	if err != nil {
		return hub.Webhook{}, false, p.fail(c, err)
	}
	return w, true, nil
}

// hookData is everything the endpoint page shows.
func (p *Pages) hookData(c *fiber.Ctx, w hub.Webhook) (pageData, error) {
	v := viewerOf(c)
	ctx := c.UserContext()
	d := v.page("Webhook")
	d.Hook, d.HookForm = w, formOf(w)
	d.EventOpts = eventOptions(d.HookForm.Events)
	d.TestEvent = endpoints.DefaultTestEvent(w)
	d.PrevSecretUntil = p.hooks.PreviousSecretExpiresAt(w)
	ds, more, err := p.st.ListDeliveries(ctx, v.account.ID, w.ID, store.DeliveryFilter{}, hub.Page{Limit: recentDeliveries})
	if err != nil {
		return pageData{}, err
	}
	if d.Log, err = p.logRows(c, ds); err != nil {
		return pageData{}, err
	}
	d.LogMore = more
	if v.isAdmin() {
		jobs, _, err := p.st.ListJobs(ctx, v.account.ID, store.JobFilter{Status: "open"}, hub.Page{Limit: 100})
		if err != nil {
			return pageData{}, err
		}
		d.Jobs = jobs
	}
	return d, nil
}

// hookPage is one endpoint: its status (and why), its settings, its
// secret, a test sender and its latest deliveries. done=… after a form
// says what just happened.
func (p *Pages) hookPage(c *fiber.Ctx) error {
	w, ok, err := p.loadHook(c)
	if !ok {
		return err
	}
	d, err := p.hookData(c, w)
	if err != nil {
		return p.fail(c, err)
	}
	switch c.Query("done") {
	case "validated", "enabled":
		d.Validated = true
	case "saved":
		d.Flash = "Your changes are saved."
	case "disabled":
		d.Flash = "The webhook is disabled. New deliveries wait until you enable it again."
	}
	if id := c.Query("tested"); hub.ValidID(hub.PrefixDelivery, id) {
		t, err := p.st.GetDelivery(c.UserContext(), w.AccountID, id)
		if err == nil && t.EndpointID == w.ID {
			d.Test = &t
			d.TestEvent = t.EventType
		} else if hub.ErrorCode(err) != hub.ENotFound && err != nil {
			return p.fail(c, err)
		}
	}
	return p.render(c, fiber.StatusOK, "webhook", d)
}

// saveHook saves the URL, event types, job filter and description. A new
// URL is validated before the page comes back.
func (p *Pages) saveHook(c *fiber.Ctx) error {
	cur, ok, err := p.loadHook(c)
	if !ok {
		return err
	}
	u, desc, job := c.FormValue("url"), c.FormValue("description"), strings.TrimSpace(c.FormValue("job_id"))
	events := []string{}
	for _, e := range c.Request().PostArgs().PeekMulti("events") {
		events = append(events, string(e))
	}
	in := endpoints.Input{URL: &u, Events: &events, Description: &desc}
	if job == "" {
		in.ClearJob = true
	} else {
		in.JobID = &job
	}
	w, err := p.hooks.Update(c.UserContext(), cur, in)
	if errs, ok := fieldErrors(err); ok {
		d, err := p.hookData(c, cur)
		if err != nil {
			return p.fail(c, err)
		}
		d.HookForm = hookForm{URL: u, Description: desc, JobID: job, Events: map[string]bool{}, Errors: errs}
		for _, e := range events {
			d.HookForm.Events[e] = true
		}
		d.EventOpts = eventOptions(d.HookForm.Events)
		return p.render(c, fiber.StatusUnprocessableEntity, "webhook", d)
	}
	if err != nil {
		return p.problem(c, err, hookPath(cur.ID), "Back to the webhook")
	}
	done := "saved"
	if w.URL != cur.URL && w.Status != hub.WebhookDisabled {
		done = "validated"
	}
	anchor := "#settings"
	if done == "validated" {
		anchor = "#status"
	}
	return c.Redirect(hookPath(w.ID)+"?done="+done+anchor, fiber.StatusSeeOther)
}

// hookAction runs one of the rules on the endpoint and goes back to its
// page, saying what happened.
func (p *Pages) hookAction(c *fiber.Ctx, done string, act func(hub.Webhook) (hub.Webhook, error)) error {
	cur, ok, err := p.loadHook(c)
	if !ok {
		return err
	}
	if _, err := act(cur); err != nil {
		return p.problem(c, err, hookPath(cur.ID), "Back to the webhook")
	}
	return c.Redirect(hookPath(cur.ID)+"?done="+done, fiber.StatusSeeOther)
}

func (p *Pages) revalidateHook(c *fiber.Ctx) error {
	return p.hookAction(c, "validated", func(w hub.Webhook) (hub.Webhook, error) {
		return p.hooks.Revalidate(c.UserContext(), w)
	})
}

func (p *Pages) enableHook(c *fiber.Ctx) error {
	return p.hookAction(c, "enabled", func(w hub.Webhook) (hub.Webhook, error) {
		return p.hooks.Enable(c.UserContext(), w)
	})
}

func (p *Pages) disableHook(c *fiber.Ctx) error {
	return p.hookAction(c, "disabled", func(w hub.Webhook) (hub.Webhook, error) {
		return p.hooks.Disable(c.UserContext(), w, "an admin in Settings > Visage API")
	})
}

// revealSecret shows the signing secret on demand. It is a form post, so
// the secret is never in a URL, a history entry or a cached page.
func (p *Pages) revealSecret(c *fiber.Ctx) error {
	w, ok, err := p.loadHook(c)
	if !ok {
		return err
	}
	d, err := p.hookData(c, w)
	if err != nil {
		return p.fail(c, err)
	}
	d.Secret = w.Secret
	return p.render(c, fiber.StatusOK, "webhook", d)
}

// rotateSecret replaces the secret with the one entered, or a generated
// one, and shows it; the old one keeps signing for 24 hours.
func (p *Pages) rotateSecret(c *fiber.Ctx) error {
	cur, ok, err := p.loadHook(c)
	if !ok {
		return err
	}
	var sec *string
	if s := strings.TrimSpace(c.FormValue("secret")); s != "" {
		sec = &s
	}
	w, err := p.hooks.Rotate(c.UserContext(), cur, sec)
	if errs, ok := fieldErrors(err); ok {
		d, err := p.hookData(c, cur)
		if err != nil {
			return p.fail(c, err)
		}
		d.SecretError = errs["secret"]
		return p.render(c, fiber.StatusUnprocessableEntity, "webhook", d)
	}
	if err != nil {
		return p.problem(c, err, hookPath(cur.ID), "Back to the webhook")
	}
	d, err := p.hookData(c, w)
	if err != nil {
		return p.fail(c, err)
	}
	d.Secret, d.Rotated = w.Secret, true
	return p.render(c, fiber.StatusOK, "webhook", d)
}

// sendTest sends a sample event now and shows the endpoint's answer; the
// delivery is in the log like any other.
func (p *Pages) sendTest(c *fiber.Ctx) error {
	w, ok, err := p.loadHook(c)
	if !ok {
		return err
	}
	typ := c.FormValue("event_type")
	if typ == "" {
		typ = endpoints.DefaultTestEvent(w)
	}
	dl, err := p.hooks.SendTest(c.UserContext(), w, typ)
	if err != nil {
		return p.problem(c, err, hookPath(w.ID), "Back to the webhook")
	}
	return c.Redirect(hookPath(w.ID)+"?tested="+url.QueryEscape(dl.ID)+"#test-result", fiber.StatusSeeOther)
}
