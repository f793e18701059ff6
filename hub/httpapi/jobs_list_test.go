package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/schemas"
)

// jobPage is one page of GET /v1/jobs.
type jobPage struct {
	Data       []hub.Job `json:"data"`
	NextCursor *string   `json:"next_cursor"`
}

// jobList fetches one page and checks every item against the job schema.
func (e *env) jobList(cred, query string) (jobPage, resp) {
	e.t.Helper()
	r := e.do("GET", "/v1/jobs?"+query, cred, "").status(http.StatusOK)
	var p jobPage
	r.decode(&p)
	for _, j := range p.Data {
		if err := schemas.ValidateValue("job", j); err != nil {
			e.t.Fatalf("list item is not a valid job: %v", err)
		}
	}
	return p, r
}

func TestJobListFilters(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		key, _ := e.key("bi")
		// Backdated a minute apart through the store, so time filters have
		// clear edges; the HTTP layer is what is under test here.
		base := time.Now().Add(-time.Hour).UTC()
		var jobs []hub.Job
		for i := range 6 {
			status := []string{hub.JobOpen, hub.JobPaused, hub.JobClosed}[i%3]
			j, err := e.st.CreateJob(ctx, e.acct.ID, hub.Job{
				Title: fmt.Sprintf("Job %d", i), Status: status, ExternalID: jobStr(fmt.Sprintf("X-%d", i)),
				CreatedAt: hub.TimeOf(base.Add(time.Duration(i) * time.Minute)),
			})
			if err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, j)
		}
		touched, _ := e.jobCall("PATCH", "/v1/jobs/"+jobs[1].ID, key, `{"department":"Sales"}`, http.StatusOK, hub.EventJobUpdated)
		ids := func(p jobPage) string {
			var out []string
			for _, j := range p.Data {
				out = append(out, j.ID)
			}
			return strings.Join(out, ",")
		}
		at := func(i int) string { return url.QueryEscape(jobs[i].CreatedAt.Format(time.RFC3339Nano)) }
		cases := []struct{ name, query, want string }{
			{"all newest first", "", strings.Join([]string{jobs[5].ID, jobs[4].ID, jobs[3].ID, jobs[2].ID, jobs[1].ID, jobs[0].ID}, ",")},
			{"status", "status=paused", jobs[4].ID + "," + jobs[1].ID},
			{"external id", "external_id=X-3", jobs[3].ID},
			{"unknown external id", "external_id=none", ""},
			{"created after", "created_after=" + at(3), jobs[5].ID + "," + jobs[4].ID},
			{"created after with an offset", "created_after=" + url.QueryEscape(jobs[3].CreatedAt.In(time.FixedZone("X", 7200)).Format(time.RFC3339Nano)), jobs[5].ID + "," + jobs[4].ID},
			{"updated after", "updated_after=" + at(5), touched.ID},
			{"filters combine", "status=closed&created_after=" + at(2), jobs[5].ID},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p, _ := e.jobList(key, c.query)
				if got := ids(p); got != c.want || p.NextCursor != nil {
					t.Fatalf("got %s (next %v), want %s", got, p.NextCursor, c.want)
				}
			})
		}
		bad := []struct{ name, query, field string }{
			{"unknown status", "status=archived", "status"},
			{"bad created_after", "created_after=yesterday", "created_after"},
			{"date without time", "updated_after=2025-03-01", "updated_after"},
			{"NUL in external_id", "external_id=A%00B", "external_id"},
			{"limit zero", "limit=0", "limit"},
			{"limit too large", "limit=201", "limit"},
			{"limit not a number", "limit=ten", "limit"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				e.do("GET", "/v1/jobs?"+c.query, key, "").problem(http.StatusUnprocessableEntity, hub.EInvalid, c.field)
			})
		}
	})
}

func jobStr(s string) *string { return &s }

