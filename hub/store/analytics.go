package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/visage-jobs/visage-hub/hub"
)

// Analytics aggregate in SQL (GROUP BY) and bring back at most a few rows
// per job and status or per job and day; candidates are never loaded one by
// one. Day buckets are created_at / 86400000, integer division on BIGINT,
// which both databases evaluate the same way.

// JobTitle returns the title of one of an account's jobs. Analytics call it
// to answer 404 for a job ID that is not this account's, rather than an
// empty report that would look like a job without activity.
func (s *Store) JobTitle(ctx context.Context, accountID, jobID string) (string, error) {
	var title string
	err := s.db.GetContext(ctx, &title, s.q(`SELECT title FROM jobs WHERE account_id = ? AND id = ?`), accountID, jobID)
	if err != nil {
		return "", notFound(err, "job")
	}
	return title, nil
}

// candidateScope builds the WHERE clause shared by the funnel queries:
// the account, candidates created in the range, and optionally one job.
func candidateScope(accountID string, q hub.FunnelQuery) (string, []any) {
	where := []string{"c.account_id = ?"}
	args := []any{accountID}
	if !q.Range.From.IsZero() {
		where = append(where, "c.created_at >= ?")
		args = append(args, q.Range.From.UnixMilli())
	}
	if !q.Range.To.IsZero() {
		where = append(where, "c.created_at < ?")
		args = append(args, q.Range.To.UnixMilli())
	}
	if q.JobID != "" {
		where = append(where, "c.job_id = ?")
		args = append(args, q.JobID)
	}
	return strings.Join(where, " AND "), args
}

// jobKey maps a nullable job ID to a map key; candidates without a job
// share the empty key.
func jobKey(id sql.NullString) string { return id.String }

// Funnel returns the sourcing funnel per job for candidates created in
// q.Range. Which jobs appear: with a range, those with at least one
// candidate created in it; without a range, every job of the account (new
// jobs show as zeros); a job named by q.JobID always. Candidates without a
// job get one row with a null job. Rows are newest job first, the
// job-less row last.
//
// The median is computed in SQL with window functions (ROW_NUMBER and
// COUNT over each job), which SQLite and PostgreSQL both run, returning at
// most two rows per job: the database sorts the interested candidates of
// each job once (O(n log n) for n interested candidates in the range) but
// nothing proportional to n crosses the wire or lands in Go memory.
func (s *Store) Funnel(ctx context.Context, accountID string, q hub.FunnelQuery) ([]hub.FunnelRow, error) {
	where, args := candidateScope(accountID, q)
	rows := map[string]*hub.FunnelRow{}
	stats := map[string]*hub.FunnelStats{}
	row := func(id sql.NullString, title sql.NullString) *hub.FunnelRow {
		k := jobKey(id)
		if r, ok := rows[k]; ok {
			if r.JobTitle == nil && title.Valid {
				r.JobTitle = &title.String
			}
			return r
		}
		r := &hub.FunnelRow{}
		if id.Valid {
			r.JobID = &id.String
			if title.Valid {
				r.JobTitle = &title.String
			}
		}
		rows[k], stats[k] = r, &hub.FunnelStats{}
		return r
	}

	var counts []struct {
		JobID   sql.NullString `db:"job_id"`
		Title   sql.NullString `db:"title"`
		Status  string         `db:"status"`
		N       int64          `db:"n"`
		Reached int64          `db:"reached"`
		WaitSum int64          `db:"wait_sum"`
	}
	err := s.db.SelectContext(ctx, &counts, s.q(`SELECT c.job_id, j.title, c.status,
			COUNT(*) AS n, COUNT(c.interested_at) AS reached,
			CAST(COALESCE(SUM(c.interested_at - c.created_at), 0) AS BIGINT) AS wait_sum
		FROM candidates c LEFT JOIN jobs j ON j.id = c.job_id AND j.account_id = c.account_id
		WHERE `+where+`
		GROUP BY c.job_id, j.title, c.status`), args...)
	if err != nil {
		return nil, fmt.Errorf("funnel counts: %w", err)
	}
	for _, c := range counts {
		r := row(c.JobID, c.Title)
		r.ByStatus.Add(c.Status, c.N)
		st := stats[jobKey(c.JobID)]
		st.Total += c.N
		st.ReachedInterest += c.Reached
		st.WaitMillisSum += c.WaitSum
	}

	var medians []struct {
		JobID sql.NullString `db:"job_id"`
		Sum   int64          `db:"mid_sum"`
		N     int64          `db:"mid_n"`
	}
	err = s.db.SelectContext(ctx, &medians, s.q(`SELECT job_id, CAST(SUM(wait) AS BIGINT) AS mid_sum, COUNT(*) AS mid_n FROM (
			SELECT c.job_id, c.interested_at - c.created_at AS wait,
				ROW_NUMBER() OVER (PARTITION BY c.job_id ORDER BY c.interested_at - c.created_at, c.id) AS rn,
				COUNT(*) OVER (PARTITION BY c.job_id) AS cnt
			FROM candidates c
			WHERE `+where+` AND c.interested_at IS NOT NULL
		) ranked
		WHERE rn = (cnt + 1) / 2 OR rn = (cnt + 2) / 2
		GROUP BY job_id`), args...)
	if err != nil {
		return nil, fmt.Errorf("funnel medians: %w", err)
	}
	for _, m := range medians {
		if st, ok := stats[jobKey(m.JobID)]; ok && m.N > 0 {
			st.MedianMillis = float64(m.Sum) / float64(m.N)
		}
	}

	if err := s.addEmptyJobs(ctx, accountID, q, row); err != nil {
		return nil, err
	}
	out := make([]hub.FunnelRow, 0, len(rows))
	for k, r := range rows {
		r.Finish(*stats[k])
		out = append(out, *r)
	}
	sortByJob(out, func(r hub.FunnelRow) *string { return r.JobID })
	return out, nil
}

