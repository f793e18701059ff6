package dispatch

import (
	"testing"
	"time"
)

// TestReadAhead checks the read-ahead rule: eight rounds only for an
// endpoint whose last attempt succeeded quickly and only while less than
// half of the slots are taken; two rounds otherwise.
func TestReadAhead(t *testing.T) {
	cases := []struct {
		name  string
		last  *time.Duration // the endpoint's last successful attempt; nil: none or a failure
		inUse int
		want  int
	}{
		{"new endpoint", nil, 0, 8},
		{"quick endpoint", dur(20 * time.Millisecond), 0, 32},
		{"quick endpoint, half the slots taken", dur(20 * time.Millisecond), 32, 8},
		{"slow endpoint", dur(2 * time.Second), 0, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := New(nil, Options{MaxInFlight: 64, PerEndpoint: 4})
			if c.last != nil {
				d.noteSpeed("ep", true, *c.last)
			}
			d.inUse = c.inUse
			if got := d.readAhead("ep"); got != c.want {
				t.Fatalf("readAhead = %d, want %d", got, c.want)
			}
		})
	}
	t.Run("a failure ends the read-ahead", func(t *testing.T) {
		d := New(nil, Options{MaxInFlight: 64, PerEndpoint: 4})
		d.noteSpeed("ep", true, time.Millisecond)
		d.noteSpeed("ep", false, time.Millisecond)
		if got := d.readAhead("ep"); got != 8 {
			t.Fatalf("readAhead after a failure = %d, want 8", got)
		}
	})
	t.Run("reserve stops at the read-ahead", func(t *testing.T) {
		d := New(nil, Options{MaxInFlight: 64, PerEndpoint: 4})
		n := 0
		for d.reserve("ep") {
			n++
		}
		if n != 8 {
			t.Fatalf("reserved %d for a new endpoint, want 8", n)
		}
	})
}

func dur(d time.Duration) *time.Duration { return &d }
