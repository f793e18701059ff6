package loadgen

import (
	"math"
	"math/bits"
	"time"
)

// The latency histogram is log-linear, the layout HdrHistogram uses: values
// below 2*subCount nanoseconds get one bucket each, and every power-of-two
// range above that is cut into subCount equal buckets. A bucket is therefore
// never wider than 1/subCount of its lower bound, so a percentile read from
// it (the bucket's upper bound, capped at the exact maximum) is at most
// 1/128 = 0.78% above the true sample value and never below it. Recording is
// a bits.Len64, a shift and an increment, with no allocation and no lock
// (each worker owns a histogram; they are merged once at the end).
const (
	subBits  = 7
	subCount = 1 << subBits
	// maxShift bounds the tracked range to 2^(subBits+1+maxShift) ns, about
	// 73 minutes; longer samples land in the last bucket and only Max
	// keeps their exact value.
	maxShift   = 34
	numBuckets = (maxShift + 2) * subCount
)

// histogram counts latencies in nanoseconds.
type histogram struct {
	counts [numBuckets]uint64
	n      uint64
	max    uint64
}

// bucketOf maps a value to its bucket index.
func bucketOf(v uint64) int {
	if v < 2*subCount {
		return int(v)
	}
	shift := bits.Len64(v) - (subBits + 1)
	if shift > maxShift {
		return numBuckets - 1
	}
	return (shift+1)*subCount + int(v>>shift) - subCount
}

// bucketBounds returns the smallest and largest value that map to bucket b.
func bucketBounds(b int) (lo, hi uint64) {
	if b < 2*subCount {
		return uint64(b), uint64(b)
	}
	shift := b/subCount - 1
	mant := uint64(b%subCount + subCount)
	return mant << shift, (mant+1)<<shift - 1
}

// record adds one latency; negative durations count as zero.
func (h *histogram) record(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[bucketOf(v)]++
	h.n++
	h.max = max(h.max, v)
}

// merge adds o into h.
func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// percentile returns the nearest-rank q-th percentile (0 < q <= 100): the
// smallest recorded value that at least q% of samples are less than or
// equal to, to the precision described above. It is 0 with no samples.
func (h *histogram) percentile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q / 100 * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for b, c := range h.counts {
		seen += c
		if seen >= rank {
			_, hi := bucketBounds(b)
			return time.Duration(min(hi, h.max))
		}
	}
	return time.Duration(h.max)
}
