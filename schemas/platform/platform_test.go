package platform

import (
	"fmt"
	"testing"
)

// recorder stands in for a test to see how need ends it.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recorder) Skipf(format string, args ...any)  { r.skip = fmt.Sprintf(format, args...) }

func TestNeedFailsInCIAndSkipsElsewhere(t *testing.T) {
	tests := []struct {
		name, ci, missing   string
		wantFatal, wantSkip bool
	}{
		{"tool present", "true", "", false, false},
		{"missing in CI", "true", "node is not installed", true, false},
		{"missing locally", "", "node is not installed", false, true},
		{"CI not exactly true", "1", "node is not installed", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			r := &recorder{TB: t}
			need(r, tc.missing)
			if (r.fatal != "") != tc.wantFatal || (r.skip != "") != tc.wantSkip {
				t.Errorf("fatal %q, skip %q; want fatal %v, skip %v", r.fatal, r.skip, tc.wantFatal, tc.wantSkip)
			}
		})
	}
}
