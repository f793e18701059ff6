package dispatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

// TestClaimBounds checks what one claim takes from a queue of several
// endpoints, with and without the per-endpoint bound the dispatcher passes
// (which reads each endpoint's queue separately on PostgreSQL): never more
// than the limit, never more of one endpoint than the bound, nothing of an
// excluded endpoint, each task complete, and nothing claimed twice.
func TestClaimBounds(t *testing.T) {
	cases := []struct {
		name        string
		perEndpoint int
		exclude     bool
		limit       int
		want        map[int]int // endpoint index -> tasks of the first claim
	}{
		{"no bound", 0, false, 5, nil},
		{"bound of two", 2, false, 5, map[int]int{0: 2, 1: 2, 2: 1}},
		{"bound with an endpoint excluded", 2, true, 10, map[int]int{1: 2, 2: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				f := newFixture(t, st)
				var eps []hub.Webhook
				index := map[string]int{}
				for i := 0; i < 3; i++ {
					w := f.endpoint("http://127.0.0.1:9/hook")
					index[w.ID] = i
					eps = append(eps, w)
				}
				for i := 0; i < 4; i++ {
					f.event(hub.EventJobCreated, "")
				}
				if n, made, err := st.FanOut(ctx, 10, time.Now().Add(-time.Second)); err != nil || n != 4 || made != 12 {
					t.Fatalf("fan out: %d %d %v", n, made, err)
				}
				req := store.ClaimRequest{Owner: "a", Now: time.Now(), Lease: time.Minute, Limit: c.limit, PerEndpoint: c.perEndpoint}
				if c.exclude {
					req.Exclude = []string{eps[0].ID}
				}
				per := map[string]int{}
				if c.perEndpoint > 0 {
					req.Take = func(ep string) bool {
						if per[ep] >= c.perEndpoint {
							return false
						}
						per[ep]++
						return true
					}
				}
				tasks, err := st.ClaimDeliveries(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				got := map[int]int{}
				for _, tk := range tasks {
					got[index[tk.Delivery.EndpointID]]++
					if tk.Body == nil || tk.Endpoint.URL != eps[0].URL || tk.Endpoint.Secret == "" || tk.Delivery.EventID == "" {
						t.Fatalf("incomplete task %+v", tk)
					}
				}
				if len(tasks) > c.limit {
					t.Fatalf("%d tasks over a limit of %d", len(tasks), c.limit)
				}
				if c.want != nil {
					total := 0
					for i, n := range c.want {
						total += n
						if i == 0 && c.exclude && got[0] > 0 {
							t.Fatalf("claimed %d deliveries of an excluded endpoint", got[0])
						}
					}
					for i, n := range got {
						if n > c.perEndpoint {
							t.Fatalf("endpoint %d: %d tasks over the bound of %d", i, n, c.perEndpoint)
						}
					}
					if len(tasks) != total {
						t.Fatalf("got %v, want %d tasks in all (%v)", got, total, c.want)
					}
				} else if len(tasks) != c.limit {
					t.Fatalf("got %d tasks, want %d", len(tasks), c.limit)
				}
				// The rest, claimed by another owner, never repeat one.
				seen := map[string]bool{}
				for _, tk := range tasks {
					seen[tk.Delivery.ID] = true
				}
				rest, err := st.ClaimDeliveries(ctx, store.ClaimRequest{Owner: "b", Now: time.Now(), Lease: time.Minute, Limit: 100, PerEndpoint: c.perEndpoint * 10})
				if err != nil {
					t.Fatal(err)
				}
				for _, tk := range rest {
					if seen[tk.Delivery.ID] {
						t.Fatalf("delivery %s claimed twice", tk.Delivery.ID)
					}
				}
				if len(tasks)+len(rest) != 12 {
					t.Fatalf("%d + %d deliveries claimed, want all 12", len(tasks), len(rest))
				}
			})
		})
	}
}
