package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// candPage is one page of GET /v1/candidates.
type candPage struct {
	Data       []hub.Candidate `json:"data"`
	NextCursor *string         `json:"next_cursor"`
}

// candList fetches one page and checks that every item is a valid
// candidate and that the Link header agrees with next_cursor.
func (e *env) candList(cred, query string) candPage {
	e.t.Helper()
	r := e.fetch("/v1/candidates?"+query, cred).status(http.StatusOK)
	var raw struct {
		Data []map[string]any `json:"data"`
	}
	r.decode(&raw)
	for _, item := range raw.Data {
		if err := schemas.ValidateValue("candidate", item); err != nil {
			e.t.Fatalf("list item is not a valid candidate: %v", err)
		}
	}
	var p candPage
	r.decode(&p)
	link := r.h.Get("Link")
	if (p.NextCursor == nil) != (link == "") {
		e.t.Fatalf("next_cursor %v but Link %q", p.NextCursor, link)
	}
	if p.NextCursor != nil && !strings.Contains(link, "cursor="+url.QueryEscape(*p.NextCursor)) {
		e.t.Fatalf("Link %q does not carry the cursor", link)
	}
	return p
}

// candWalk follows next_cursor from the first page and returns every ID.
func (e *env) candWalk(cred, query string) []string {
	e.t.Helper()
	var ids []string
	q := query
	for range 1000 {
		p := e.candList(cred, q)
		for _, c := range p.Data {
			ids = append(ids, c.ID)
		}
		if p.NextCursor == nil {
			return ids
		}
		q = query + "&cursor=" + url.QueryEscape(*p.NextCursor)
	}
	e.t.Fatal("the walk does not end")
	return nil
}

func TestCandidateListAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("zap")
		job, job2 := e.candJob(e.acct.ID), e.candJob(e.acct.ID)
		otherAcct, otherCred := e.candOther()
		create := func(body string) hub.Candidate {
			t.Helper()
			c, _ := e.candCall("POST", "/v1/candidates", key, body, http.StatusCreated, createdTypes(body)...)
			return c
		}
		a := create(`{"full_name":"A","job_id":"` + job + `","email":"ann@example.com"}`)
		b := create(`{"full_name":"B","job_id":"` + job + `","status":"interested"}`)
		c := create(`{"full_name":"C","job_id":"` + job2 + `","status":"interested","email":"Bob@Example.com"}`)
		d := create(`{"full_name":"D"}`)
		if _, err := e.st.CreateCandidate(context.Background(), otherAcct, hub.Candidate{FullName: "X", Email: hubStr("ann@example.com")}); err != nil {
			t.Fatal(err)
		}
		ids := func(cs ...hub.Candidate) string {
			out := make([]string, len(cs))
			for i, c := range cs {
				out[i] = c.ID
			}
			return fmt.Sprint(out)
		}
		future := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		past := url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339Nano))

		for _, tc := range []struct{ name, query, want string }{
			{"all", "", ids(d, c, b, a)},
			{"job", "job_id=" + job, ids(b, a)},
			{"status", "status=interested", ids(c, b)},
			{"job and status", "job_id=" + job + "&status=interested", ids(b)},
			{"email is normalised", "email=" + url.QueryEscape("  BOB@example.COM "), ids(c)},
			{"email", "email=ann@example.com", ids(a)},
			{"created in the future", "created_after=" + future, ids()},
			{"created in the last hour", "created_after=" + past, ids(d, c, b, a)},
			{"updated after", "updated_after=" + past + "&status=new", ids(d, a)},
			{"unknown job", "job_id=" + hub.NewID(hub.PrefixJob), ids()},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, limit := range []string{"1", "3", "200"} {
					got := e.candWalk(key, tc.query+"&limit="+limit)
					if fmt.Sprint(got) != tc.want {
						t.Fatalf("limit %s: got %v, want %s", limit, got, tc.want)
					}
				}
			})
		}
		t.Run("other accounts see only theirs", func(t *testing.T) {
			p := e.candList(otherCred, "email=ann@example.com")
			if len(p.Data) != 1 || p.Data[0].ID == a.ID {
				t.Fatalf("other account sees %+v", p.Data)
			}
		})
		t.Run("bad filters", func(t *testing.T) {
			for _, tc := range []struct{ query, field string }{
				{"status=maybe", "status"},
				{"job_id=job_123", "job_id"},
				{"job_id=" + a.ID, "job_id"},
				{"email=nope", "email"},
				{"created_after=yesterday", "created_after"},
				{"updated_after=2025-13-01T00:00:00Z", "updated_after"},
				{"limit=0", "limit"},
				{"limit=201", "limit"},
				{"limit=ten", "limit"},
			} {
				t.Run(tc.query, func(t *testing.T) {
					e.fetch("/v1/candidates?"+tc.query, key).problem(http.StatusUnprocessableEntity, hub.EInvalid, tc.field)
				})
			}
		})
		t.Run("cursors are bound to their walk", func(t *testing.T) {
			p := e.candList(key, "limit=1&status=interested")
			cur := *p.NextCursor
			e.candList(key, "limit=1&status=interested&cursor="+url.QueryEscape(cur))
			for name, query := range map[string]string{
				"tampered":        "limit=1&status=interested&cursor=" + url.QueryEscape(cur[:len(cur)-2]+"xx"),
				"garbage":         "limit=1&status=interested&cursor=nope",
				"another filter":  "limit=1&status=new&cursor=" + url.QueryEscape(cur),
				"no filter":       "limit=1&cursor=" + url.QueryEscape(cur),
				"another account": "",
			} {
				t.Run(name, func(t *testing.T) {
					cred := key
					if query == "" {
						cred, query = otherCred, "limit=1&status=interested&cursor="+url.QueryEscape(cur)
					}
					e.fetch("/v1/candidates?"+query, cred).problem(http.StatusBadRequest, hub.EMalformed, "cursor")
				})
			}
		})
	})
}

