package dispatch

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/visage-jobs/visage-hub/hub/store"
)

// metrics are what an operator watches: outcomes, latency, the backlog and
// how old its oldest delivery is, and endpoints switched off.
type metrics struct {
	deliveries    *prometheus.CounterVec
	latency       prometheus.Histogram
	fannedOut     prometheus.Counter
	depth         prometheus.Gauge
	oldest        prometheus.Gauge
	disabled      prometheus.Counter
	disabledGauge prometheus.Gauge
}

// newMetrics registers the dispatcher's metrics, and, read from st, the
// wake-ups its process sent other processes' dispatchers: a failing NOTIFY
// shows only as deliveries waiting for the next tick.
func newMetrics(reg prometheus.Registerer, st *store.Store) *metrics {
	m := &metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "visage_webhook_attempts_total",
			Help: "Delivery attempts by the delivery's outcome: succeeded, retrying (failed, will retry) or failed (no retry left).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "visage_webhook_attempt_duration_seconds",
			Help:    "Time from sending a delivery attempt to its response (or failure).",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15},
		}),
		fannedOut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "visage_webhook_deliveries_created_total", Help: "Deliveries created by fanning events out to endpoints.",
		}),
		depth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "visage_webhook_queue_depth", Help: "Deliveries waiting for an attempt (pending or retrying).",
		}),
		oldest: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "visage_webhook_oldest_pending_seconds", Help: "Age of the oldest delivery still waiting for an attempt.",
		}),
		disabled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "visage_webhook_endpoints_auto_disabled_total", Help: "Endpoints disabled by the dispatcher (410 Gone or failing for too long).",
		}),
		disabledGauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "visage_webhook_endpoints_disabled", Help: "Endpoints currently disabled.",
		}),
	}
	reg.MustRegister(m.deliveries, m.latency, m.fannedOut, m.depth, m.oldest, m.disabled, m.disabledGauge)
	if st != nil {
		reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "visage_webhook_wakeups_sent_total",
				Help: "NOTIFYs this process sent after its commits to wake the dispatchers of other processes (PostgreSQL, when no dispatcher runs in this process).",
			}, func() float64 { sent, _ := st.NotifyStats(); return float64(sent) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "visage_webhook_wakeups_failed_total",
				Help: "NOTIFYs that failed; the other processes' dispatchers then find the work at their next tick.",
			}, func() float64 { _, failed := st.NotifyStats(); return float64(failed) }),
		)
	}
	return m
}
