package hub

// ReplayStatus is where a replay job stands.
type ReplayStatus string

// The replay statuses. A job is running until every matching delivery has
// been queued again (succeeded), or until it stopped making progress
// (failed, with the reason in Error).
const (
	ReplayRunning   ReplayStatus = "running"
	ReplaySucceeded ReplayStatus = "succeeded"
	ReplayFailed    ReplayStatus = "failed"
)

// Replay is a background job that queues again every delivery of one
// endpoint created in [Since, Until) with one of Statuses. An endpoint's
// history can hold far more deliveries than one request should touch, so
// the job works through them in chunks, in ID order, and Count says how
// many it has queued so far; the caller follows it with GET /v1/replays/{id}.
type Replay struct {
	ID         string           `json:"id" db:"id"`
	AccountID  string           `json:"-" db:"account_id"`
	WebhookID  string           `json:"webhook_id" db:"endpoint_id"`
	Since      Time             `json:"since" db:"since"`
	Until      Time             `json:"until" db:"until_at"`
	Statuses   []DeliveryStatus `json:"statuses" db:"-"`
	Status     ReplayStatus     `json:"status" db:"status"`
	Count      int              `json:"count" db:"queued"`
	Error      *string          `json:"error" db:"error"`
	CreatedAt  Time             `json:"created_at" db:"created_at"`
	UpdatedAt  Time             `json:"updated_at" db:"updated_at"`
	FinishedAt Time             `json:"finished_at" db:"finished_at"`

	// Cursor is the ID of the last delivery the job has dealt with; the
	// next chunk starts after it, so a job taken over by another runner
	// neither skips nor repeats a delivery.
	Cursor string `json:"-" db:"cursor_id"`
}
