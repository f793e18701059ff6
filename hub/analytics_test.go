package hub

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestRangeDays(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name     string
		from, to string
		want     []string
	}{
		{"one whole day", "2025-03-10T00:00:00Z", "2025-03-11T00:00:00Z", []string{"2025-03-10"}},
		{"ends a millisecond into the next day", "2025-03-10T00:00:00Z", "2025-03-11T00:00:00.001Z", []string{"2025-03-10", "2025-03-11"}},
		{"partial days at both ends", "2025-03-10T12:00:00Z", "2025-03-12T06:00:00Z", []string{"2025-03-10", "2025-03-11", "2025-03-12"}},
		{"offsets are UTC days", "2025-03-10T00:00:00+02:00", "2025-03-10T12:00:00+02:00", []string{"2025-03-09", "2025-03-10"}},
		{"leap day", "2024-02-28T00:00:00Z", "2024-03-01T00:00:00Z", []string{"2024-02-28", "2024-02-29"}},
		{"empty", "2025-03-10T00:00:00Z", "2025-03-10T00:00:00Z", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, day := range (Range{From: d(tc.from), To: d(tc.to)}).Days() {
				got = append(got, DayDate(day))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	if days := (Range{From: d("2025-03-10T00:00:00Z")}).Days(); days != nil {
		t.Fatalf("open range has days %v", days)
	}
}

func TestFunnelRowFinish(t *testing.T) {
	hour := int64(time.Hour / time.Millisecond)
	cases := []struct {
		name string
		in   FunnelStats
		want string
	}{
		{"nobody", FunnelStats{}, `{"rate":null,"avg":null,"median":null}`},
		{"nobody interested", FunnelStats{Total: 3}, `{"rate":0,"avg":null,"median":null}`},
		// 2 of 3 = 0.666…; waits 1h and 2h: average 1.5h; median given as 1.5h.
		{"rounded", FunnelStats{Total: 3, ReachedInterest: 2, WaitMillisSum: 3 * hour, MedianMillis: 1.5 * float64(hour)},
			`{"rate":0.6667,"avg":1.5,"median":1.5}`},
		// 1 of 8 = 0.125 exactly; a 20-minute wait is 0.333…h → 0.33.
		{"exact rate, rounded hours", FunnelStats{Total: 8, ReachedInterest: 1, WaitMillisSum: hour / 3, MedianMillis: float64(hour / 3)},
			`{"rate":0.125,"avg":0.33,"median":0.33}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r FunnelRow
			r.Finish(tc.in)
			b, _ := json.Marshal(struct {
				Rate   *float64 `json:"rate"`
				Avg    *float64 `json:"avg"`
				Median *float64 `json:"median"`
			}{r.InterestedRate, r.AvgHoursToInterested, r.MedianHoursToInterested})
			if string(b) != tc.want || r.Total != tc.in.Total || r.ReachedInterest != tc.in.ReachedInterest {
				t.Fatalf("got %s (%d/%d), want %s", b, r.ReachedInterest, r.Total, tc.want)
			}
		})
	}
}

func TestStatusCountsAdd(t *testing.T) {
	var c StatusCounts
	for i, s := range CandidateStatuses {
		if !c.Add(s, int64(i+1)) {
			t.Fatalf("%s refused", s)
		}
	}
	if c.Add("archived", 100) {
		t.Fatal("unknown status accepted")
	}
	want := StatusCounts{New: 1, Interested: 2, Contacted: 3, NotInterested: 4, Hired: 5, Rejected: 6}
	if c != want {
		t.Fatalf("got %+v", c)
	}
}
