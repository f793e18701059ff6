package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/visage-jobs/visage-hub/hub"
)

const webhookColumns = `id, account_id, kind, url, events, job_id, filters, description, status, status_reason,
	disabled_at, secret, previous_secret, previous_expires_at, failing_since, created_at, updated_at`

// webhookRow is a webhook as stored: the event list and the filters are
// JSON text columns.
type webhookRow struct {
	hub.Webhook
	EventsJSON  string  `db:"events"`
	FiltersJSON *string `db:"filters"`
}

func (r webhookRow) webhook() (hub.Webhook, error) {
	w := r.Webhook
	w.Events = []string{}
	if err := json.Unmarshal([]byte(r.EventsJSON), &w.Events); err != nil {
		return hub.Webhook{}, fmt.Errorf("decode webhook events: %w", err)
	}
	if r.FiltersJSON != nil {
		w.Filters = json.RawMessage(*r.FiltersJSON)
	}
	return w, nil
}

func webhookArgs(w hub.Webhook) ([]any, error) {
	events, err := jsonColumn(w.Events)
	if err != nil {
		return nil, err
	}
	var filters *string
	if len(w.Filters) > 0 {
		f := string(w.Filters)
		filters = &f
	}
	return []any{w.ID, w.AccountID, string(w.Kind), w.URL, events, w.JobID, filters, w.Description, string(w.Status),
		w.StatusReason, w.DisabledAt, w.Secret, w.PreviousSecret, w.PreviousExpiresAt, w.FailingSince, w.CreatedAt, w.UpdatedAt}, nil
}

// CreateWebhook stores a new endpoint (webhook or REST hook) as given.
func (s *Store) CreateWebhook(ctx context.Context, w hub.Webhook) error {
	args, err := webhookArgs(w)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO webhook_endpoints (`+webhookColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), args...)
	if err != nil {
		return fmt.Errorf("create webhook: %w", err)
	}
	return nil
}

// GetWebhook returns one of an account's endpoints; another account's is
// not found, exactly like one that does not exist.
func (s *Store) GetWebhook(ctx context.Context, accountID, id string) (hub.Webhook, error) {
	return s.getWebhook(ctx, s.db, accountID, id, "")
}

func (s *Store) getWebhook(ctx context.Context, q sqlx.QueryerContext, accountID, id, suffix string) (hub.Webhook, error) {
	var r webhookRow
	err := sqlx.GetContext(ctx, q, &r, s.q(`SELECT `+webhookColumns+` FROM webhook_endpoints WHERE account_id = ? AND id = ?`+suffix), accountID, id)
	if err != nil {
		return hub.Webhook{}, notFound(err, "webhook")
	}
	return r.webhook()
}

// WebhookFilter narrows a webhook list.
type WebhookFilter struct {
	Kind   hub.EndpointKind
	Status hub.WebhookStatus // "" for any
}

// ListWebhooks returns one page of an account's endpoints of one kind,
// newest first, and whether another page follows.
func (s *Store) ListWebhooks(ctx context.Context, accountID string, f WebhookFilter, p hub.Page) ([]hub.Webhook, bool, error) {
	query := `SELECT ` + webhookColumns + ` FROM webhook_endpoints WHERE account_id = ? AND kind = ?`
	args := []any{accountID, string(f.Kind)}
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if p.After != "" {
		query += ` AND id < ?`
		args = append(args, p.After)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, p.Limit+1)
	var rows []webhookRow
	if err := s.db.SelectContext(ctx, &rows, s.q(query), args...); err != nil {
		return nil, false, fmt.Errorf("list webhooks: %w", err)
	}
	rows, more := cutPage(rows, p.Limit)
	out := make([]hub.Webhook, 0, len(rows))
	for _, r := range rows {
		w, err := r.webhook()
		if err != nil {
			return nil, false, err
		}
		out = append(out, w)
	}
	return out, more, nil
}

// forUpdate locks the rows a read-modify-write reads on PostgreSQL; SQLite
// transactions already hold the database's write lock from BEGIN.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return ` FOR UPDATE`
	}
	return ""
}

// UpdateWebhook reads an endpoint, lets change edit it, and writes every
// mutable column back, in one transaction, so two concurrent edits cannot
// lose each other's changes. change returning an error aborts the update.
func (s *Store) UpdateWebhook(ctx context.Context, accountID, id string, change func(w *hub.Webhook) error) (hub.Webhook, error) {
	var out hub.Webhook
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		w, err := s.getWebhook(ctx, tx, accountID, id, s.forUpdate())
		if err != nil {
			return err
		}
		if err := change(&w); err != nil {
			return err
		}
		w.UpdatedAt = hub.Now()
		events, err := jsonColumn(w.Events)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE webhook_endpoints SET url = ?, events = ?, job_id = ?, description = ?,
			status = ?, status_reason = ?, disabled_at = ?, failing_since = ?, secret = ?, previous_secret = ?,
			previous_expires_at = ?, updated_at = ? WHERE account_id = ? AND id = ?`),
			w.URL, events, w.JobID, w.Description, string(w.Status), w.StatusReason, w.DisabledAt, w.FailingSince,
			w.Secret, w.PreviousSecret, w.PreviousExpiresAt, w.UpdatedAt, accountID, id)
		if err != nil {
			return fmt.Errorf("update webhook: %w", err)
		}
		out = w
		return nil
	})
	if err == nil && out.Status == hub.WebhookActive {
		s.deliveriesDue(DueDeliveries) // re-enabled: its waiting deliveries are claimable again
	}
	return out, err
}

