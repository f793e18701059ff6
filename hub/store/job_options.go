package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/visage-jobs/visage-hub/hub"
)

// MaxJobOptions caps a job dropdown: a picker lists the newest open jobs
// and narrows them by title as the user types, so it never needs them all.
const MaxJobOptions = 100

// JobOptions lists an account's open jobs for the job dropdowns of the
// platform integrations (GET /v1/meta/options/jobs), newest first, at most
// limit (1..MaxJobOptions, otherwise MaxJobOptions). A non-empty q keeps
// the jobs whose title contains it, ignoring case (ASCII letters on SQLite,
// all letters on PostgreSQL); q is text, never a pattern: % and _ match
// themselves.
func (s *Store) JobOptions(ctx context.Context, accountID, q string, limit int) ([]hub.Job, error) {
	if limit < 1 || limit > MaxJobOptions {
		limit = MaxJobOptions
	}
	where := "account_id = ? AND status = ?"
	args := []any{accountID, hub.JobOpen}
	if q != "" {
		if !jobTextOK(q) {
			return nil, hub.Invalid(hub.FieldError{Field: "q", Message: "must be UTF-8 text without NUL characters"})
		}
		like := "LIKE" // case-insensitive for ASCII in SQLite
		if s.dialect == Postgres {
			like = "ILIKE"
		}
		where += ` AND title ` + like + ` ? ESCAPE '\'`
		args = append(args, "%"+likeEscaper.Replace(q)+"%")
	}
	args = append(args, limit)
	rows, err := s.db.QueryxContext(ctx, s.q(`SELECT `+jobColumns+` FROM jobs WHERE `+where+` ORDER BY id DESC LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("job options: %w", err)
	}
	defer rows.Close()
	jobs := []hub.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("job options: %w", err)
		}
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("job options: %w", err)
	}
	return jobs, nil
}

// likeEscaper makes text match itself in a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
