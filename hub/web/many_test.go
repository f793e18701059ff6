package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/hub/web"
)

// countingStore is the real store, noting how much each log query asks
// for, so a test can check the pages read one page, not the whole log.
type countingStore struct {
	*store.Store
	mu          sync.Mutex
	maxLimit    int // largest ListDeliveries page
	maxAttempts int // most deliveries in one LatestAttempts
}

func (c *countingStore) ListDeliveries(ctx context.Context, accountID, endpointID string, f store.DeliveryFilter, p hub.Page) ([]hub.Delivery, bool, error) {
	c.mu.Lock()
	c.maxLimit = max(c.maxLimit, p.Limit)
	c.mu.Unlock()
	return c.Store.ListDeliveries(ctx, accountID, endpointID, f, p)
}

func (c *countingStore) LatestAttempts(ctx context.Context, accountID string, ids []string) (map[string]hub.Attempt, error) {
	c.mu.Lock()
	c.maxAttempts = max(c.maxAttempts, len(ids))
	c.mu.Unlock()
	return c.Store.LatestAttempts(ctx, accountID, ids)
}

// seedLog gives the account an active webhook with n deliveries: every
// third failed (HTTP 500), the rest succeeded, event types in turn.
func seedLog(t testing.TB, st *store.Store, accountID string, n int) hub.Webhook {
	t.Helper()
	ctx := context.Background()
	now := time.Now().Add(-time.Duration(n) * time.Second)
	w := hub.Webhook{ID: hub.NewID(hub.PrefixWebhook), AccountID: accountID, Kind: hub.KindWebhook, URL: "https://receiver.example/hooks",
		Events: []string{}, Status: hub.WebhookActive, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", CreatedAt: hub.TimeOf(now), UpdatedAt: hub.TimeOf(now)}
	if err := st.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		at := hub.TimeOf(now.Add(time.Duration(i) * time.Second))
		code, status := 200, hub.DeliverySucceeded
		if i%3 == 0 {
			code, status = 500, hub.DeliveryFailed
		}
		d := hub.Delivery{ID: hub.NewID(hub.PrefixDelivery), AccountID: accountID, EndpointID: w.ID, EventID: hub.NewID(hub.PrefixEvent),
			EventType: hub.EventTypes[i%len(hub.EventTypes)], Status: status, CreatedAt: at, UpdatedAt: at,
			Attempts: []hub.Attempt{{Attempt: 1, RequestHeaders: map[string]string{"Content-Type": "application/json"}, ResponseStatus: &code,
				ResponseBody: `{"n":` + fmt.Sprint(i) + `}`, DurationMS: int64(20 + i%300), SentAt: at}}}
		if err := st.CreateTestDelivery(ctx, d, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// pagesOn serves the pages alone on st, as expiry_test does.
func pagesOn(t testing.TB, st web.Store) *fiber.App {
	p := web.New(web.Options{Store: st, Logger: quietLogger()})
	app := fiber.New()
	for _, r := range p.Routes() {
		app.Add(r.Method, r.Path, r.Handler)
	}
	return app
}

var rowID = regexp.MustCompile(`<tr id="(dlv_[0-9a-z]+)">`)

func TestPagesWithManyDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cs := &countingStore{Store: st}
		e := newEnvApp(t, st, pagesOn(t, cs))
		const n = 2500
		w := seedLog(t, st, e.acct.ID, n)
		b := e.signIn(hub.RoleAdmin)

		b.get(web.PathSettings).status(http.StatusOK).html().contains(w.URL, "Active", "/settings/webhooks/"+w.ID+"/deliveries")
		hook := b.get(web.PathWebhooks+"/"+w.ID).status(http.StatusOK).html().contains("Recent deliveries", "View the full delivery log and filter it")
		if got := len(rowID.FindAllString(hook.body, -1)); got != 5 {
			t.Fatalf("the webhook page shows %d deliveries, want the latest 5", got)
		}

		t.Run("the whole log, page by page, newest first", func(t *testing.T) {
			seen := map[string]bool{}
			last := ""
			next := web.PathWebhooks + "/" + w.ID + "/deliveries"
			pages := 0
			for next != "" {
				r := b.get(next).status(http.StatusOK).html()
				ids := rowID.FindAllStringSubmatch(r.body, -1)
				if len(ids) == 0 || len(ids) > 50 {
					t.Fatalf("page %d has %d rows", pages, len(ids))
				}
				for _, m := range ids {
					if seen[m[1]] || (last != "" && m[1] >= last) {
						t.Fatalf("page %d: %s repeated or out of order", pages, m[1])
					}
					seen[m[1]], last = true, m[1]
				}
				pages++
				next = ""
				if m := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(r.body); m != nil {
					next = htmlUnescape(m[1])
				}
			}
			if len(seen) != n || pages != n/50 {
				t.Fatalf("%d deliveries on %d pages, want %d on %d", len(seen), pages, n, n/50)
			}
		})

		t.Run("filters narrow the log and survive paging", func(t *testing.T) {
			r := b.get(web.PathWebhooks + "/" + w.ID + "/deliveries?status=failed&event_type=candidate.created").status(http.StatusOK).html()
			r.contains(`<option value="failed" selected>`, "Clear").lacks("Succeeded</span>")
			m := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(r.body)
			if m == nil {
				t.Fatal("no next page for the filtered log")
			}
			next := htmlUnescape(m[1])
			b.get(next).status(http.StatusOK).html().contains(`<option value="failed" selected>`, "← Newest").lacks("Succeeded</span>")
			from := time.Now().UTC().Add(time.Hour).Format("2006-01-02T15:04")
			b.get(web.PathWebhooks + "/" + w.ID + "/deliveries?from=" + from).status(http.StatusOK).html().contains("No deliveries match these filters.")
			for _, q := range []string{"status=lost", "event_type=job.deleted", "from=yesterday", "from=2026-02-01T10:00&to=2026-01-01T10:00"} {
				b.get(web.PathWebhooks + "/" + w.ID + "/deliveries?" + q).status(http.StatusUnprocessableEntity).html().contains(`class="error" role="alert"`)
			}
		})

		t.Run("one delivery deep in the log", func(t *testing.T) {
			ds, _, err := st.ListDeliveries(context.Background(), e.acct.ID, w.ID, store.DeliveryFilter{}, hub.Page{Limit: 1, After: ""})
			if err != nil {
				t.Fatal(err)
			}
			b.get(web.PathDelivery+"/"+ds[0].ID).status(http.StatusOK).html().contains("Attempt 1", `{&#34;n&#34;:`+fmt.Sprint(n-1)+`}`)
		})

		cs.mu.Lock()
		defer cs.mu.Unlock()
		if cs.maxLimit > 50 || cs.maxLimit == 0 || cs.maxAttempts > 50 {
			t.Fatalf("the pages asked the store for %d deliveries and %d latest attempts at once; a page is 50", cs.maxLimit, cs.maxAttempts)
		}
	})
}

