package loadgen

import (
	"context"
	"testing"
	"time"
)

// BenchmarkLoopback measures the generator against a trivial fasthttp server,
// which is the ceiling any hub benchmark on this machine can reach, and shows
// the Report output shape.
func BenchmarkLoopback(b *testing.B) {
	target, _ := fastServer(b)
	r, err := Run(context.Background(), Config{Target: target, Concurrency: 4, Duration: time.Second, Warmup: 200 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	Report(b, "loopback", r)
}
