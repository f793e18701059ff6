package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
	"github.com/visage-jobs/visage-hub/schemas"
)

func ptr(s string) *string { return &s }

// candFixture is one database with two accounts and a job in each.
type candFixture struct {
	st           *store.Store
	acct, other  string
	job, otherJb string
}

func newCandFixture(t *testing.T, st *store.Store) candFixture {
	t.Helper()
	ctx := context.Background()
	a, err := st.CreateAccount(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateAccount(ctx, "Other")
	if err != nil {
		t.Fatal(err)
	}
	// Test links: the real ones are the HTTP layer's, tested there.
	st.SetCandidateDecorator(func(c *hub.Candidate) {
		if c.Resume != nil {
			c.Resume.URL = "https://hub.test/v1/candidates/" + c.ID + "/resume?exp=1&sig=x"
		}
	})
	return candFixture{st: st, acct: a.ID, other: b.ID, job: insertJob(t, st, a.ID), otherJb: insertJob(t, st, b.ID)}
}

// insertJob writes a job row directly, so these tests do not depend on the
// jobs code.
func insertJob(t testing.TB, st *store.Store, accountID string) string {
	t.Helper()
	id := hub.NewID(hub.PrefixJob)
	now := hub.Now()
	_, err := st.DB().Exec(st.DB().Rebind(`INSERT INTO jobs (id, account_id, title, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`),
		id, accountID, "Backend Engineer", hub.JobOpen, now, now)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// storedEvent is an outbox row as the tests read it back.
type storedEvent struct {
	hub.Event
	Job sql.NullString
}

// eventsOf returns the account's events in order, checking each against
// the event schema (so data is a valid candidate payload).
func eventsOf(t *testing.T, st *store.Store, accountID string) []storedEvent {
	t.Helper()
	rows, err := st.DB().Query(st.DB().Rebind(`SELECT id, type, resource_id, job_id, data, previous_status, created_at
		FROM events WHERE account_id = ? ORDER BY id`), accountID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedEvent
	for rows.Next() {
		var (
			ev   storedEvent
			data string
		)
		if err := rows.Scan(&ev.ID, &ev.Type, &ev.ResourceID, &ev.Job, &data, &ev.PreviousStatus, &ev.Timestamp); err != nil {
			t.Fatal(err)
		}
		ev.Data = json.RawMessage(data)
		if err := schemas.ValidateValue("event", ev.Event); err != nil {
			t.Fatalf("event %s does not match the event schema: %v\n%s", ev.Type, err, data)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func typesOf(evs []storedEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

// newEvents returns the events written since n were already there.
func newEvents(t *testing.T, st *store.Store, accountID string, n *int) []storedEvent {
	t.Helper()
	all := eventsOf(t, st, accountID)
	fresh := all[*n:]
	*n = len(all)
	return fresh
}

func wantCode(t *testing.T, err error, code hub.Code, field string) {
	t.Helper()
	if hub.ErrorCode(err) != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
	if field != "" && !slices.ContainsFunc(hub.ErrorFields(err), func(f hub.FieldError) bool { return f.Field == field }) {
		t.Fatalf("err %v does not name field %s", err, field)
	}
}

func decodeCandidate(t *testing.T, data json.RawMessage) hub.Candidate {
	t.Helper()
	var c hub.Candidate
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCreateCandidate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCandFixture(t, st)
		seen := 0

		t.Run("normalises and announces", func(t *testing.T) {
			c, err := st.CreateCandidate(ctx, f.acct, hub.Candidate{
				JobID: &f.job, FirstName: ptr("Amara"), LastName: ptr("Okafor"), Email: ptr(" Amara.Okafor@Example.COM "),
				LinkedInURL: ptr("http://uk.linkedin.com/in/Amara-Okafor/?trk=x"), Skills: []string{"Go"},
				Experience: []hub.Position{{Title: "Engineer", Company: ptr("Zalando")}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !hub.ValidID(hub.PrefixCand, c.ID) || c.FullName != "Amara Okafor" || c.Status != hub.CandNew ||
				*c.Email != "amara.okafor@example.com" || *c.LinkedInURL != "https://www.linkedin.com/in/amara-okafor" ||
				c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt.Time) || !c.InterestedAt.IsZero() || c.Resume != nil {
				t.Fatalf("created %+v", c)
			}
			got, err := st.GetCandidate(ctx, f.acct, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(c)
			b, _ := json.Marshal(got)
			if string(a) != string(b) {
				t.Fatalf("read back differs:\n%s\n%s", a, b)
			}
			if err := schemas.ValidateValue("candidate", got); err != nil {
				t.Fatalf("candidate does not match its schema: %v", err)
			}
			evs := newEvents(t, st, f.acct, &seen)
			if !slices.Equal(typesOf(evs), []string{hub.EventCandidateCreated}) {
				t.Fatalf("events %v", typesOf(evs))
			}
			if evs[0].ResourceID != c.ID || evs[0].Job.String != f.job || string(evs[0].Data) != string(a) {
				t.Fatalf("event %+v carries %s", evs[0], evs[0].Data)
			}
		})
		t.Run("interested from the start", func(t *testing.T) {
			c, err := st.CreateCandidate(ctx, f.acct, hub.Candidate{FullName: "Tomás Herrera", Status: hub.CandInterested})
			if err != nil {
				t.Fatal(err)
			}
			if c.FirstName != nil || c.LastName != nil || c.InterestedAt.IsZero() || !c.InterestedAt.Equal(c.CreatedAt.Time) {
				t.Fatalf("created %+v", c)
			}
			evs := newEvents(t, st, f.acct, &seen)
			if !slices.Equal(typesOf(evs), []string{hub.EventCandidateCreated, hub.EventCandidateInterested}) {
				t.Fatalf("events %v", typesOf(evs))
			}
			if evs[1].Job.Valid || evs[1].PreviousStatus != nil {
				t.Fatalf("interested event %+v", evs[1])
			}
		})
		t.Run("failures write nothing", func(t *testing.T) {
			for _, tc := range []struct {
				name  string
				c     hub.Candidate
				code  hub.Code
				field string
			}{
				{"unknown job", hub.Candidate{FullName: "A", JobID: ptr(hub.NewID(hub.PrefixJob))}, hub.EInvalid, "job_id"},
				{"other account's job", hub.Candidate{FullName: "A", JobID: &f.otherJb}, hub.EInvalid, "job_id"},
				{"garbage job", hub.Candidate{FullName: "A", JobID: ptr("job_nope")}, hub.EInvalid, "job_id"},
				{"bad email", hub.Candidate{FullName: "A", Email: ptr("not-an-email")}, hub.EInvalid, "email"},
				{"bad linkedin", hub.Candidate{FullName: "A", LinkedInURL: ptr("https://example.com/in/a")}, hub.EInvalid, "linkedin_url"},
				{"no name", hub.Candidate{Email: ptr("a@b.co")}, hub.EInvalid, "full_name"},
				{"bad status", hub.Candidate{FullName: "A", Status: "maybe"}, hub.EInvalid, "status"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := st.CreateCandidate(ctx, f.acct, tc.c)
					wantCode(t, err, tc.code, tc.field)
					if evs := newEvents(t, st, f.acct, &seen); len(evs) != 0 {
						t.Fatalf("a failed create wrote %v", typesOf(evs))
					}
				})
			}
			list, _, err := st.ListCandidates(ctx, f.acct, store.CandidateFilter{}, hub.Page{Limit: 10})
			if err != nil || len(list) != 2 {
				t.Fatalf("%d candidates, %v; want the 2 created", len(list), err)
			}
		})
		t.Run("other accounts cannot see it", func(t *testing.T) {
			list, _, _ := st.ListCandidates(ctx, f.acct, store.CandidateFilter{}, hub.Page{Limit: 1})
			_, err := st.GetCandidate(ctx, f.other, list[0].ID)
			wantCode(t, err, hub.ENotFound, "")
			_, err = st.GetCandidate(ctx, f.acct, hub.NewID(hub.PrefixCand))
			wantCode(t, err, hub.ENotFound, "")
		})
	})
}

func TestUpdateCandidate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCandFixture(t, st)
		c, err := st.CreateCandidate(ctx, f.acct, hub.Candidate{FirstName: ptr("Ann"), LastName: ptr("Lee")})
		if err != nil {
			t.Fatal(err)
		}
		seen := len(eventsOf(t, st, f.acct))
		setStatus := func(s string) func(*hub.Candidate) error {
			return func(c *hub.Candidate) error { c.Status = s; return nil }
		}

		steps := []struct {
			name     string
			apply    func(*hub.Candidate) error
			events   []string
			previous string
		}{
			{"plain change", func(c *hub.Candidate) error { c.Tags = []string{"shortlist"}; return nil },
				[]string{hub.EventCandidateUpdated}, ""},
			{"status change", setStatus(hub.CandContacted),
				[]string{hub.EventCandidateUpdated, hub.EventCandidateStatusChanged}, hub.CandNew},
			{"becomes interested", setStatus(hub.CandInterested),
				[]string{hub.EventCandidateUpdated, hub.EventCandidateStatusChanged, hub.EventCandidateInterested}, hub.CandContacted},
			{"same status again", setStatus(hub.CandInterested), nil, ""},
			{"leaves interest", setStatus(hub.CandNotInterest),
				[]string{hub.EventCandidateUpdated, hub.EventCandidateStatusChanged}, hub.CandInterested},
			{"interested again", setStatus(hub.CandInterested),
				[]string{hub.EventCandidateUpdated, hub.EventCandidateStatusChanged, hub.EventCandidateInterested}, hub.CandNotInterest},
			{"status and fields together", func(c *hub.Candidate) error { c.Status = hub.CandHired; c.JobID = &f.job; return nil },
				[]string{hub.EventCandidateUpdated, hub.EventCandidateStatusChanged}, hub.CandInterested},
		}
		var firstInterest hub.Time
		prev := c
		for _, step := range steps {
			t.Run(step.name, func(t *testing.T) {
				got, err := st.UpdateCandidate(ctx, f.acct, c.ID, step.apply)
				if err != nil {
					t.Fatal(err)
				}
				evs := newEvents(t, st, f.acct, &seen)
				if !slices.Equal(typesOf(evs), step.events) {
					t.Fatalf("events %v, want %v", typesOf(evs), step.events)
				}
				for _, ev := range evs {
					if ev.Type == hub.EventCandidateStatusChanged {
						if ev.PreviousStatus == nil || *ev.PreviousStatus != step.previous {
							t.Fatalf("previous_status %v, want %s", ev.PreviousStatus, step.previous)
						}
					} else if ev.PreviousStatus != nil {
						t.Fatalf("%s carries previous_status", ev.Type)
					}
					if d := decodeCandidate(t, ev.Data); d.Status != got.Status || !d.UpdatedAt.Equal(got.UpdatedAt.Time) {
						t.Fatalf("%s data is not the candidate after the change: %s", ev.Type, ev.Data)
					}
				}
				if len(step.events) == 0 && !got.UpdatedAt.Equal(prev.UpdatedAt.Time) {
					t.Fatal("a no-op update moved updated_at")
				}
				if got.Status == hub.CandInterested && firstInterest.IsZero() {
					firstInterest = got.InterestedAt
				}
				if !firstInterest.IsZero() && !got.InterestedAt.Equal(firstInterest.Time) {
					t.Fatalf("interested_at %v, want the first time %v", got.InterestedAt, firstInterest)
				}
				stored, err := st.GetCandidate(ctx, f.acct, c.ID)
				if err != nil || stored.Status != got.Status || !stored.UpdatedAt.Equal(got.UpdatedAt.Time) {
					t.Fatalf("stored %+v, %v", stored, err)
				}
				prev = got
			})
		}
		if firstInterest.IsZero() {
			t.Fatal("interested_at was never set")
		}

		t.Run("empty full name is derived again", func(t *testing.T) {
			got, err := st.UpdateCandidate(ctx, f.acct, c.ID, func(c *hub.Candidate) error {
				c.FirstName, c.FullName = ptr("Anna"), ""
				return nil
			})
			if err != nil || got.FullName != "Anna Lee" {
				t.Fatalf("full name %q, %v", got.FullName, err)
			}
			newEvents(t, st, f.acct, &seen)
		})
		t.Run("store-owned fields stay", func(t *testing.T) {
			before, _ := st.GetCandidate(ctx, f.acct, c.ID)
			got, err := st.UpdateCandidate(ctx, f.acct, c.ID, func(c *hub.Candidate) error {
				c.ID, c.AccountID, c.CreatedAt = "cand_x", f.other, hub.Time{}
				c.Resume = &hub.ResumeInfo{Filename: "x.pdf"}
				c.Headline = ptr("changed")
				return nil
			})
			if err != nil || got.ID != c.ID || got.AccountID != f.acct || !got.CreatedAt.Equal(before.CreatedAt.Time) || got.Resume != nil {
				t.Fatalf("got %+v, %v", got, err)
			}
			newEvents(t, st, f.acct, &seen)
		})
		t.Run("failures write nothing", func(t *testing.T) {
			boom := errors.New("boom")
			for _, tc := range []struct {
				name, account, id string
				apply             func(*hub.Candidate) error
				code              hub.Code
				field             string
			}{
				{"apply fails", f.acct, c.ID, func(*hub.Candidate) error { return boom }, hub.EInternal, ""},
				{"unknown job", f.acct, c.ID, func(c *hub.Candidate) error { c.JobID = ptr(hub.NewID(hub.PrefixJob)); return nil }, hub.EInvalid, "job_id"},
				{"other account's job", f.acct, c.ID, func(c *hub.Candidate) error { c.JobID = &f.otherJb; return nil }, hub.EInvalid, "job_id"},
				{"bad email", f.acct, c.ID, func(c *hub.Candidate) error { c.Email = ptr("x@"); return nil }, hub.EInvalid, "email"},
				{"bad status", f.acct, c.ID, func(c *hub.Candidate) error { c.Status = "gone"; return nil }, hub.EInvalid, "status"},
				{"unknown candidate", f.acct, hub.NewID(hub.PrefixCand), setStatus(hub.CandHired), hub.ENotFound, ""},
				{"other account", f.other, c.ID, setStatus(hub.CandRejected), hub.ENotFound, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, _ := st.GetCandidate(ctx, f.acct, c.ID)
					_, err := st.UpdateCandidate(ctx, tc.account, tc.id, tc.apply)
					wantCode(t, err, tc.code, tc.field)
					if tc.code == hub.EInternal && !errors.Is(err, boom) {
						t.Fatalf("err %v is not apply's", err)
					}
					if evs := newEvents(t, st, f.acct, &seen); len(evs) != 0 {
						t.Fatalf("a failed update wrote %v", typesOf(evs))
					}
					if evs := eventsOf(t, st, f.other); len(evs) != 0 {
						t.Fatalf("the other account got %v", typesOf(evs))
					}
					after, _ := st.GetCandidate(ctx, f.acct, c.ID)
					a, _ := json.Marshal(before)
					b, _ := json.Marshal(after)
					if string(a) != string(b) {
						t.Fatalf("a failed update changed the candidate:\n%s\n%s", a, b)
					}
				})
			}
		})
	})
}
