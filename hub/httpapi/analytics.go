package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/visage-jobs/visage-hub/hub"
)

// AnalyticsReader is the storage the analytics routes need. It is part of
// Store; it is declared here so the analytics routes' needs are read in
// one place.
type AnalyticsReader interface {
	JobTitle(ctx context.Context, accountID, jobID string) (string, error)
	Funnel(ctx context.Context, accountID string, q hub.FunnelQuery) ([]hub.FunnelRow, error)
	Series(ctx context.Context, accountID string, q hub.SeriesQuery) ([]hub.SeriesPoint, error)
}

// analyticsRoutes lists this file's routes; see routeTable.
func (s *Server) analyticsRoutes() []Route {
	rangeParams := func(required string) []Param {
		return []Param{
			{Name: "from", Type: "string", Description: "Start of the range, inclusive: a UTC date (YYYY-MM-DD) or an RFC 3339 time." + required},
			{Name: "to", Type: "string", Description: "End of the range, exclusive: a UTC date (YYYY-MM-DD) or an RFC 3339 time; after from." + required},
			{Name: "job_id", Type: "string", Description: "Only this job."},
			{Name: "format", Type: "string", Description: "json (default) or csv; Accept: text/csv also selects CSV.", Enum: []string{"json", "csv"}},
		}
	}
	return []Route{
		{Method: "GET", Path: "/v1/analytics/funnel", Access: AnyCaller, Tag: "Analytics",
			Summary: "Sourcing funnel per job (candidates by status, interest rate, time to interest), as JSON or CSV",
			Query:   rangeParams(" Filters candidates by created_at; optional."), handler: s.funnel},
		{Method: "GET", Path: "/v1/analytics/timeseries", Access: AnyCaller, Tag: "Analytics",
			Summary: "Candidates sourced and interested per job and UTC day, zero-filled, as JSON or CSV",
			Query:   rangeParams(" Required; at most 366 days."), handler: s.timeseries},
	}
}

// analyticsQuery is the parsed query string shared by the analytics routes.
type analyticsQuery struct {
	rng   hub.Range
	jobID string
	csv   bool
}

// analyticsReport is the JSON body of an analytics route: the data and the
// range and job it covers, echoed so a stored export says what it is.
type analyticsReport[T any] struct {
	From  hub.Time `json:"from"`
	To    hub.Time `json:"to"`
	JobID *string  `json:"job_id"`
	Data  []T      `json:"data"`
}

func (s *Server) funnel(c *fiber.Ctx) error {
	q, err := s.analyticsQuery(c, false)
	if err != nil {
		return err
	}
	rows, err := s.store.Funnel(c.UserContext(), principal(c).AccountID, hub.FunnelQuery{JobID: q.jobID, Range: q.rng})
	if err != nil {
		return err
	}
	if !q.csv {
		return sendJSON(c, fiber.StatusOK, report(q, rows))
	}
	out := [][]string{{"job_id", "job_title", "total", "new", "interested", "contacted", "not_interested",
		"hired", "rejected", "reached_interest", "interested_rate", "avg_hours_to_interested", "median_hours_to_interested"}}
	for _, r := range rows {
		b := r.ByStatus
		out = append(out, []string{csvText(r.JobID), csvText(r.JobTitle), csvInt(r.Total),
			csvInt(b.New), csvInt(b.Interested), csvInt(b.Contacted), csvInt(b.NotInterested), csvInt(b.Hired), csvInt(b.Rejected),
			csvInt(r.ReachedInterest), csvFloat(r.InterestedRate, hub.RateDecimals),
			csvFloat(r.AvgHoursToInterested, hub.HoursDecimals), csvFloat(r.MedianHoursToInterested, hub.HoursDecimals)})
	}
	return sendCSV(c, "visage-funnel.csv", out)
}

func (s *Server) timeseries(c *fiber.Ctx) error {
	q, err := s.analyticsQuery(c, true)
	if err != nil {
		return err
	}
	points, err := s.store.Series(c.UserContext(), principal(c).AccountID, hub.SeriesQuery{JobID: q.jobID, Range: q.rng})
	if err != nil {
		return err
	}
	if !q.csv {
		return sendJSON(c, fiber.StatusOK, report(q, points))
	}
	out := [][]string{{"date", "job_id", "job_title", "sourced", "interested"}}
	for _, p := range points {
		out = append(out, []string{p.Date, csvText(p.JobID), csvText(p.JobTitle), csvInt(p.Sourced), csvInt(p.Interested)})
	}
	return sendCSV(c, "visage-timeseries.csv", out)
}

