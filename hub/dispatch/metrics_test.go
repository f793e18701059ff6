package dispatch_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/dispatch"
	"github.com/visage-jobs/visage-hub/hub/store"
	"github.com/visage-jobs/visage-hub/hub/store/storetest"
)

func TestMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ok := newReceiver(t, nil)
		gone := newReceiver(t, func(w http.ResponseWriter, n int) { w.WriteHeader(http.StatusGone) })
		okEP, goneEP := f.endpoint(ok.url()), f.endpoint(gone.url())
		reg := prometheus.NewRegistry()
		d := run(t, st, dispatch.Options{Policy: loopback(t), Registerer: reg})
		ev := f.event(hub.EventJobCreated, "")
		d.Notify()
		f.finalDelivery(ev.ID, okEP.ID, 5*time.Second)
		f.finalDelivery(ev.ID, goneEP.ID, 5*time.Second)
		waitMetric(t, reg, "visage_webhook_attempts_total", 2)
		d.RefreshMetrics(context.Background())
		for name, want := range map[string]float64{
			"visage_webhook_endpoints_disabled":            1,
			"visage_webhook_endpoints_auto_disabled_total": 1,
			"visage_webhook_queue_depth":                   0,
			"visage_webhook_oldest_pending_seconds":        0,
			"visage_webhook_deliveries_created_total":      2,
		} {
			mfs, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, mf := range mfs {
				if mf.GetName() != name {
					continue
				}
				found = true
				m := mf.GetMetric()[0]
				got := m.GetGauge().GetValue() + m.GetCounter().GetValue()
				if got != want {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
			}
			if !found {
				t.Errorf("%s not exposed", name)
			}
		}
		mfs, _ := reg.Gather()
		for _, mf := range mfs {
			if mf.GetName() == "visage_webhook_attempt_duration_seconds" && mf.GetMetric()[0].GetHistogram().GetSampleCount() != 2 {
				t.Errorf("latency histogram has %d samples, want 2", mf.GetMetric()[0].GetHistogram().GetSampleCount())
			}
		}
	})
}

// waitMetric waits until the sum of a counter's series reaches want: the
// counters are updated just after the attempts are written.
func waitMetric(t *testing.T, reg *prometheus.Registry, name string, want float64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mfs, _ := reg.Gather()
		sum := 0.0
		for _, mf := range mfs {
			if mf.GetName() == name {
				for _, m := range mf.GetMetric() {
					sum += m.GetCounter().GetValue()
				}
			}
		}
		if sum >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want %v", name, sum, want)
		}
		time.Sleep(2 * time.Millisecond) // polling the registry
	}
}