// SetWebhookValidation records the outcome of validating url. It only
// applies while the endpoint still has that URL, so a slow validation of an
// old URL cannot activate a newer one that nobody checked.
func (s *Store) SetWebhookValidation(ctx context.Context, accountID, id, url string, status hub.WebhookStatus, reason *string) (hub.Webhook, error) {
	now := hub.Now()
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE webhook_endpoints SET status = ?, status_reason = ?, disabled_at = NULL,
		failing_since = NULL, updated_at = ? WHERE account_id = ? AND id = ? AND url = ?`),
		string(status), reason, now, accountID, id, url)
	if err != nil {
		return hub.Webhook{}, fmt.Errorf("record webhook validation: %w", err)
	}
	if status == hub.WebhookActive {
		s.deliveriesDue(DueDeliveries)
	}
	return s.GetWebhook(ctx, accountID, id)
}

// DeleteWebhook removes an endpoint with its deliveries and their log.
func (s *Store) DeleteWebhook(ctx context.Context, accountID, id string) error {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM webhook_endpoints WHERE account_id = ? AND id = ?`), accountID, id)
	if err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return hub.Errorf(hub.ENotFound, "webhook not found")
	}
	return nil
}

// RotateWebhookSecret makes secret the signing secret and keeps the current
// one signing beside it until overlapUntil. A rotation during an overlap
// drops the oldest secret, so at most two ever sign.
func (s *Store) RotateWebhookSecret(ctx context.Context, accountID, id, secret string, overlapUntil hub.Time) (hub.Webhook, error) {
	return s.UpdateWebhook(ctx, accountID, id, func(w *hub.Webhook) error {
		w.PreviousSecret, w.PreviousExpiresAt = w.Secret, overlapUntil
		w.Secret = secret
		return nil
	})
}

// JobExists reports whether the account has the job, so a webhook's job
// filter cannot name a job of another account or a typo.
func (s *Store) JobExists(ctx context.Context, accountID, jobID string) (bool, error) {
	var one int
	err := s.db.GetContext(ctx, &one, s.q(`SELECT 1 FROM jobs WHERE account_id = ? AND id = ?`), accountID, jobID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check job: %w", err)
	}
	return true, nil
}
