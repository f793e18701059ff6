package loadgen

import (
	"fmt"
	"testing"
	"time"
)

// String renders r on one line, in the shape wrk users expect, so a
// benchmark log can be read and diffed without tooling.
func (r Result) String() string {
	s := fmt.Sprintf("%d req in %.2fs = %.1f req/s, p50 %s p90 %s p99 %s max %s, errors %d",
		r.Requests, r.Elapsed.Seconds(), r.RPS,
		fmtLatency(r.P50), fmtLatency(r.P90), fmtLatency(r.P99), fmtLatency(r.Max), r.Errors)
	if r.FirstError != "" {
		s += " (first: " + r.FirstError + ")"
	}
	return s
}

// fmtLatency keeps about three significant digits from microseconds to
// seconds; loopback latencies are often well under a millisecond, where
// time.Duration's own String would print noise like "83.417µs".
func fmtLatency(d time.Duration) string {
	switch {
	case d < 10*time.Microsecond:
		return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}

// Report publishes r from a Go benchmark: req/s, p50_ms and p99_ms become
// custom metrics, so `go test -bench` and benchstat show and compare them,
// and the full String line is logged under name (benchmark logs are always
// printed). The built-in ns/op is left alone: it is meaningful only if the
// benchmark ties MaxRequests to b.N.
func Report(b *testing.B, name string, r Result) {
	b.Helper()
	b.ReportMetric(r.RPS, "req/s")
	b.ReportMetric(ms(r.P50), "p50_ms")
	b.ReportMetric(ms(r.P99), "p99_ms")
	b.Logf("%s: %s", name, r)
}

// ms converts to fractional milliseconds for metrics.
func ms(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}
