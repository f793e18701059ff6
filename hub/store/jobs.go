package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

const jobColumns = `id, account_id, external_id, title, description, department, location,
	workplace_type, employment_type, status, hiring_manager, created_at, updated_at`

// JobFilter narrows ListJobs. Zero values do not filter. The time bounds
// are exclusive ("after"), compared at the millisecond precision the
// database keeps.
type JobFilter struct {
	Status     string
	ExternalID string
	// Title matches the whole title ignoring case (see titleKey),
	// answered from the jobs_account_title_key index.
	Title        string
	CreatedAfter time.Time
	UpdatedAfter time.Time
}

// CreateJob stores a new job for accountID and writes job.created in the
// same transaction. The store assigns the ID; an empty status becomes open;
// CreatedAt and UpdatedAt are kept when set (seed data backdates jobs) and
// are now otherwise. An external ID the account already uses is a conflict
// naming external_id, so a sync that retries a create cannot duplicate a job.
func (s *Store) CreateJob(ctx context.Context, accountID string, j hub.Job) (hub.Job, error) {
	j = newJob(accountID, j)
	if err := checkJob(j); err != nil {
		return hub.Job{}, err
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		inserted, err := s.insertJob(ctx, tx, j)
		if err != nil {
			return err
		}
		if !inserted {
			if j.ExternalID == nil {
				return fmt.Errorf("insert job %s: no row inserted", j.ID)
			}
			return s.externalIDTaken(ctx, tx, accountID, *j.ExternalID)
		}
		return s.jobEvents(ctx, tx, j, hub.EventJobCreated)
	})
	if err != nil {
		return hub.Job{}, err
	}
	return j, nil
}

// GetJob returns one of an account's jobs; another account's job is not
// found, exactly like one that does not exist.
func (s *Store) GetJob(ctx context.Context, accountID, id string) (hub.Job, error) {
	row := s.db.QueryRowxContext(ctx, s.q(`SELECT `+jobColumns+` FROM jobs WHERE account_id = ? AND id = ?`), accountID, id)
	j, err := scanJob(row)
	if err != nil {
		return hub.Job{}, notFound(err, "job")
	}
	return j, nil
}

// ListJobs returns one page of an account's jobs, newest first, and whether
// more follow. Paging is keyset on the ID (page.After), so rows inserted or
// updated while a client walks the pages are neither skipped nor repeated.
// A limit outside 1..hub.MaxPageLimit is taken as the default.
func (s *Store) ListJobs(ctx context.Context, accountID string, f JobFilter, page hub.Page) ([]hub.Job, bool, error) {
	query, args, limit, err := jobListSQL(accountID, f, page)
	if err != nil {
		return nil, false, err
	}
	rs, err := s.db.QueryxContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, false, fmt.Errorf("list jobs: %w", err)
	}
	return scanPage(rs, limit, "jobs", scanJob)
}

// jobListSQL builds the list query: the equality filters first and the
// keyset bound on id last, the column order of the jobs_account* indexes.
func jobListSQL(accountID string, f JobFilter, page hub.Page) (string, []any, int, error) {
	limit := page.Limit
	if limit < 1 || limit > hub.MaxPageLimit {
		limit = hub.DefaultPageLimit
	}
	where := []string{"account_id = ?"}
	args := []any{accountID}
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.ExternalID != "" {
		if !jobTextOK(f.ExternalID) {
			return "", nil, 0, hub.Invalid(hub.FieldError{Field: "external_id", Message: "must be UTF-8 text without NUL characters"})
		}
		add("external_id = ?", f.ExternalID)
	}
	if f.Title != "" {
		if !jobTextOK(f.Title) {
			return "", nil, 0, hub.Invalid(hub.FieldError{Field: "title", Message: "must be UTF-8 text without NUL characters"})
		}
		add("title_key = ?", titleKey(f.Title))
	}
	if !f.CreatedAfter.IsZero() {
		add("created_at > ?", hub.TimeOf(f.CreatedAfter))
	}
	if !f.UpdatedAfter.IsZero() {
		add("updated_at > ?", hub.TimeOf(f.UpdatedAfter))
	}
	if page.After != "" {
		add("id < ?", page.After)
	}
	args = append(args, limit+1)
	query := `SELECT ` + jobColumns + ` FROM jobs WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id DESC LIMIT ?`
	return query, args, limit, nil
}

// newJob fills in what the store owns on a new job: its ID and account, the
// default status and the timestamps.
func newJob(accountID string, j hub.Job) hub.Job {
	j.ID = hub.NewID(hub.PrefixJob)
	j.AccountID = accountID
	if j.Status == "" {
		j.Status = hub.JobOpen
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = hub.Now()
	}
	if j.UpdatedAt.IsZero() {
		j.UpdatedAt = j.CreatedAt
	}
	return j
}

