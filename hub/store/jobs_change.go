package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

// jobUpsertAttempts bounds how often UpsertJobByExternalID goes round when
// it loses the race to create a job; one retry always suffices, because the
// winner's row is committed and visible by then.
const jobUpsertAttempts = 3

// UpdateJob reads the job inside a transaction (locking its row on
// PostgreSQL, so concurrent updates cannot lose each other's changes),
// lets apply change it, and writes it back with job.updated, plus job.closed
// when the status became closed. When apply changes nothing, nothing is
// written and no event is sent: updated_at keeps its value and the call is
// safe to repeat (closing a closed job is a no-op). apply cannot change the
// ID, account or created_at; an error from apply aborts the update and is
// returned as is.
func (s *Store) UpdateJob(ctx context.Context, accountID, id string, apply func(*hub.Job) error) (hub.Job, error) {
	var out hub.Job
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		row := tx.QueryRowxContext(ctx, s.q(`SELECT `+jobColumns+` FROM jobs WHERE account_id = ? AND id = ?`+s.jobLock()), accountID, id)
		cur, err := scanJob(row)
		if err != nil {
			return notFound(err, "job")
		}
		out, err = s.changeJob(ctx, tx, cur, apply)
		return err
	})
	if err != nil {
		return hub.Job{}, err
	}
	return out, nil
}

// UpsertJobByExternalID creates or changes the account's job with the given
// external ID, so an ATS can sync jobs without keeping a mapping. A new job
// starts open, with the external ID set and everything else empty, before
// apply fills it in; it gets job.created. An existing job is changed as in
// UpdateJob (events only when something changed). apply cannot change the
// external ID. Two concurrent calls for one external ID create one job: the
// loser's insert does nothing against the unique index and it retries as an
// update of the winner's job, so apply may run twice and must only set
// fields. created reports which happened.
func (s *Store) UpsertJobByExternalID(ctx context.Context, accountID, externalID string, apply func(*hub.Job) error) (hub.Job, bool, error) {
	if externalID == "" || !jobTextOK(externalID) {
		return hub.Job{}, false, hub.Invalid(hub.FieldError{Field: "external_id", Message: "must be non-empty UTF-8 text without NUL characters"})
	}
	keep := func(j *hub.Job) error {
		if err := apply(j); err != nil {
			return err
		}
		j.ExternalID = &externalID
		return nil
	}
	var (
		out     hub.Job
		created bool
	)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for range jobUpsertAttempts {
			row := tx.QueryRowxContext(ctx, s.q(`SELECT `+jobColumns+` FROM jobs WHERE account_id = ? AND external_id = ?`+s.jobLock()),
				accountID, externalID)
			cur, err := scanJob(row)
			if err == nil {
				out, err = s.changeJob(ctx, tx, cur, keep)
				return err
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("find job by external id: %w", err)
			}
			base := newJob(accountID, hub.Job{ExternalID: &externalID})
			j := base
			if err := keep(&j); err != nil {
				return err
			}
			// apply fills in fields; what the store owns stays the store's.
			j.ID, j.AccountID, j.CreatedAt, j.UpdatedAt = base.ID, base.AccountID, base.CreatedAt, base.UpdatedAt
			if err := checkJob(j); err != nil {
				return err
			}
			inserted, err := s.insertJob(ctx, tx, j)
			if err != nil {
				return err
			}
			if inserted {
				out, created = j, true
				return s.jobEvents(ctx, tx, j, hub.EventJobCreated)
			}
			// Another request created the job since our read; its row is
			// committed, so the next read finds it and we update it.
		}
		return fmt.Errorf("upsert job %q: gave up after %d attempts", externalID, jobUpsertAttempts)
	})
	if err != nil {
		return hub.Job{}, false, err
	}
	return out, created, nil
}

// jobLock locks the row read for a change on PostgreSQL. SQLite needs no
// lock: its transactions take the write lock at BEGIN.
func (s *Store) jobLock() string {
	if s.dialect == Postgres {
		return ` FOR UPDATE`
	}
	return ``
}

