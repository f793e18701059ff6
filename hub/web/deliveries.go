package web

import (
	"net/url"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// logPageSize is how many deliveries one page of the log shows. The store
// reads one page (LIMIT, keyset on the ID), however long the log is.
const logPageSize = 50

// localTime is the format of <input type="datetime-local">; the page says
// the times are UTC.
const localTime = "2006-01-02T15:04"

// logRow is one delivery in the log with its last attempt, if any.
type logRow struct {
	hub.Delivery
	Last *hub.Attempt
}

// logFilter is the log's filter form, as sent.
type logFilter struct {
	Status, EventType, From, To string
	Errors                      map[string]string
	Active                      bool
}

// logRows adds each delivery's last attempt, read in one query.
func (p *Pages) logRows(c *fiber.Ctx, ds []hub.Delivery) ([]logRow, error) {
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	last, err := p.st.LatestAttempts(c.UserContext(), viewerOf(c).account.ID, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]logRow, len(ds))
	for i, d := range ds {
		rows[i] = logRow{Delivery: d}
		if a, ok := last[d.ID]; ok {
			rows[i].Last = &a
		}
	}
	return rows, nil
}

// readLogFilter checks the filter form; a bad value is reported next to
// its field and not applied.
func readLogFilter(c *fiber.Ctx) (logFilter, store.DeliveryFilter) {
	lf := logFilter{Status: c.Query("status"), EventType: c.Query("event_type"), From: c.Query("from"), To: c.Query("to"), Errors: map[string]string{}}
	var f store.DeliveryFilter
	if lf.Status != "" {
		if hub.ValidDeliveryStatus(lf.Status) {
			f.Status = hub.DeliveryStatus(lf.Status)
		} else {
			lf.Errors["status"] = "Choose a status from the list."
		}
	}
	if lf.EventType != "" {
		if hub.ValidEventType(lf.EventType) {
			f.EventType = lf.EventType
		} else {
			lf.Errors["event_type"] = "Choose an event type from the list."
		}
	}
	for _, t := range []struct {
		name, value string
		dst         *hub.Time
	}{{"from", lf.From, &f.CreatedAfter}, {"to", lf.To, &f.CreatedBefore}} {
		if t.value == "" {
			continue
		}
		v, err := time.Parse(localTime, t.value)
		if err != nil {
			lf.Errors[t.name] = "Enter a date and time such as 2026-01-31T09:00."
			continue
		}
		*t.dst = hub.TimeOf(v.UTC())
	}
	if !f.CreatedAfter.IsZero() && !f.CreatedBefore.IsZero() && !f.CreatedAfter.Before(f.CreatedBefore.Time) {
		lf.Errors["to"] = "The end must be after the start."
		f.CreatedBefore = hub.Time{}
	}
	lf.Active = f != (store.DeliveryFilter{})
	return lf, f
}

