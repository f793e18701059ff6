package hub

import (
	"math"
	"time"
)

// DayMillis is the length of one analytics bucket. Buckets are UTC days
// numbered as created_at / DayMillis, an integer division that SQLite and
// PostgreSQL compute identically on BIGINT Unix milliseconds, so both
// databases put a row in the same bucket.
const DayMillis = 86_400_000

// MaxSeriesDays caps a time series request at a leap year: enough for a
// year-over-year chart, while bounding the rows one request returns (at
// most 367 partial or whole days per job).
const MaxSeriesDays = 366

// Decimal places of analytics figures. JSON values are rounded to them and
// CSV cells are written with exactly them, so the two formats agree and a
// BI tool never sees 0.30000000000000004.
const (
	RateDecimals  = 4
	HoursDecimals = 2
)

// Range is a half-open interval [From, To) of time. A zero bound is open,
// so one type serves the funnel (range optional) and the time series
// (range required).
type Range struct {
	From time.Time
	To   time.Time
}

// Days lists the UTC day numbers (Unix ms / DayMillis) that the range
// touches, first to last. Both bounds must be set and on or after the Unix
// epoch (day numbers of earlier times would round toward zero).
func (r Range) Days() []int64 {
	if r.From.IsZero() || r.To.IsZero() || !r.To.After(r.From) {
		return nil
	}
	first := r.From.UnixMilli() / DayMillis
	last := (r.To.UnixMilli() - 1) / DayMillis
	days := make([]int64, 0, last-first+1)
	for d := first; d <= last; d++ {
		days = append(days, d)
	}
	return days
}

// DayDate formats a day number as YYYY-MM-DD, the label BI tools read as a
// date column.
func DayDate(day int64) string {
	return time.UnixMilli(day * DayMillis).UTC().Format(time.DateOnly)
}

// FunnelQuery selects what the funnel counts: candidates created in Range
// (either bound may be open), of one job when JobID is set.
type FunnelQuery struct {
	JobID string
	Range Range
}

// StatusCounts counts candidates by their current status. The fields are
// the statuses of CandidateStatuses, fixed so CSV columns never move.
type StatusCounts struct {
	New           int64 `json:"new"`
	Interested    int64 `json:"interested"`
	Contacted     int64 `json:"contacted"`
	NotInterested int64 `json:"not_interested"`
	Hired         int64 `json:"hired"`
	Rejected      int64 `json:"rejected"`
}

// Add counts n candidates with status; an unknown status is ignored and
// reported false, so a bad row cannot shift other columns.
func (c *StatusCounts) Add(status string, n int64) bool {
	switch status {
	case CandNew:
		c.New += n
	case CandInterested:
		c.Interested += n
	case CandContacted:
		c.Contacted += n
	case CandNotInterest:
		c.NotInterested += n
	case CandHired:
		c.Hired += n
	case CandRejected:
		c.Rejected += n
	default:
		return false
	}
	return true
}

// FunnelRow is the sourcing funnel of one job. A candidate "reached
// interest" when its interested_at is set, whatever its status is now (an
// interested candidate later hired or rejected still counts), so
// InterestedRate measures sourcing quality rather than current pipeline
// state. Figures that are undefined (no candidates, nobody interested) are
// null, not zero, so averages in a BI tool are not dragged down.
type FunnelRow struct {
	JobID                   *string      `json:"job_id"`    // null for candidates without a job
	JobTitle                *string      `json:"job_title"` // null with JobID
	Total                   int64        `json:"total"`
	ByStatus                StatusCounts `json:"by_status"`
	ReachedInterest         int64        `json:"reached_interest"`
	InterestedRate          *float64     `json:"interested_rate"`
	AvgHoursToInterested    *float64     `json:"avg_hours_to_interested"`
	MedianHoursToInterested *float64     `json:"median_hours_to_interested"`
}

// FunnelStats are the raw aggregates a funnel row is computed from, so the
// arithmetic (and its rounding) lives in one place and not in SQL.
type FunnelStats struct {
	Total           int64
	ReachedInterest int64
	WaitMillisSum   int64   // Σ (interested_at − created_at) over those that reached interest
	MedianMillis    float64 // median of the same differences; ignored when ReachedInterest is 0
}

// Finish fills the computed figures of r from s.
func (r *FunnelRow) Finish(s FunnelStats) {
	r.Total = s.Total
	r.ReachedInterest = s.ReachedInterest
	r.InterestedRate, r.AvgHoursToInterested, r.MedianHoursToInterested = nil, nil, nil
	if s.Total > 0 {
		r.InterestedRate = roundedPtr(float64(s.ReachedInterest)/float64(s.Total), RateDecimals)
	}
	if s.ReachedInterest > 0 {
		avg := float64(s.WaitMillisSum) / float64(s.ReachedInterest)
		r.AvgHoursToInterested = roundedPtr(avg/hourMillis, HoursDecimals)
		r.MedianHoursToInterested = roundedPtr(s.MedianMillis/hourMillis, HoursDecimals)
	}
}

// SeriesQuery selects a daily time series: Range is required (both bounds),
// JobID narrows it to one job.
type SeriesQuery struct {
	JobID string
	Range Range
}

// SeriesPoint is one day of one job's activity: candidates sourced
// (created) that day and candidates who became interested that day (by
// interested_at, whenever they were sourced). The series of a job has a
// point for every day of the range, zeros included, so charts need no gap
// filling.
type SeriesPoint struct {
	Date       string  `json:"date"`      // UTC day, YYYY-MM-DD
	JobID      *string `json:"job_id"`    // null for candidates without a job
	JobTitle   *string `json:"job_title"` // null with JobID
	Sourced    int64   `json:"sourced"`
	Interested int64   `json:"interested"`
}

const hourMillis = float64(time.Hour / time.Millisecond)

// Round rounds v half away from zero to the given decimal places.
func Round(v float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(v*p) / p
}

func roundedPtr(v float64, decimals int) *float64 {
	r := Round(v, decimals)
	return &r
}