// createdTypes are the events a create body causes.
func createdTypes(body string) []string {
	if strings.Contains(body, `"status":"interested"`) {
		return []string{hub.EventCandidateCreated, hub.EventCandidateInterested}
	}
	return []string{hub.EventCandidateCreated}
}

func hubStr(s string) *string { return &s }

// TestCandidatePagingUnderWrites walks the list page by page while other
// requests add and change candidates: every candidate that existed when
// the walk began is seen exactly once, and nothing is seen twice.
func TestCandidatePagingUnderWrites(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("zap")
		var existing []string
		for i := range 45 {
			var c hub.Candidate
			e.do("POST", "/v1/candidates", key, fmt.Sprintf(`{"full_name":"C%d"}`, i)).status(http.StatusCreated).decode(&c)
			existing = append(existing, c.ID)
		}
		stop := make(chan struct{})
		fail := make(chan string, 2)
		var wg sync.WaitGroup
		writer := func(do func(i int) resp, want int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if r := do(i); r.code != want {
					fail <- fmt.Sprintf("status %d: %s", r.code, r.body)
					return
				}
			}
		}
		wg.Add(2)
		go writer(func(i int) resp {
			return e.do("POST", "/v1/candidates", key, fmt.Sprintf(`{"full_name":"New %d","status":"interested"}`, i))
		}, http.StatusCreated)
		go writer(func(i int) resp {
			return e.do("PATCH", "/v1/candidates/"+existing[i%len(existing)], key,
				fmt.Sprintf(`{"status":"%s","tags":["t%d"]}`, hub.CandidateStatuses[i%len(hub.CandidateStatuses)], i))
		}, http.StatusOK)

		seen := map[string]int{}
		for _, id := range e.candWalk(key, "limit=4") {
			seen[id]++
		}
		close(stop)
		wg.Wait()
		close(fail)
		for msg := range fail {
			t.Fatal(msg)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s seen %d times", id, n)
			}
		}
		for _, id := range existing {
			if seen[id] != 1 {
				t.Errorf("%s skipped", id)
			}
		}
	})
}