func TestJobCursors(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("sync")
		for i := range 5 {
			e.jobCall("POST", "/v1/jobs", key, fmt.Sprintf(`{"title":"Job %d","status":"open"}`, i), http.StatusCreated, hub.EventJobCreated)
		}
		first, r := e.jobList(key, "limit=2&status=open")
		if first.NextCursor == nil || len(first.Data) != 2 {
			t.Fatalf("first page %s", r.body)
		}
		cur := url.QueryEscape(*first.NextCursor)
		t.Run("link header continues the walk", func(t *testing.T) {
			link := r.h.Get("Link")
			start, end := strings.Index(link, "<"), strings.Index(link, ">")
			if start < 0 || end < start || !strings.HasSuffix(link, `rel="next"`) {
				t.Fatalf("Link %q", link)
			}
			u, err := url.Parse(link[start+1 : end])
			if err != nil {
				t.Fatal(err)
			}
			next, _ := e.jobList(key, u.RawQuery)
			if len(next.Data) != 2 || next.Data[0].ID >= first.Data[1].ID {
				t.Fatalf("next page %+v", next.Data)
			}
		})
		t.Run("same filters spelled differently keep the cursor", func(t *testing.T) {
			e.jobList(key, "status=open&limit=3&cursor="+cur)
		})
		otherAcct, err := e.st.CreateAccount(context.Background(), "Globex")
		if err != nil {
			t.Fatal(err)
		}
		theirs := e.tokenFor(otherAcct.ID, hub.RoleAdmin)
		tampered := []byte(*first.NextCursor)
		tampered[0] ^= 1
		bad := []struct{ name, cred, query string }{
			{"tampered", key, "status=open&cursor=" + url.QueryEscape(string(tampered))},
			{"garbage", key, "status=open&cursor=abc"},
			{"from another account", theirs, "status=open&cursor=" + cur},
			{"with another status", key, "status=paused&cursor=" + cur},
			{"without the filter", key, "cursor=" + cur},
			{"with an extra filter", key, "status=open&external_id=x&cursor=" + cur},
			{"with a time filter added", key, "status=open&created_after=2020-01-01T00:00:00Z&cursor=" + cur},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				e.do("GET", "/v1/jobs?"+c.query, c.cred, "").problem(http.StatusBadRequest, hub.EMalformed, "cursor")
			})
		}
	})
}

// TestJobPagingUnderWrites walks every page while another goroutine keeps
// inserting and updating jobs: keyset paging on IDs must show each job that
// existed before the walk exactly once.
func TestJobPagingUnderWrites(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		key, _ := e.key("walker")
		var before []string
		for i := range 40 {
			j, err := e.st.CreateJob(ctx, e.acct.ID, hub.Job{Title: fmt.Sprintf("Existing %d", i)})
			if err != nil {
				t.Fatal(err)
			}
			before = append(before, j.ID)
		}
		stop := make(chan struct{})
		wrote := make(chan struct{})
		errs := make(chan error, 1)
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; ; i++ {
				_, err := e.st.CreateJob(ctx, e.acct.ID, hub.Job{Title: fmt.Sprintf("New %d", i)})
				if err == nil {
					_, err = e.st.UpdateJob(ctx, e.acct.ID, before[i%len(before)], func(j *hub.Job) error {
						j.Title = fmt.Sprintf("Changed %d", i)
						return nil
					})
				}
				if err != nil {
					errs <- err
					return
				}
				select {
				case wrote <- struct{}{}:
				case <-stop:
					return
				}
			}
		})
		seen := map[string]int{}
		query, pages := "limit=7", 0
		for {
			<-wrote // at least one insert and one update between pages
			p, _ := e.jobList(key, query)
			pages++
			for _, j := range p.Data {
				seen[j.ID]++
			}
			if p.NextCursor == nil {
				break
			}
			query = "limit=7&cursor=" + url.QueryEscape(*p.NextCursor)
		}
		close(stop)
		wg.Wait()
		select {
		case err := <-errs:
			t.Fatal(err)
		default:
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("job %s seen %d times", id, n)
			}
		}
		for _, id := range before {
			if seen[id] != 1 {
				t.Fatalf("job %s seen %d times, want once", id, seen[id])
			}
		}
		if pages < 6 {
			t.Fatalf("walked %d pages; the test needs several", pages)
		}
	})
}

// TestConcurrentJobUpserts sends the same PUT from many clients at once: one
// creates the job, the rest update (or leave) it.
func TestConcurrentJobUpserts(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		key, _ := e.key("ats")
		const n = 12
		codes := make(chan int, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				req := httptest.NewRequest("PUT", "/v1/jobs/by-external-id/SAME-1", strings.NewReader(`{"title":"Raced"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+key)
				<-start
				res, err := e.srv.App().Test(req, 30_000)
				if err != nil {
					codes <- 0
					return
				}
				res.Body.Close()
				codes <- res.StatusCode
			})
		}
		close(start)
		wg.Wait()
		close(codes)
		count := map[int]int{}
		for c := range codes {
			count[c]++
		}
		if count[http.StatusCreated] != 1 || count[http.StatusOK] != n-1 {
			t.Fatalf("status counts %v, want one 201 and %d 200", count, n-1)
		}
		p, _ := e.jobList(key, "external_id=SAME-1")
		all, _ := e.jobList(key, "")
		if len(p.Data) != 1 || len(all.Data) != 1 {
			t.Fatalf("%d jobs with the external id, %d in all", len(p.Data), len(all.Data))
		}
		created := 0
		for _, ev := range e.jobOutbox() {
			if ev.Type == hub.EventJobCreated {
				created++
			}
		}
		if created != 1 {
			t.Fatalf("%d job.created events", created)
		}
	})
}