// changeJob applies apply to cur and, when that changed anything, writes the
// job and its events in tx.
func (s *Store) changeJob(ctx context.Context, tx *sqlx.Tx, cur hub.Job, apply func(*hub.Job) error) (hub.Job, error) {
	before, err := json.Marshal(cur)
	if err != nil {
		return hub.Job{}, fmt.Errorf("encode job: %w", err)
	}
	next := cur
	if err := apply(&next); err != nil {
		return hub.Job{}, err
	}
	next.ID, next.AccountID, next.CreatedAt, next.UpdatedAt = cur.ID, cur.AccountID, cur.CreatedAt, cur.UpdatedAt
	after, err := json.Marshal(next)
	if err != nil {
		return hub.Job{}, fmt.Errorf("encode job: %w", err)
	}
	if bytes.Equal(before, after) {
		return cur, nil
	}
	if err := checkJob(next); err != nil {
		return hub.Job{}, err
	}
	if next.ExternalID != nil && (cur.ExternalID == nil || *cur.ExternalID != *next.ExternalID) {
		var other string
		err := tx.GetContext(ctx, &other, s.q(`SELECT id FROM jobs WHERE account_id = ? AND external_id = ?`), next.AccountID, *next.ExternalID)
		if err == nil {
			return hub.Job{}, jobConflict(*next.ExternalID, other)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return hub.Job{}, fmt.Errorf("check external id: %w", err)
		}
	}
	next.UpdatedAt = hub.Now()
	hm, err := hiringManagerColumn(next.HiringManager)
	if err != nil {
		return hub.Job{}, err
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE jobs SET external_id = ?, title = ?, title_key = ?, description = ?, department = ?,
		location = ?, workplace_type = ?, employment_type = ?, status = ?, hiring_manager = ?, updated_at = ?
		WHERE account_id = ? AND id = ?`),
		next.ExternalID, next.Title, titleKey(next.Title), next.Description, next.Department, next.Location, next.WorkplaceType,
		next.EmploymentType, next.Status, hm, next.UpdatedAt, next.AccountID, next.ID)
	if isJobUniqueViolation(err) {
		// A concurrent change took the external ID after our check.
		return hub.Job{}, jobConflict(*next.ExternalID, "")
	}
	if err != nil {
		return hub.Job{}, fmt.Errorf("update job: %w", err)
	}
	types := []string{hub.EventJobUpdated}
	if next.Status == hub.JobClosed && cur.Status != hub.JobClosed {
		types = append(types, hub.EventJobClosed)
	}
	if err := s.jobEvents(ctx, tx, next, types...); err != nil {
		return hub.Job{}, err
	}
	return next, nil
}

// externalIDTaken builds the conflict for an insert that did nothing,
// naming the job that holds the external ID.
func (s *Store) externalIDTaken(ctx context.Context, tx *sqlx.Tx, accountID, externalID string) error {
	var other string
	err := tx.GetContext(ctx, &other, s.q(`SELECT id FROM jobs WHERE account_id = ? AND external_id = ?`), accountID, externalID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("find job by external id: %w", err)
	}
	return jobConflict(externalID, other)
}

// jobConflict is the 409 for an external ID in use; holder may be unknown.
func jobConflict(externalID, holder string) error {
	msg := "is already used by another job in this account"
	if holder != "" {
		msg = "is already used by job " + holder
	}
	return &hub.Error{Code: hub.EConflict,
		Message: fmt.Sprintf("a job with external_id %q already exists; update it with PUT /v1/jobs/by-external-id/{external_id}", externalID),
		Fields:  []hub.FieldError{{Field: "external_id", Message: msg}}}
}

// isJobUniqueViolation reports whether err is a unique-index violation on
// either database (PostgreSQL SQLSTATE 23505; SQLite extended codes
// SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY), without importing driver types.
func isJobUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		return pg.SQLState() == "23505"
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		return lite.Code() == 2067 || lite.Code() == 1555
	}
	return false
}
