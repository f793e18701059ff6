package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
)

// storedTypes are the content types a resume row may carry: the media types
// of the formats resume.Detect accepts, without parameters, as the
// candidate schema lists them.
var storedTypes = map[string]bool{
	"application/pdf":    true,
	"application/msword": true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": true,
	"application/rtf": true,
	"text/plain":      true,
}

// PutResume stores r as the resume of one of the account's candidates,
// replacing any previous one, and returns the candidate. In one
// transaction it writes the file (bytes included, so every hub process
// sharing the database can serve it), the candidate's resume fields and
// updated_at, and candidate.updated. The caller has checked the content
// (resume.Detect) and cleaned the name (resume.SanitizeFilename); the store
// computes the size and the ETag from the bytes. Uploading the same bytes
// under the same name again changes nothing and sends no event.
func (s *Store) PutResume(ctx context.Context, accountID string, r hub.Resume) (hub.Candidate, error) {
	if err := checkResume(r); err != nil {
		return hub.Candidate{}, err
	}
	r.Size = int64(len(r.Data))
	r.ETag = resume.ETag(r.Data)
	r.CreatedAt = hub.Now()
	var out hub.Candidate
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		cur, err := s.lockCandidate(ctx, tx, accountID, r.CandidateID)
		if err != nil {
			return err
		}
		if cur.Resume != nil && cur.Resume.Filename == r.Filename && cur.Resume.ContentType == r.ContentType {
			var etag string
			err := tx.GetContext(ctx, &etag, s.q(`SELECT etag FROM resumes WHERE candidate_id = ?`), cur.ID)
			if err == nil && etag == r.ETag {
				out = cur
				return nil
			}
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO resumes (candidate_id, account_id, filename, content_type, size, etag, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (candidate_id) DO UPDATE SET filename = excluded.filename, content_type = excluded.content_type,
				size = excluded.size, etag = excluded.etag, data = excluded.data, created_at = excluded.created_at`),
			cur.ID, accountID, r.Filename, r.ContentType, r.Size, r.ETag, r.Data, r.CreatedAt)
		if err != nil {
			return fmt.Errorf("store resume: %w", err)
		}
		cur.Resume = &hub.ResumeInfo{Filename: r.Filename, ContentType: r.ContentType, Size: r.Size}
		out, err = s.setResumeColumns(ctx, tx, cur)
		return err
	})
	if err != nil {
		return hub.Candidate{}, err
	}
	return out, nil
}

// checkResume enforces what the table and the candidate schema rely on,
// whoever the caller is.
func checkResume(r hub.Resume) error {
	switch {
	case len(r.Data) == 0:
		return hub.Invalid(hub.FieldError{Field: "file", Message: resume.ErrEmpty.Error()})
	case len(r.Data) > resume.MaxSize:
		return hub.Errorf(hub.ETooLarge, "%s", resume.ErrTooLarge.Error())
	case !storedTypes[r.ContentType]:
		return hub.Errorf(hub.EUnsupported, "%s", resume.ErrUnsupported.Error())
	case r.Filename == "" || len(r.Filename) > 255:
		return hub.Invalid(hub.FieldError{Field: "filename", Message: "must be 1 to 255 bytes"})
	}
	return nil
}

// GetResume returns the resume of one of the account's candidates, bytes
// included. A candidate without a resume, another account's candidate and
// an unknown one are all not found.
func (s *Store) GetResume(ctx context.Context, accountID, candidateID string) (hub.Resume, error) {
	var r hub.Resume
	err := s.db.QueryRowxContext(ctx, s.q(`SELECT candidate_id, filename, content_type, size, etag, data, created_at
		FROM resumes WHERE account_id = ? AND candidate_id = ?`), accountID, candidateID).
		Scan(&r.CandidateID, &r.Filename, &r.ContentType, &r.Size, &r.ETag, &r.Data, &r.CreatedAt)
	if err != nil {
		return hub.Resume{}, notFound(err, "resume")
	}
	return r, nil
}

// GetResumeByLink returns a candidate's resume for a signed download link,
// which carries no account: the link's signature, made by the hub for this
// candidate's resume path and checked before this is called, is the
// authority. Nothing else may call it.
func (s *Store) GetResumeByLink(ctx context.Context, candidateID string) (hub.Resume, error) {
	var r hub.Resume
	err := s.db.QueryRowxContext(ctx, s.q(`SELECT candidate_id, filename, content_type, size, etag, data, created_at
		FROM resumes WHERE candidate_id = ?`), candidateID).
		Scan(&r.CandidateID, &r.Filename, &r.ContentType, &r.Size, &r.ETag, &r.Data, &r.CreatedAt)
	if err != nil {
		return hub.Resume{}, notFound(err, "resume")
	}
	return r, nil
}

// DeleteResume removes the resume of one of the account's candidates and
// returns the candidate, writing candidate.updated in the same transaction.
// Deleting when there is no resume changes nothing and sends no event, so
// the call is safe to repeat; an unknown candidate is not found.
func (s *Store) DeleteResume(ctx context.Context, accountID, candidateID string) (hub.Candidate, error) {
	var out hub.Candidate
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		cur, err := s.lockCandidate(ctx, tx, accountID, candidateID)
		if err != nil {
			return err
		}
		if cur.Resume == nil {
			out = cur
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM resumes WHERE candidate_id = ?`), cur.ID); err != nil {
			return fmt.Errorf("delete resume: %w", err)
		}
		cur.Resume = nil
		out, err = s.setResumeColumns(ctx, tx, cur)
		return err
	})
	if err != nil {
		return hub.Candidate{}, err
	}
	return out, nil
}

// setResumeColumns writes c's resume fields and a new updated_at, with
// candidate.updated.
func (s *Store) setResumeColumns(ctx context.Context, tx *sqlx.Tx, c hub.Candidate) (hub.Candidate, error) {
	c.UpdatedAt = hub.Now()
	var (
		file, typ *string
		size      *int64
	)
	if c.Resume != nil {
		file, typ, size = &c.Resume.Filename, &c.Resume.ContentType, &c.Resume.Size
	}
	_, err := tx.ExecContext(ctx, s.q(`UPDATE candidates SET resume_filename = ?, resume_content_type = ?, resume_size = ?, updated_at = ?
		WHERE account_id = ? AND id = ?`), file, typ, size, c.UpdatedAt, c.AccountID, c.ID)
	if err != nil {
		return hub.Candidate{}, fmt.Errorf("update candidate resume: %w", err)
	}
	return c, s.candidateEvents(ctx, tx, c, nil, hub.EventCandidateUpdated)
}
