package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// outboxFixture writes an event straight into the outbox, with data taken
// from the schema examples, so these tests need no code that makes events.
func (e *env) outboxFixture(accountID, typ string, at time.Time, prev *string) string {
	e.t.Helper()
	name := "job"
	if strings.HasPrefix(typ, "candidate.") {
		name = "candidate"
	}
	data, ok := schemas.Example(name)
	if !ok {
		e.t.Fatalf("no example for %s", name)
	}
	id := hub.NewID(hub.PrefixEvent)
	_, err := e.st.DB().Exec(e.st.DB().Rebind(`INSERT INTO events (id, account_id, type, resource_id, job_id, data, previous_status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), id, accountID, typ, "res_"+id, nil, string(data), prev, at.UnixMilli())
	if err != nil {
		e.t.Fatalf("insert event: %v", err)
	}
	return id
}

// eventPage is the list envelope with raw items, so each item can be
// validated exactly as sent.
type eventPage struct {
	Data       []json.RawMessage `json:"data"`
	NextCursor *string           `json:"next_cursor"`
}

func (p eventPage) ids(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, raw := range p.Data {
		var ev struct{ ID string }
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev.ID)
	}
	return out
}

func TestEventsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("events")
		other, err := e.st.CreateAccount(context.Background(), "Globex")
		if err != nil {
			t.Fatal(err)
		}
		base := time.Date(2025, 3, 8, 14, 0, 0, 0, time.UTC)
		prev := hub.CandNew
		created := e.outboxFixture(e.acct.ID, hub.EventCandidateCreated, base, nil)
		job := e.outboxFixture(e.acct.ID, hub.EventJobCreated, base.Add(time.Minute), nil)
		changed := e.outboxFixture(e.acct.ID, hub.EventCandidateStatusChanged, base.Add(2*time.Minute), &prev)
		closed := e.outboxFixture(e.acct.ID, hub.EventJobClosed, base.Add(3*time.Minute), nil)
		foreign := e.outboxFixture(other.ID, hub.EventCandidateCreated, base.Add(time.Hour), nil)
		newestFirst := []string{closed, changed, job, created}

		list := func(query string) eventPage {
			t.Helper()
			var p eventPage
			e.do("GET", "/v1/events"+query, key, "").status(http.StatusOK).decode(&p)
			return p
		}

		t.Run("items are webhook envelopes that match the event schema", func(t *testing.T) {
			p := list("")
			if got := strings.Join(p.ids(t), ","); got != strings.Join(newestFirst, ",") || p.NextCursor != nil {
				t.Fatalf("ids %s (cursor %v), want %v", got, p.NextCursor, newestFirst)
			}
			for _, raw := range p.Data {
				if err := schemas.Validate("event", raw); err != nil {
					t.Fatalf("%s: %v", raw, err)
				}
				var m map[string]json.RawMessage
				_ = json.Unmarshal(raw, &m)
				_, hasPrev := m["previous_status"]
				var typ string
				_ = json.Unmarshal(m["type"], &typ)
				if hasPrev != (typ == hub.EventCandidateStatusChanged) {
					t.Fatalf("previous_status present=%v on %s", hasPrev, typ)
				}
			}
		})
		t.Run("get matches the listed item", func(t *testing.T) {
			r := e.do("GET", "/v1/events/"+changed, key, "").status(http.StatusOK)
			if err := schemas.Validate("event", r.body); err != nil {
				t.Fatal(err)
			}
			var ev struct {
				ID, Type, Timestamp string
				PreviousStatus      string `json:"previous_status"`
				Data                struct{ ID string }
			}
			r.decode(&ev)
			if ev.ID != changed || ev.Type != hub.EventCandidateStatusChanged || ev.PreviousStatus != "new" ||
				ev.Timestamp != "2025-03-08T14:02:00.000Z" || ev.Data.ID != "cand_01jnnjky1ra84wkp9m7t9bm2ex" {
				t.Fatalf("got %s", r.body)
			}
		})
		t.Run("filters", func(t *testing.T) {
			cases := []struct{ name, query, want string }{
				{"type", "?type=candidate.created", created},
				{"created_after is strict", "?created_after=" + url.QueryEscape("2025-03-08T14:02:00Z"), closed},
				{"created_after with an offset", "?created_after=" + url.QueryEscape("2025-03-08T16:01:30+02:00"), closed + "," + changed},
				{"both", "?type=job.created&created_after=2025-03-08T13:00:00Z", job},
				{"none match", "?type=candidate.interested", ""},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					got := list(tc.query).ids(t)
					want := []string{}
					if tc.want != "" {
						want = strings.Split(tc.want, ",")
					}
					if strings.Join(got, ",") != strings.Join(want, ",") {
						t.Fatalf("got %v, want %v", got, want)
					}
				})
			}
		})
		t.Run("pages follow next_cursor and the Link header", func(t *testing.T) {
			var walked []string
			path := "/v1/events?limit=3&type="
			for range 3 {
				r := e.do("GET", path, key, "").status(http.StatusOK)
				var p eventPage
				r.decode(&p)
				walked = append(walked, p.ids(t)...)
				if p.NextCursor == nil {
					if r.h.Get("Link") != "" {
						t.Fatalf("Link on the last page: %s", r.h.Get("Link"))
					}
					break
				}
				if !strings.Contains(r.h.Get("Link"), url.QueryEscape(*p.NextCursor)) {
					t.Fatalf("Link %q lacks the cursor", r.h.Get("Link"))
				}
				path = "/v1/events?limit=3&type=&cursor=" + url.QueryEscape(*p.NextCursor)
			}
			if strings.Join(walked, ",") != strings.Join(newestFirst, ",") {
				t.Fatalf("walked %v, want %v", walked, newestFirst)
			}
		})
		t.Run("cursors are bound to their list", func(t *testing.T) {
			var p eventPage
			e.do("GET", "/v1/events?limit=1", key, "").status(http.StatusOK).decode(&p)
			if p.NextCursor == nil {
				t.Fatal("no cursor")
			}
			cur := *p.NextCursor
			flip := "A"
			if strings.HasSuffix(cur, "A") {
				flip = "B"
			}
			tampered := cur[:len(cur)-1] + flip
			e.do("GET", "/v1/events?limit=1&cursor="+url.QueryEscape(tampered), key, "").problem(http.StatusBadRequest, hub.EMalformed, "cursor")
			e.do("GET", "/v1/events?limit=1&type=job.created&cursor="+url.QueryEscape(cur), key, "").problem(http.StatusBadRequest, hub.EMalformed, "cursor")
			otherKey := e.tokenFor(other.ID, hub.RoleMember)
			e.do("GET", "/v1/events?limit=1&cursor="+url.QueryEscape(cur), otherKey, "").problem(http.StatusBadRequest, hub.EMalformed, "cursor")
		})
		t.Run("bad input", func(t *testing.T) {
			cases := []struct{ name, query, field string }{
				{"unknown type", "?type=candidate.deleted", "type"},
				{"webhook-only type", "?type=webhook.validation", "type"},
				{"created_after not a time", "?created_after=yesterday", "created_after"},
				{"created_after a bare date", "?created_after=2025-03-08", "created_after"},
				{"limit zero", "?limit=0", "limit"},
				{"limit too big", "?limit=201", "limit"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					e.do("GET", "/v1/events"+tc.query, key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, tc.field)
				})
			}
		})
		t.Run("other accounts' events are invisible", func(t *testing.T) {
			e.do("GET", "/v1/events/"+foreign, key, "").problem(http.StatusNotFound, hub.ENotFound, "")
			e.do("GET", "/v1/events/evt_nope", key, "").problem(http.StatusNotFound, hub.ENotFound, "")
			for _, id := range list("?limit=200").ids(t) {
				if id == foreign {
					t.Fatal("another account's event is listed")
				}
			}
			var p eventPage
			e.do("GET", "/v1/events", e.tokenFor(other.ID, hub.RoleMember), "").status(http.StatusOK).decode(&p)
			if got := p.ids(t); len(got) != 1 || got[0] != foreign {
				t.Fatalf("other account lists %v", got)
			}
		})
		t.Run("credentials are required", func(t *testing.T) {
			e.do("GET", "/v1/events", "", "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
			e.do("GET", "/v1/events/"+created, "", "").problem(http.StatusUnauthorized, hub.EUnauthorized, "")
		})
	})
}
