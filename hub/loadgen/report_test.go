package loadgen

import (
	"testing"
	"time"
)

func TestResultString(t *testing.T) {
	tests := []struct {
		name string
		r    Result
		want string
	}{
		{
			name: "typical",
			r: Result{Requests: 12345, Elapsed: 5 * time.Second, RPS: 2469, P50: 1200 * time.Microsecond,
				P90: 2 * time.Millisecond, P99: 4100 * time.Microsecond, Max: 9300 * time.Microsecond},
			want: "12345 req in 5.00s = 2469.0 req/s, p50 1.20ms p90 2.00ms p99 4.10ms max 9.30ms, errors 0",
		},
		{
			name: "sub-millisecond and errors",
			r: Result{Requests: 10, Errors: 2, Elapsed: 250 * time.Millisecond, RPS: 40, P50: 83417 * time.Nanosecond,
				P90: 9500 * time.Nanosecond, P99: 12500 * time.Microsecond, Max: 1500 * time.Millisecond, FirstError: "unexpected status 500 from GET /"},
			want: "10 req in 0.25s = 40.0 req/s, p50 83µs p90 9.5µs p99 12.5ms max 1.50s, errors 2 (first: unexpected status 500 from GET /)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.String(); got != tt.want {
				t.Errorf("String() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestReport(t *testing.T) {
	r := Result{Requests: 100, Elapsed: time.Second, RPS: 100, P50: 1500 * time.Microsecond, P99: 4 * time.Millisecond}
	res := testing.Benchmark(func(b *testing.B) { Report(b, "hub", r) })
	want := map[string]float64{"req/s": 100, "p50_ms": 1.5, "p99_ms": 4}
	for unit, v := range want {
		if got, ok := res.Extra[unit]; !ok || got != v {
			t.Errorf("metric %s = %v (present %v), want %v", unit, got, ok, v)
		}
	}
}
