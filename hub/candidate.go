package hub

// Candidate statuses, in the order a recruiter usually moves through them.
const (
	CandNew         = "new"
	CandInterested  = "interested"
	CandContacted   = "contacted"
	CandNotInterest = "not_interested"
	CandHired       = "hired"
	CandRejected    = "rejected"
)

// CandidateStatuses lists every status, for dropdowns and analytics columns.
var CandidateStatuses = []string{CandNew, CandInterested, CandContacted, CandNotInterest, CandHired, CandRejected}

// Position is one entry of a candidate's work history.
type Position struct {
	Title       string  `json:"title"`
	Company     *string `json:"company,omitempty"`
	Location    *string `json:"location,omitempty"`
	StartDate   *string `json:"start_date,omitempty"`
	EndDate     *string `json:"end_date,omitempty"`
	Description *string `json:"description,omitempty"`
}

// Schooling is one entry of a candidate's education.
type Schooling struct {
	School    string  `json:"school"`
	Degree    *string `json:"degree,omitempty"`
	Field     *string `json:"field,omitempty"`
	StartDate *string `json:"start_date,omitempty"`
	EndDate   *string `json:"end_date,omitempty"`
}

// ResumeInfo describes a candidate's resume file. URL is a signed link that
// needs no API key, so an ATS or a no-code file field can fetch it straight
// from a webhook payload.
type ResumeInfo struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// Candidate is a person Visage sourced for a job. The field list and limits
// live in schemas/json/candidate.json.
type Candidate struct {
	ID             string      `json:"id"`
	AccountID      string      `json:"-"`
	JobID          *string     `json:"job_id"`
	FirstName      *string     `json:"first_name"`
	LastName       *string     `json:"last_name"`
	FullName       string      `json:"full_name"`
	Email          *string     `json:"email"`
	Phone          *string     `json:"phone"`
	LinkedInURL    *string     `json:"linkedin_url"`
	Headline       *string     `json:"headline"`
	Location       *string     `json:"location"`
	CurrentTitle   *string     `json:"current_title"`
	CurrentCompany *string     `json:"current_company"`
	Experience     []Position  `json:"experience"`
	Education      []Schooling `json:"education"`
	Skills         []string    `json:"skills"`
	Tags           []string    `json:"tags"`
	Status         string      `json:"status"`
	Source         *string     `json:"source"`
	Resume         *ResumeInfo `json:"resume"`
	InterestedAt   Time        `json:"interested_at"`
	CreatedAt      Time        `json:"created_at"`
	UpdatedAt      Time        `json:"updated_at"`
}

// Resume is a stored resume file with its bytes.
type Resume struct {
	CandidateID string
	Filename    string
	ContentType string
	Size        int64
	ETag        string
	Data        []byte
	CreatedAt   Time
}
