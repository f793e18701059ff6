package actions

import (
	"slices"
	"testing"
)

func TestUnionTags(t *testing.T) {
	for _, tc := range []struct {
		name            string
		have, add, want []string
	}{
		{"new tags follow in order", []string{"a", "b"}, []string{"c", "d"}, []string{"a", "b", "c", "d"}},
		{"tags already there are kept once", []string{"a", "b"}, []string{"b", "c", "a"}, []string{"a", "b", "c"}},
		{"repeats in the input count once", nil, []string{"x", "x", "y"}, []string{"x", "y"}},
		{"case matters", []string{"VIP"}, []string{"vip"}, []string{"VIP", "vip"}},
		{"nothing to add", []string{"a"}, []string{"a"}, []string{"a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := unionTags(tc.have, tc.add); !slices.Equal(got, tc.want) {
				t.Fatalf("unionTags(%v, %v) = %v, want %v", tc.have, tc.add, got, tc.want)
			}
		})
	}
}
