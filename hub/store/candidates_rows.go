package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/visage-jobs/visage-hub/hub"
)

// candidateValues returns c's column values in candidateColumns order. The
// lists are JSON text (never null) and the resume columns are NULL when
// there is no resume.
func candidateValues(c hub.Candidate) ([]any, error) {
	exp, err := jsonColumn(c.Experience)
	if err != nil {
		return nil, err
	}
	edu, err := jsonColumn(c.Education)
	if err != nil {
		return nil, err
	}
	skills, err := jsonColumn(c.Skills)
	if err != nil {
		return nil, err
	}
	tags, err := jsonColumn(c.Tags)
	if err != nil {
		return nil, err
	}
	var (
		rFile, rType *string
		rSize        *int64
	)
	if c.Resume != nil {
		rFile, rType, rSize = &c.Resume.Filename, &c.Resume.ContentType, &c.Resume.Size
	}
	return []any{
		c.ID, c.AccountID, c.JobID, c.FirstName, c.LastName, c.FullName, c.Email, c.Phone, c.LinkedInURL,
		c.Headline, c.Location, c.CurrentTitle, c.CurrentCompany, exp, edu, skills, tags, c.Status, c.Source,
		rFile, rType, rSize, c.InterestedAt, c.CreatedAt, c.UpdatedAt,
	}, nil
}

// scanCandidate reads one row selected with candidateColumns. It scans
// into typed fields directly rather than through reflection, because lists
// of up to 200 candidates decode on every page.
func scanCandidate(row interface{ Scan(...any) error }) (hub.Candidate, error) {
	var (
		c                      hub.Candidate
		exp, edu, skills, tags string
		rFile, rType           sql.NullString
		rSize                  sql.NullInt64
	)
	err := row.Scan(&c.ID, &c.AccountID, &c.JobID, &c.FirstName, &c.LastName, &c.FullName, &c.Email, &c.Phone,
		&c.LinkedInURL, &c.Headline, &c.Location, &c.CurrentTitle, &c.CurrentCompany, &exp, &edu, &skills, &tags,
		&c.Status, &c.Source, &rFile, &rType, &rSize, &c.InterestedAt, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return hub.Candidate{}, err
	}
	for _, col := range []struct {
		text string
		dst  any
	}{{exp, &c.Experience}, {edu, &c.Education}, {skills, &c.Skills}, {tags, &c.Tags}} {
		// Most lists are empty; skipping the decoder for them halves the
		// cost of reading a page.
		if col.text == "[]" {
			continue
		}
		if err := json.Unmarshal([]byte(col.text), col.dst); err != nil {
			return hub.Candidate{}, fmt.Errorf("decode candidate %s: %w", c.ID, err)
		}
	}
	if c.Experience == nil {
		c.Experience = []hub.Position{}
	}
	if c.Education == nil {
		c.Education = []hub.Schooling{}
	}
	if c.Skills == nil {
		c.Skills = []string{}
	}
	if c.Tags == nil {
		c.Tags = []string{}
	}
	if rFile.Valid {
		c.Resume = &hub.ResumeInfo{Filename: rFile.String, ContentType: rType.String, Size: rSize.Int64}
	}
	return c, nil
}

// readQuery runs a read of candidates. On SQLite it uses a statement
// prepared once per query text: parsing was a quarter of the cost of a
// list page there. PostgreSQL gets the query as is, so every call is
// planned for its actual account and filters; a cached generic plan could
// pick an index that suits the average account and not this one.
func (s *Store) readQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.dialect == SQLite {
		st, err := s.prepared(query)
		if err != nil {
			return nil, err
		}
		return st.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, s.q(query), args...)
}

// readOne runs readQuery for at most one row and scans it; no row is
// sql.ErrNoRows, as from QueryRow.
func (s *Store) readOne(ctx context.Context, query string, args ...any) (hub.Candidate, error) {
	rows, err := s.readQuery(ctx, query, args...)
	if err != nil {
		return hub.Candidate{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return hub.Candidate{}, err
		}
		return hub.Candidate{}, sql.ErrNoRows
	}
	return scanCandidate(rows)
}