func report[T any](q analyticsQuery, data []T) analyticsReport[T] {
	if data == nil {
		data = []T{}
	}
	r := analyticsReport[T]{From: hub.TimeOf(q.rng.From), To: hub.TimeOf(q.rng.To), Data: data}
	if q.jobID != "" {
		r.JobID = &q.jobID
	}
	return r
}

// analyticsQuery reads format, from, to and job_id. Every malformed
// parameter is named in one 422; only then is job_id looked up, and a job
// that is not this account's is a 404, exactly like one that does not
// exist, so analytics cannot be used to probe other accounts' IDs.
func (s *Server) analyticsQuery(c *fiber.Ctx, series bool) (analyticsQuery, error) {
	var (
		q    analyticsQuery
		errs []hub.FieldError
	)
	c.Vary(fiber.HeaderAccept)
	switch f := c.Query("format"); f {
	case "":
		q.csv = c.Accepts(fiber.MIMEApplicationJSON, "text/csv") == "text/csv"
	case "json":
	case "csv":
		q.csv = true
	default:
		errs = append(errs, hub.FieldError{Field: "format", Message: "must be json or csv"})
	}
	from, fromErr := rangeBound(c, "from", series)
	to, toErr := rangeBound(c, "to", series)
	for _, fe := range []*hub.FieldError{fromErr, toErr} {
		if fe != nil {
			errs = append(errs, *fe)
		}
	}
	if fromErr == nil && toErr == nil && !from.IsZero() && !to.IsZero() {
		switch {
		case !to.After(from):
			errs = append(errs, hub.FieldError{Field: "to", Message: "must be after from"})
		case series && to.Sub(from) > hub.MaxSeriesDays*24*time.Hour:
			errs = append(errs, hub.FieldError{Field: "to", Message: fmt.Sprintf("must be at most %d days after from", hub.MaxSeriesDays)})
		}
	}
	if len(errs) > 0 {
		return q, hub.Invalid(errs...)
	}
	q.rng = hub.Range{From: from, To: to}

	if id := c.Query("job_id"); id != "" {
		missing := &hub.Error{Code: hub.ENotFound, Message: "job not found",
			Fields: []hub.FieldError{{Field: "job_id", Message: "is not a job of this account"}}}
		if !hub.ValidID(hub.PrefixJob, id) {
			return q, missing
		}
		if _, err := s.store.JobTitle(c.UserContext(), principal(c).AccountID, id); err != nil {
			if hub.ErrorCode(err) == hub.ENotFound {
				return q, missing
			}
			return q, err
		}
		q.jobID = id
	}
	return q, nil
}

// rangeBound parses one end of a range: a UTC date (midnight) or an RFC
// 3339 time, kept to the millisecond like every stored time. Day buckets
// are Unix-epoch based, so earlier times are refused.
func rangeBound(c *fiber.Ctx, name string, required bool) (time.Time, *hub.FieldError) {
	v := c.Query(name)
	if v == "" {
		if required {
			return time.Time{}, &hub.FieldError{Field: name, Message: "is required: a date (YYYY-MM-DD) or an RFC 3339 time"}
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, v)
	}
	if err != nil {
		return time.Time{}, &hub.FieldError{Field: name, Message: "must be a date (YYYY-MM-DD) or an RFC 3339 time"}
	}
	if t.Before(time.Unix(0, 0)) {
		return time.Time{}, &hub.FieldError{Field: name, Message: "must be on or after 1970-01-01"}
	}
	return hub.TimeOf(t).Time, nil
}

// sendCSV writes an RFC 4180 document (CRLF line ends, quoting by
// encoding/csv) as a download, for BI tools and spreadsheets.
func sendCSV(c *fiber.Ctx, filename string, records [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.WriteAll(records); err != nil {
		return fmt.Errorf("encode csv: %w", err)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	c.Set(fiber.HeaderContentLength, strconv.Itoa(buf.Len()))
	return c.Status(fiber.StatusOK).Send(buf.Bytes())
}

// csvText writes a nullable text cell: empty for null. A value that a
// spreadsheet would run as a formula (a job title from an ATS starting with
// =, +, -, @, tab or CR) is prefixed with a single quote, the OWASP
// mitigation for CSV injection; the JSON form keeps the value unchanged.
func csvText(v *string) string {
	if v == nil {
		return ""
	}
	if *v != "" && strings.ContainsRune("=+-@\t\r", rune((*v)[0])) {
		return "'" + *v
	}
	return *v
}

func csvInt(v int64) string { return strconv.FormatInt(v, 10) }

// csvFloat writes a nullable figure with a fixed number of decimals, empty
// for null.
func csvFloat(v *float64, decimals int) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', decimals, 64)
}
