package hub

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// TimeFormat is the one timestamp layout of the API: RFC 3339 in UTC with
// milliseconds, so every client parses the same shape and sorting strings
// sorts times.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// Now returns the current time truncated to milliseconds in UTC, the
// precision every stored timestamp has, so a value read back equals the
// value written on both databases.
func Now() Time { return Time{time.Now().UTC().Truncate(time.Millisecond)} }

// Time is a timestamp that marshals in TimeFormat.
type Time struct{ time.Time }

// MarshalJSON writes the time in TimeFormat, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(TimeFormat) + `"`), nil
}

// UnmarshalJSON reads any RFC 3339 time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	v, err := time.Parse(`"`+time.RFC3339Nano+`"`, string(b))
	if err != nil {
		return err
	}
	t.Time = v.UTC()
	return nil
}

// TimeOf wraps t, truncated to milliseconds in UTC.
func TimeOf(t time.Time) Time {
	if t.IsZero() {
		return Time{}
	}
	return Time{t.UTC().Truncate(time.Millisecond)}
}

// Value stores the time as Unix milliseconds (NULL for the zero time). Both
// databases keep timestamps as BIGINT, so comparisons, indexes and daily
// buckets behave identically on SQLite and PostgreSQL.
func (t Time) Value() (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	return t.UnixMilli(), nil
}

// Scan reads Unix milliseconds (or NULL) written by Value.
func (t *Time) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
	case int64:
		t.Time = time.UnixMilli(v).UTC()
	case float64:
		t.Time = time.UnixMilli(int64(v)).UTC()
	default:
		return fmt.Errorf("hub.Time: cannot scan %T", src)
	}
	return nil
}
