package hub

// Job statuses. A closed job keeps its candidates but sources no more.
const (
	JobOpen   = "open"
	JobPaused = "paused"
	JobClosed = "closed"
)

// Person is a named contact such as a job's hiring manager.
type Person struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
}

// Job is an open position Visage sources candidates for. Nullable fields
// are pointers so that "not set" and "cleared" survive JSON round trips;
// the field list and limits live in schemas/json/job.json.
type Job struct {
	ID             string  `json:"id"`
	AccountID      string  `json:"-"`
	ExternalID     *string `json:"external_id"`
	Title          string  `json:"title"`
	Description    *string `json:"description"`
	Department     *string `json:"department"`
	Location       *string `json:"location"`
	WorkplaceType  *string `json:"workplace_type"`
	EmploymentType *string `json:"employment_type"`
	Status         string  `json:"status"`
	HiringManager  *Person `json:"hiring_manager"`
	CreatedAt      Time    `json:"created_at"`
	UpdatedAt      Time    `json:"updated_at"`
}
