package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/httpapi"
	"github.com/visage-jobs/visage-hub/schemas"
)

// candJob writes a job row for accountID directly, so the candidate tests
// do not depend on the jobs endpoints.
func (e *env) candJob(accountID string) string {
	e.t.Helper()
	id := hub.NewID(hub.PrefixJob)
	now := hub.Now()
	db := e.st.DB()
	_, err := db.Exec(db.Rebind(`INSERT INTO jobs (id, account_id, title, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`),
		id, accountID, "Backend Engineer", hub.JobOpen, now, now)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// candOther makes a second account and returns its ID and an admin token,
// for checking that accounts never see each other's candidates.
func (e *env) candOther() (accountID, cred string) {
	e.t.Helper()
	a, err := e.st.CreateAccount(context.Background(), "Other Co")
	if err != nil {
		e.t.Fatal(err)
	}
	return a.ID, e.tokenFor(a.ID, hub.RoleAdmin)
}

// candEvent is an outbox row as the tests read it back.
type candEvent struct {
	Type     string
	Previous *string
	Data     json.RawMessage
}

// candOutbox returns the account's events, oldest first, each checked
// against the event schema and its type's own schema.
func (e *env) candOutbox(accountID string) []candEvent {
	e.t.Helper()
	db := e.st.DB()
	rows, err := db.Query(db.Rebind(`SELECT id, type, created_at, data, previous_status FROM events WHERE account_id = ? ORDER BY id`), accountID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []candEvent
	for rows.Next() {
		var (
			ev   hub.Event
			data string
			prev sql.NullString
		)
		if err := rows.Scan(&ev.ID, &ev.Type, &ev.Timestamp, &data, &prev); err != nil {
			e.t.Fatal(err)
		}
		ev.Data = json.RawMessage(data)
		if prev.Valid {
			ev.PreviousStatus = &prev.String
		}
		if err := schemas.ValidateValue("event", ev); err != nil {
			e.t.Fatalf("event %s is not a valid event: %v\n%s", ev.Type, err, data)
		}
		if name, ok := schemas.ForEvent(ev.Type); ok {
			if err := schemas.ValidateValue(name, ev); err != nil {
				e.t.Fatalf("event %s does not match %s: %v", ev.Type, name, err)
			}
		}
		out = append(out, candEvent{Type: ev.Type, Previous: ev.PreviousStatus, Data: ev.Data})
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func candTypes(evs []candEvent) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Type
	}
	return out
}

// withoutLink returns a candidate's JSON with resume.url blanked: two
// signed links made in different seconds differ, the rest must not.
func withoutLink(t *testing.T, b []byte) string {
	t.Helper()
	var c hub.Candidate
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("decode candidate %s: %v", b, err)
	}
	if c.Resume != nil {
		c.Resume.URL = ""
	}
	out, _ := json.Marshal(c)
	return string(out)
}

// candCall sends a request that must succeed with status and return a
// valid candidate, and checks that exactly the events of types were
// written, each carrying the candidate of the response.
func (e *env) candCall(method, path, cred, body string, status int, types ...string) (hub.Candidate, resp) {
	e.t.Helper()
	return e.candCheck(func() resp { return e.do(method, path, cred, body) }, status, types...)
}

// candCheck runs send and checks it as candCall does.
func (e *env) candCheck(send func() resp, status int, types ...string) (hub.Candidate, resp) {
	e.t.Helper()
	before := len(e.candOutbox(e.acct.ID))
	r := send().status(status)
	if err := schemas.Validate("candidate", r.body); err != nil {
		e.t.Fatalf("response is not a valid candidate: %v\n%s", err, r.body)
	}
	var c hub.Candidate
	r.decode(&c)
	evs := e.candOutbox(e.acct.ID)[before:]
	if !slices.Equal(candTypes(evs), types) {
		e.t.Fatalf("events %v, want %v", candTypes(evs), types)
	}
	for _, ev := range evs {
		if withoutLink(e.t, ev.Data) != withoutLink(e.t, r.body) {
			e.t.Fatalf("%s carries\n%s\nbut the response is\n%s", ev.Type, ev.Data, r.body)
		}
	}
	return c, r
}

// candFail sends a request that must fail with the problem given and write
// no event in any account.
func (e *env) candFail(send func() resp, status int, code hub.Code, field string) httpapi.Problem {
	e.t.Helper()
	before := len(e.allEvents())
	p := send().problem(status, code, field)
	if after := len(e.allEvents()); after != before {
		e.t.Fatalf("a failed request wrote %d events", after-before)
	}
	return p
}

func (e *env) allEvents() []string {
	e.t.Helper()
	var ids []string
	if err := e.st.DB().Select(&ids, `SELECT id FROM events`); err != nil {
		e.t.Fatal(err)
	}
	return ids
}

// upload sends a raw PUT of a resume with the given Content-Type and extra
// headers (name, value pairs).
func (e *env) upload(path, cred string, data []byte, contentType string, headers ...string) resp {
	e.t.Helper()
	req := httptest.NewRequest("PUT", path, bytes.NewReader(data))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if cred != "" {
		req.Header.Set("Authorization", "Bearer "+cred)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.send(req)
}

// fetch sends a GET with optional credentials and extra headers.
func (e *env) fetch(path, cred string, headers ...string) resp {
	e.t.Helper()
	return e.do(http.MethodGet, path, cred, "", headers...)
}
