package loadgen

import (
	"math"
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi uint64 // values swept, in steps of step
		step   uint64
	}{
		{name: "exact region", lo: 0, hi: 2 * subCount, step: 1},
		{name: "first log range", lo: 2 * subCount, hi: 8 * subCount, step: 1},
		{name: "microseconds", lo: 1_000, hi: 1_000_000, step: 997},
		{name: "milliseconds to seconds", lo: 1_000_000, hi: 10_000_000_000, step: 9_999_991},
		{name: "near the top", lo: 1 << 41, hi: 1<<42 - 1, step: 1 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := -1
			for v := tt.lo; v <= tt.hi; v += tt.step {
				b := bucketOf(v)
				lo, hi := bucketBounds(b)
				if v < lo || v > hi {
					t.Fatalf("value %d in bucket %d [%d, %d]", v, b, lo, hi)
				}
				if width := hi - lo; float64(width) > float64(lo)/subCount {
					t.Fatalf("bucket %d [%d, %d] wider than 1/%d of its start", b, lo, hi, subCount)
				}
				if b < prev {
					t.Fatalf("bucketOf not monotonic at %d", v)
				}
				prev = b
			}
		})
	}
	if b := bucketOf(math.MaxUint64); b != numBuckets-1 {
		t.Errorf("overflow bucket = %d, want %d", b, numBuckets-1)
	}
}

func TestPercentile(t *testing.T) {
	seq := func(n int, unit time.Duration) []time.Duration {
		s := make([]time.Duration, n)
		for i := range s {
			s[i] = time.Duration(i+1) * unit
		}
		return s
	}
	tests := []struct {
		name    string
		samples []time.Duration
		q       float64
		want    time.Duration
		tol     float64 // allowed relative excess over want
	}{
		{name: "empty", samples: nil, q: 99, want: 0},
		{name: "single sample", samples: []time.Duration{3 * time.Millisecond}, q: 50, want: 3 * time.Millisecond},
		{name: "exact ns p50", samples: seq(100, 1), q: 50, want: 50},
		{name: "exact ns p90", samples: seq(100, 1), q: 90, want: 90},
		{name: "exact ns p99", samples: seq(100, 1), q: 99, want: 99},
		{name: "exact ns p100", samples: seq(100, 1), q: 100, want: 100},
		{name: "nearest rank rounds up", samples: seq(10, 1), q: 95, want: 10},
		{name: "µs p50", samples: seq(1000, time.Microsecond), q: 50, want: 500 * time.Microsecond, tol: 1.0 / subCount},
		{name: "µs p99", samples: seq(1000, time.Microsecond), q: 99, want: 990 * time.Microsecond, tol: 1.0 / subCount},
		{name: "ms p90", samples: seq(10000, time.Millisecond/10), q: 90, want: 900 * time.Millisecond, tol: 1.0 / subCount},
		{
			name:    "outlier only at max",
			samples: append(seq(99, time.Millisecond/100), 2*time.Second),
			q:       99, want: 990 * time.Microsecond, tol: 1.0 / subCount,
		},
		{
			name:    "capped at exact max",
			samples: []time.Duration{1234567 * time.Nanosecond},
			q:       99, want: 1234567 * time.Nanosecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h histogram
			for _, s := range tt.samples {
				h.record(s)
			}
			got := h.percentile(tt.q)
			limit := time.Duration(float64(tt.want) * (1 + tt.tol))
			if got < tt.want || got > limit {
				t.Errorf("p%v = %v, want %v..%v", tt.q, got, tt.want, limit)
			}
		})
	}
}

func TestHistogramMerge(t *testing.T) {
	var a, b, all histogram
	for i := 1; i <= 1000; i++ {
		d := time.Duration(i) * 7 * time.Microsecond
		all.record(d)
		if i%3 == 0 {
			a.record(d)
		} else {
			b.record(d)
		}
	}
	a.merge(&b)
	for _, q := range []float64{50, 90, 99, 100} {
		if got, want := a.percentile(q), all.percentile(q); got != want {
			t.Errorf("merged p%v = %v, single histogram %v", q, got, want)
		}
	}
	if a.n != 1000 || a.max != all.max {
		t.Errorf("merged n %d max %d, want 1000 %d", a.n, a.max, all.max)
	}
}