// addEmptyJobs adds the zero rows the funnel promises: the requested job,
// or every job of the account when there is no range.
func (s *Store) addEmptyJobs(ctx context.Context, accountID string, q hub.FunnelQuery,
	row func(id, title sql.NullString) *hub.FunnelRow) error {
	if q.JobID == "" && (!q.Range.From.IsZero() || !q.Range.To.IsZero()) {
		return nil
	}
	query, args := `SELECT id, title FROM jobs WHERE account_id = ?`, []any{accountID}
	if q.JobID != "" {
		query, args = query+` AND id = ?`, append(args, q.JobID)
	}
	var jobs []struct {
		ID    sql.NullString `db:"id"`
		Title sql.NullString `db:"title"`
	}
	if err := s.db.SelectContext(ctx, &jobs, s.q(query), args...); err != nil {
		return fmt.Errorf("funnel jobs: %w", err)
	}
	for _, j := range jobs {
		row(j.ID, j.Title)
	}
	return nil
}

// sortByJob orders rows newest job first (IDs are time-ordered), with the
// job-less row last, so output is stable from one request to the next.
func sortByJob[T any](rows []T, id func(T) *string) {
	sort.SliceStable(rows, func(a, b int) bool {
		ia, ib := id(rows[a]), id(rows[b])
		switch {
		case ia == nil:
			return false
		case ib == nil:
			return true
		default:
			return *ia > *ib
		}
	})
}

// Series returns the daily time series of q.Range (both bounds required),
// one series per job with any activity in the range (or the job named by
// q.JobID, active or not), each zero-filled to one point per UTC day the
// range touches. Points are grouped by job (newest job first, the job-less
// series last) and ordered by date within a job. Sourced counts candidates
// by created_at; interested counts them by interested_at, whenever they
// were sourced.
func (s *Store) Series(ctx context.Context, accountID string, q hub.SeriesQuery) ([]hub.SeriesPoint, error) {
	days := q.Range.Days()
	if len(days) == 0 {
		return nil, hub.Invalid(hub.FieldError{Field: "to", Message: "must be after from"})
	}
	type series struct {
		id, title  sql.NullString
		sourced    map[int64]int64
		interested map[int64]int64
	}
	all := map[string]*series{}
	get := func(id, title sql.NullString) *series {
		k := jobKey(id)
		if sr, ok := all[k]; ok {
			return sr
		}
		sr := &series{id: id, title: title, sourced: map[int64]int64{}, interested: map[int64]int64{}}
		all[k] = sr
		return sr
	}

	for _, col := range []string{"created_at", "interested_at"} {
		args := []any{accountID, q.Range.From.UnixMilli(), q.Range.To.UnixMilli()}
		job := ""
		if q.JobID != "" {
			job, args = " AND c.job_id = ?", append(args, q.JobID)
		}
		bucket := "c." + col + " / " + fmt.Sprint(hub.DayMillis)
		var counts []struct {
			JobID sql.NullString `db:"job_id"`
			Title sql.NullString `db:"title"`
			Day   int64          `db:"day"`
			N     int64          `db:"n"`
		}
		err := s.db.SelectContext(ctx, &counts, s.q(`SELECT c.job_id, j.title, `+bucket+` AS day, COUNT(*) AS n
			FROM candidates c LEFT JOIN jobs j ON j.id = c.job_id AND j.account_id = c.account_id
			WHERE c.account_id = ? AND c.`+col+` >= ? AND c.`+col+` < ?`+job+`
			GROUP BY c.job_id, j.title, `+bucket), args...)
		if err != nil {
			return nil, fmt.Errorf("series by %s: %w", col, err)
		}
		for _, c := range counts {
			sr := get(c.JobID, c.Title)
			if col == "created_at" {
				sr.sourced[c.Day] += c.N
			} else {
				sr.interested[c.Day] += c.N
			}
		}
	}
	if q.JobID != "" && len(all) == 0 {
		title, err := s.JobTitle(ctx, accountID, q.JobID)
		if err != nil {
			return nil, err
		}
		get(sql.NullString{String: q.JobID, Valid: true}, sql.NullString{String: title, Valid: true})
	}

	list := make([]*series, 0, len(all))
	for _, sr := range all {
		list = append(list, sr)
	}
	sortByJob(list, func(sr *series) *string {
		if !sr.id.Valid {
			return nil
		}
		return &sr.id.String
	})
	out := make([]hub.SeriesPoint, 0, len(list)*len(days))
	for _, sr := range list {
		var id, title *string
		if sr.id.Valid {
			id = &sr.id.String
			if sr.title.Valid {
				title = &sr.title.String
			}
		}
		for _, d := range days {
			out = append(out, hub.SeriesPoint{Date: hub.DayDate(d), JobID: id, JobTitle: title,
				Sourced: sr.sourced[d], Interested: sr.interested[d]})
		}
	}
	return out, nil
}
