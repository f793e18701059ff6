package bench

import (
	"testing"

	"github.com/visage-jobs/visage-hub/hub/loadgen"
	"github.com/visage-jobs/visage-hub/hub/store"
)

// BenchmarkAuth measures authenticated GET /v1/me beside unauthenticated
// /healthz in the same run, so the cost of authentication shows as a
// ratio. Goal (issue 2): /v1/me keeps at least 75% of /healthz throughput.
func BenchmarkAuth(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			h := startHub(b, d)
			const workers = 16
			bare := h.load(b, loadgen.Request{Path: "/healthz"}, workers)
			me := h.load(b, loadgen.Request{Path: "/v1/me", Header: map[string]string{"Authorization": "Bearer " + h.key}}, workers)
			loadgen.Report(b, "healthz", bare)
			loadgen.Report(b, "v1/me", me)
			ratio := me.RPS / bare.RPS
			b.ReportMetric(ratio, "me/healthz")
			b.Logf("%s: /v1/me runs at %.0f%% of /healthz throughput (authentication costs %.0f%%)", d, 100*ratio, 100*(1-ratio))
		})
	}
}