// checkJob enforces what the table relies on whatever the caller (HTTP,
// connector actions, seed data): the HTTP layer has already checked the
// full schema, so these only fire for a programming error elsewhere.
func checkJob(j hub.Job) error {
	var fields []hub.FieldError
	if strings.TrimSpace(j.Title) == "" {
		fields = append(fields, hub.FieldError{Field: "title", Message: "is required"})
	}
	switch j.Status {
	case hub.JobOpen, hub.JobPaused, hub.JobClosed:
	default:
		fields = append(fields, hub.FieldError{Field: "status", Message: "must be one of open, paused, closed"})
	}
	if j.ExternalID != nil && *j.ExternalID == "" {
		fields = append(fields, hub.FieldError{Field: "external_id", Message: "must not be empty; send null for none"})
	}
	// PostgreSQL cannot store NUL or invalid UTF-8 in text; refusing them on
	// both databases keeps them behaving alike and turns a 500 into a 422.
	text := []jobTextField{
		{"external_id", j.ExternalID}, {"title", &j.Title}, {"description", j.Description},
		{"department", j.Department}, {"location", j.Location}, {"workplace_type", j.WorkplaceType},
		{"employment_type", j.EmploymentType}, {"status", &j.Status},
	}
	if j.HiringManager != nil {
		text = append(text, jobTextField{"hiring_manager.name", j.HiringManager.Name},
			jobTextField{"hiring_manager.email", j.HiringManager.Email})
	}
	for _, t := range text {
		if t.v != nil && !jobTextOK(*t.v) {
			fields = append(fields, hub.FieldError{Field: t.field, Message: "must be UTF-8 text without NUL characters"})
		}
	}
	if len(fields) > 0 {
		return hub.Invalid(fields...)
	}
	return nil
}

// titleKey is the form of a title that find_job compares, kept in the
// title_key column: lower-cased in Go rather than by the database, whose
// lower() folds only ASCII on SQLite (and on PostgreSQL depends on the
// cluster's locale), so "INGÉNIEUR" finds "Ingénieur" on both alike.
func titleKey(title string) string { return strings.ToLower(title) }

// jobTextOK reports whether s can be stored (or compared) as text on both
// databases.
func jobTextOK(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// jobTextField names one text value of a job for checkJob.
type jobTextField struct {
	field string
	v     *string
}

// insertJob inserts j unless its external ID is taken, and reports whether
// it did. ON CONFLICT DO NOTHING keeps a lost race from aborting the
// transaction on PostgreSQL, so the caller can go on in the same one.
func (s *Store) insertJob(ctx context.Context, tx *sqlx.Tx, j hub.Job) (bool, error) {
	hm, err := hiringManagerColumn(j.HiringManager)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO jobs (`+jobColumns+`, title_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`),
		j.ID, j.AccountID, j.ExternalID, j.Title, j.Description, j.Department, j.Location, j.WorkplaceType,
		j.EmploymentType, j.Status, hm, j.CreatedAt, j.UpdatedAt, titleKey(j.Title))
	if err != nil {
		return false, fmt.Errorf("insert job: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("insert job: %w", err)
	}
	return n == 1, nil
}

// jobEvents writes one event per type, each carrying the job as it now is.
func (s *Store) jobEvents(ctx context.Context, tx *sqlx.Tx, j hub.Job, types ...string) error {
	events := make([]hub.Event, 0, len(types))
	for _, typ := range types {
		ev, err := NewEvent(j.AccountID, typ, j.ID, j.ID, j, nil)
		if err != nil {
			return err
		}
		events = append(events, ev)
	}
	return s.insertEvents(ctx, tx, events...)
}

// hiringManagerColumn encodes the hiring manager as JSON text, NULL for none.
func hiringManagerColumn(p *hub.Person) (*string, error) {
	if p == nil {
		return nil, nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode hiring manager: %w", err)
	}
	s := string(b)
	return &s, nil
}

// scanJob reads one row selected with jobColumns.
func scanJob(row interface{ Scan(...any) error }) (hub.Job, error) {
	var (
		j  hub.Job
		hm sql.NullString
	)
	err := row.Scan(&j.ID, &j.AccountID, &j.ExternalID, &j.Title, &j.Description, &j.Department, &j.Location,
		&j.WorkplaceType, &j.EmploymentType, &j.Status, &hm, &j.CreatedAt, &j.UpdatedAt)
	if err != nil {
		return hub.Job{}, err
	}
	if hm.Valid && hm.String != "" {
		j.HiringManager = &hub.Person{}
		if err := json.Unmarshal([]byte(hm.String), j.HiringManager); err != nil {
			return hub.Job{}, fmt.Errorf("decode hiring manager of %s: %w", j.ID, err)
		}
	}
	return j, nil
}