// query is the filter as URL parameters, for paging links.
func (lf logFilter) query(after string) string {
	q := url.Values{}
	for k, v := range map[string]string{"status": lf.Status, "event_type": lf.EventType, "from": lf.From, "to": lf.To, "after": after} {
		if v != "" && (lf.Errors[k] == "") {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// deliveriesPage is an endpoint's delivery log: newest first, filtered,
// one page at a time with a cursor (the last ID shown).
func (p *Pages) deliveriesPage(c *fiber.Ctx) error {
	w, ok, err := p.loadHook(c)
	if !ok {
		return err
	}
	lf, f := readLogFilter(c)
	page := hub.Page{Limit: logPageSize}
	if after := c.Query("after"); hub.ValidID(hub.PrefixDelivery, after) {
		page.After = after
	}
	ds, more, err := p.st.ListDeliveries(c.UserContext(), w.AccountID, w.ID, f, page)
	if err != nil {
		return p.fail(c, err)
	}
	d := viewerOf(c).page("Delivery log")
	d.Hook, d.Filter, d.LogMore, d.Paged = w, lf, more, page.After != ""
	d.EventOpts = eventOptions(nil)
	if d.Log, err = p.logRows(c, ds); err != nil {
		return p.fail(c, err)
	}
	base := hookPath(w.ID) + "/deliveries"
	if more && len(ds) > 0 {
		d.NextURL = base + lf.query(ds[len(ds)-1].ID)
	}
	d.FirstURL = base + lf.query("")
	status := fiber.StatusOK
	if len(lf.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return p.render(c, status, "deliveries", d)
}

// header is one header line of an attempt.
type header struct{ Name, Value string }

func sortedHeaders(m map[string]string) []header {
	out := make([]header, 0, len(m))
	for k, v := range m {
		out = append(out, header{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// loadDelivery reads the delivery named in the URL and its endpoint, or
// renders the not-found page.
func (p *Pages) loadDelivery(c *fiber.Ctx) (hub.Delivery, hub.Webhook, bool, error) {
	acct := viewerOf(c).account.ID
	notFound := func() (hub.Delivery, hub.Webhook, bool, error) {
		return hub.Delivery{}, hub.Webhook{}, false, p.message(c, fiber.StatusNotFound, "Delivery not found",
			"This delivery does not exist in your account. Deliveries are kept for 30 days; it may have been pruned, or the link is wrong.",
			PathSettings+"#delivery-logs", "Back to delivery logs")
	}
	id := c.Params("id")
	if !hub.ValidID(hub.PrefixDelivery, id) {
		return notFound()
	}
	dl, err := p.st.GetDelivery(c.UserContext(), acct, id)
	if hub.ErrorCode(err) == hub.ENotFound {
		return notFound()
	}
	if err != nil {
		return hub.Delivery{}, hub.Webhook{}, false, p.fail(c, err)
	}
	w, err := p.hooks.Get(c.UserContext(), acct, dl.EndpointID)
	if hub.ErrorCode(err) == hub.ENotFound {
		return notFound()
	}
	if err != nil {
		return hub.Delivery{}, hub.Webhook{}, false, p.fail(c, err)
	}
	return dl, w, true, nil
}

// deliveryPage is one delivery with every attempt: the request headers,
// the response status, headers and body (escaped like all page text), the
// error and the next attempt.
func (p *Pages) deliveryPage(c *fiber.Ctx) error {
	dl, w, ok, err := p.loadDelivery(c)
	if !ok {
		return err
	}
	d := viewerOf(c).page("Delivery")
	d.Delivery, d.Hook = dl, w
	if c.Query("done") == "retried" {
		d.Flash = "The delivery is queued and will be sent again in a moment. Reload this page to see the new attempt."
	}
	return p.render(c, fiber.StatusOK, "delivery", d)
}

// retryDelivery queues the delivery again with the API's rule (the
// endpoint must be active).
func (p *Pages) retryDelivery(c *fiber.Ctx) error {
	dl, _, ok, err := p.loadDelivery(c)
	if !ok {
		return err
	}
	if _, err := p.hooks.Retry(c.UserContext(), dl.AccountID, dl.ID); err != nil {
		return p.problem(c, err, PathDelivery+"/"+dl.ID, "Back to the delivery")
	}
	return c.Redirect(PathDelivery+"/"+dl.ID+"?done=retried", fiber.StatusSeeOther)
}

// confirmDeleteHook asks before deleting: the endpoint stops receiving
// events and its delivery log goes with it.
func (p *Pages) confirmDeleteHook(c *fiber.Ctx) error {
	w, ok, err := p.loadHook(c)
	if !ok {
		return err
	}
	d := viewerOf(c).page("Delete webhook")
	d.Hook = w
	return p.render(c, fiber.StatusOK, "delete", d)
}

// deleteHook deletes with the API's rule and goes back to the list.
func (p *Pages) deleteHook(c *fiber.Ctx) error {
	w, ok, err := p.loadHook(c)
	if !ok {
		return err
	}
	if err := p.hooks.Delete(c.UserContext(), w); err != nil {
		return p.problem(c, err, hookPath(w.ID), "Back to the webhook")
	}
	return c.Redirect(PathSettings+"?deleted=1#webhook", fiber.StatusSeeOther)
}