func TestWebhookPagesForANewAccount(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		rcv := newReceiver(t)
		b := e.signIn(hub.RoleAdmin)
		id, page := b.addHook(rcv.url())
		page.contains("No deliveries yet", "the webhook is active")
		b.get(web.PathWebhooks+"/"+id+"/deliveries").status(http.StatusOK).html().contains("No deliveries yet").lacks("rel=\"next\"", "← Newest")
		m := e.signIn(hub.RoleMember)
		e.acct, _ = e.st.CreateAccount(context.Background(), "Empty Co")
		for _, viewer := range []*browser{e.signIn(hub.RoleAdmin), e.signIn(hub.RoleMember)} {
			viewer.get(web.PathSettings).status(http.StatusOK).html().contains("No webhook yet", "No deliveries yet", "No API keys yet")
		}
		m.get(web.PathWebhooks + "/" + id).status(http.StatusOK).html().contains("No deliveries yet")
	})
}

// BenchmarkDeliveryLogPage serves the first and a deep page of a log of
// 20,000 deliveries on SQLite: both read one page of 50.
func BenchmarkDeliveryLogPage(b *testing.B) {
	st := storetest.Open(b, store.SQLite)
	ctx := context.Background()
	acct, err := st.CreateAccount(ctx, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	w := seedLog(b, st, acct.ID, 20_000)
	app := pagesOn(b, st)
	tok, err := hub.RandomToken(40)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateLoginToken(ctx, acct.ID, hub.RoleAdmin, hub.HashAPIKey(tok), time.Now().Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	res, err := app.Test(httptest.NewRequest("GET", web.PathLogin+"?token="+tok, nil))
	if err != nil {
		b.Fatal(err)
	}
	cookie := sessionCookie(res.Header)
	mid, _, err := st.ListDeliveries(ctx, acct.ID, w.ID, store.DeliveryFilter{}, hub.Page{Limit: 200})
	if err != nil {
		b.Fatal(err)
	}
	for name, path := range map[string]string{
		"first": web.PathWebhooks + "/" + w.ID + "/deliveries",
		"page5": web.PathWebhooks + "/" + w.ID + "/deliveries?after=" + mid[len(mid)-1].ID,
	} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
				res, err := app.Test(req, -1)
				if err != nil || res.StatusCode != http.StatusOK {
					b.Fatalf("%v %v", res, err)
				}
				res.Body.Close()
			}
		})
	}
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }
