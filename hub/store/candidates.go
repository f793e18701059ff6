package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

const candidateColumns = `id, account_id, job_id, first_name, last_name, full_name, email, phone, linkedin_url,
	headline, location, current_title, current_company, experience, education, skills, tags, status, source,
	resume_filename, resume_content_type, resume_size, interested_at, created_at, updated_at`

// CandidateFilter narrows ListCandidates. Zero values do not filter. Email
// is normalised (trimmed, lower-cased) before matching, as stored e-mails
// are. The time bounds are exclusive ("after"), at millisecond precision.
type CandidateFilter struct {
	JobID  string
	Status string
	Email  string
	// LinkedInURL is normalised (hub.NormalizeLinkedInURL) before
	// matching, as stored addresses are.
	LinkedInURL  string
	CreatedAfter time.Time
	UpdatedAfter time.Time
}

// CreateCandidate stores a new candidate for accountID and writes
// candidate.created in the same transaction, plus candidate.interested when
// the candidate starts out interested. The store assigns the ID and
// normalises the fields (hub.NormalizeCandidate: e-mail, LinkedIn address,
// derived full name, default status new). CreatedAt and InterestedAt are
// kept when set (seed data backdates candidates) and are now otherwise;
// UpdatedAt equals CreatedAt; a resume is never created here (PutResume).
// A job_id that is not one of the account's jobs is a validation error
// naming job_id.
func (s *Store) CreateCandidate(ctx context.Context, accountID string, c hub.Candidate) (hub.Candidate, error) {
	c.ID = hub.NewID(hub.PrefixCand)
	c.AccountID = accountID
	c.Resume = nil
	if c.CreatedAt.IsZero() {
		c.CreatedAt = hub.Now()
	}
	c.UpdatedAt = c.CreatedAt
	if err := hub.NormalizeCandidate(&c); err != nil {
		return hub.Candidate{}, err
	}
	if c.Status == hub.CandInterested && c.InterestedAt.IsZero() {
		c.InterestedAt = c.CreatedAt
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.checkJobOf(ctx, tx, accountID, c.JobID); err != nil {
			return err
		}
		cols, err := candidateValues(c)
		if err != nil {
			return err
		}
		_, err = s.execPrepared(ctx, tx, `INSERT INTO candidates (`+candidateColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, cols...)
		if err != nil {
			return fmt.Errorf("insert candidate: %w", err)
		}
		types := []string{hub.EventCandidateCreated}
		if c.Status == hub.CandInterested {
			types = append(types, hub.EventCandidateInterested)
		}
		return s.candidateEvents(ctx, tx, c, nil, types...)
	})
	if err != nil {
		return hub.Candidate{}, err
	}
	return c, nil
}

// GetCandidate returns one of an account's candidates; another account's
// candidate is not found, exactly like one that does not exist. Its
// resume, if any, has no URL: the caller signs one when it shows it.
func (s *Store) GetCandidate(ctx context.Context, accountID, id string) (hub.Candidate, error) {
	c, err := s.readOne(ctx, `SELECT `+candidateColumns+` FROM candidates WHERE account_id = ? AND id = ?`, accountID, id)
	if err != nil {
		return hub.Candidate{}, notFound(err, "candidate")
	}
	return c, nil
}

// ListCandidates returns one page of an account's candidates, newest first,
// and whether more follow. Paging is keyset on the ID (page.After), so rows
// inserted or updated while a client walks the pages are neither skipped
// nor repeated. Each filter combination is answered from an index whose
// equality columns are followed by id (see candidateListSQL), so a filtered
// page costs about what an unfiltered one does, however large the account.
// A limit outside 1..hub.MaxPageLimit is taken as the default.
func (s *Store) ListCandidates(ctx context.Context, accountID string, f CandidateFilter, page hub.Page) ([]hub.Candidate, bool, error) {
	query, args, limit, err := candidateListSQL(accountID, f, page)
	if err != nil {
		return nil, false, err
	}
	rs, err := s.readQuery(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("list candidates: %w", err)
	}
	return scanPage(rs, limit, "candidates", scanCandidate)
}

// candidateListSQL builds the list query. The equality filters (account,
// job, status, e-mail) come first and the keyset bound on id last, which is
// the column order of the candidates_account* indexes, so both databases
// walk an index backwards from the cursor and stop after limit+1 rows.
func candidateListSQL(accountID string, f CandidateFilter, page hub.Page) (string, []any, int, error) {
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
	if f.JobID != "" {
		add("job_id = ?", f.JobID)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Email != "" {
		email, err := hub.NormalizeEmail(f.Email)
		if err != nil {
			return "", nil, 0, hub.Invalid(hub.FieldError{Field: "email", Message: err.Error()})
		}
		add("email = ?", email)
	}
	if f.LinkedInURL != "" {
		u, err := hub.NormalizeLinkedInURL(f.LinkedInURL)
		if err != nil {
			return "", nil, 0, hub.Invalid(hub.FieldError{Field: "linkedin_url", Message: err.Error()})
		}
		add("linkedin_url = ?", u)
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
	query := `SELECT ` + candidateColumns + ` FROM candidates WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id DESC LIMIT ?`
	return query, args, limit, nil
}

// UpdateCandidate reads the candidate inside a transaction (locking its row
// on PostgreSQL, so concurrent updates cannot lose each other's changes),
// lets apply change it, normalises the result and writes it back with
// candidate.updated; when the status changed, also candidate.status_changed
// (carrying the previous status) and, when it became interested,
// candidate.interested. interested_at is set the first time a candidate
// becomes interested and kept afterwards. A full name apply leaves empty is
// derived from the first and last names again. When apply changes nothing,
// nothing is written and no event is sent, so repeating an update is
// harmless. apply cannot change the ID, account, timestamps or resume (see
// PutResume); an error from apply aborts the update and is returned as is.
func (s *Store) UpdateCandidate(ctx context.Context, accountID, id string, apply func(*hub.Candidate) error) (hub.Candidate, error) {
	var out hub.Candidate
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		cur, err := s.lockCandidate(ctx, tx, accountID, id)
		if err != nil {
			return err
		}
		out, err = s.changeCandidate(ctx, tx, cur, apply)
		return err
	})
	if err != nil {
		return hub.Candidate{}, err
	}
	return out, nil
}

// lockCandidate reads a candidate for a change inside tx, locking its row on
// PostgreSQL. SQLite needs no lock: its transactions take the write lock at
// BEGIN.
func (s *Store) lockCandidate(ctx context.Context, tx *sqlx.Tx, accountID, id string) (hub.Candidate, error) {
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	row := tx.QueryRowxContext(ctx, s.q(`SELECT `+candidateColumns+` FROM candidates WHERE account_id = ? AND id = ?`+lock), accountID, id)
	c, err := scanCandidate(row)
	if err != nil {
		return hub.Candidate{}, notFound(err, "candidate")
	}
	return c, nil
}

// changeCandidate applies apply to cur and, when that changed anything,
// writes the candidate and its events in tx.
func (s *Store) changeCandidate(ctx context.Context, tx *sqlx.Tx, cur hub.Candidate, apply func(*hub.Candidate) error) (hub.Candidate, error) {
	before, err := json.Marshal(cur)
	if err != nil {
		return hub.Candidate{}, fmt.Errorf("encode candidate: %w", err)
	}
	next := cur
	next.Experience = append([]hub.Position(nil), cur.Experience...)
	next.Education = append([]hub.Schooling(nil), cur.Education...)
	next.Skills = append([]string(nil), cur.Skills...)
	next.Tags = append([]string(nil), cur.Tags...)
	if err := apply(&next); err != nil {
		return hub.Candidate{}, err
	}
	next.ID, next.AccountID, next.CreatedAt, next.UpdatedAt = cur.ID, cur.AccountID, cur.CreatedAt, cur.UpdatedAt
	next.Resume, next.InterestedAt = cur.Resume, cur.InterestedAt
	if err := hub.NormalizeCandidate(&next); err != nil {
		return hub.Candidate{}, err
	}
	after, err := json.Marshal(next)
	if err != nil {
		return hub.Candidate{}, fmt.Errorf("encode candidate: %w", err)
	}
	if bytes.Equal(before, after) {
		return cur, nil
	}
	if next.JobID != nil && (cur.JobID == nil || *cur.JobID != *next.JobID) {
		if err := s.checkJobOf(ctx, tx, next.AccountID, next.JobID); err != nil {
			return hub.Candidate{}, err
		}
	}
	next.UpdatedAt = hub.Now()
	statusChanged := next.Status != cur.Status
	if statusChanged && next.Status == hub.CandInterested && next.InterestedAt.IsZero() {
		next.InterestedAt = next.UpdatedAt
	}
	cols, err := candidateValues(next)
	if err != nil {
		return hub.Candidate{}, err
	}
	// The UPDATE lists every column but the first two (id, account_id),
	// which it matches on instead.
	_, err = tx.ExecContext(ctx, s.q(`UPDATE candidates SET job_id = ?, first_name = ?, last_name = ?, full_name = ?,
		email = ?, phone = ?, linkedin_url = ?, headline = ?, location = ?, current_title = ?, current_company = ?,
		experience = ?, education = ?, skills = ?, tags = ?, status = ?, source = ?, resume_filename = ?,
		resume_content_type = ?, resume_size = ?, interested_at = ?, created_at = ?, updated_at = ?
		WHERE id = ? AND account_id = ?`), append(cols[2:], cols[0], cols[1])...)
	if err != nil {
		return hub.Candidate{}, fmt.Errorf("update candidate: %w", err)
	}
	if !statusChanged {
		return next, s.candidateEvents(ctx, tx, next, nil, hub.EventCandidateUpdated)
	}
	types := []string{hub.EventCandidateUpdated, hub.EventCandidateStatusChanged}
	if next.Status == hub.CandInterested {
		types = append(types, hub.EventCandidateInterested)
	}
	prev := cur.Status
	return next, s.candidateEvents(ctx, tx, next, &prev, types...)
}

// checkJobOf refuses a job_id that is not one of the account's jobs. It is
// a validation error on the field, not a 404: the candidate exists, the
// reference in the body is what is wrong.
func (s *Store) checkJobOf(ctx context.Context, tx *sqlx.Tx, accountID string, jobID *string) error {
	if jobID == nil {
		return nil
	}
	unknown := hub.Invalid(hub.FieldError{Field: "job_id", Message: "is not a job in this account"})
	if !hub.ValidID(hub.PrefixJob, *jobID) {
		return unknown
	}
	var one int
	err := tx.GetContext(ctx, &one, s.q(`SELECT 1 FROM jobs WHERE account_id = ? AND id = ?`), accountID, *jobID)
	if errors.Is(err, sql.ErrNoRows) {
		return unknown
	}
	if err != nil {
		return fmt.Errorf("check job: %w", err)
	}
	return nil
}

// candidateEvents writes one event per type, each carrying the candidate as
// the API shows it now (resume link included, see SetCandidateDecorator).
// previous is set on candidate.status_changed only.
func (s *Store) candidateEvents(ctx context.Context, tx *sqlx.Tx, c hub.Candidate, previous *string, types ...string) error {
	data := s.eventCandidate(c)
	job := ""
	if c.JobID != nil {
		job = *c.JobID
	}
	events := make([]hub.Event, 0, len(types))
	for _, typ := range types {
		var prev *string
		if typ == hub.EventCandidateStatusChanged {
			prev = previous
		}
		ev, err := NewEvent(c.AccountID, typ, c.ID, job, data, prev)
		if err != nil {
			return err
		}
		events = append(events, ev)
	}
	return s.insertEvents(ctx, tx, events...)
}
