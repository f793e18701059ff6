package hub

// CandidateInput is a candidate create or update body (REST or connector
// action) after schema validation. Pointers tell "sent" from "left out"
// only together with the set of members the body has (see Patch); the
// schema has already refused wrong types, unknown fields and limits.
type CandidateInput struct {
	JobID          *string     `json:"job_id"`
	FirstName      *string     `json:"first_name"`
	LastName       *string     `json:"last_name"`
	FullName       *string     `json:"full_name"`
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
	Status         *string     `json:"status"`
	Source         *string     `json:"source"`
}

// Candidate builds a new candidate from a create body; the store fills in
// the rest (ID, derived full name, default status, timestamps).
func (in CandidateInput) Candidate() Candidate {
	return Candidate{
		JobID: in.JobID, FirstName: in.FirstName, LastName: in.LastName, FullName: Deref(in.FullName),
		Email: in.Email, Phone: in.Phone, LinkedInURL: in.LinkedInURL, Headline: in.Headline,
		Location: in.Location, CurrentTitle: in.CurrentTitle, CurrentCompany: in.CurrentCompany,
		Experience: in.Experience, Education: in.Education, Skills: in.Skills, Tags: in.Tags,
		Status: Deref(in.Status), Source: in.Source,
	}
}

// Patch sets only the fields present in the body; a field sent as null is
// cleared and a list sent replaces the list. A full name that was derived
// from the first and last names follows them when they change and no full
// name is sent, so "Ann Lee" renamed to Anna becomes "Anna Lee".
func (in CandidateInput) Patch(present map[string]bool) func(*Candidate) error {
	return func(c *Candidate) error {
		derived := c.FullName == JoinName(c.FirstName, c.LastName)
		strs := []struct {
			name string
			dst  **string
			v    *string
		}{
			{"job_id", &c.JobID, in.JobID}, {"first_name", &c.FirstName, in.FirstName},
			{"last_name", &c.LastName, in.LastName}, {"email", &c.Email, in.Email},
			{"phone", &c.Phone, in.Phone}, {"linkedin_url", &c.LinkedInURL, in.LinkedInURL},
			{"headline", &c.Headline, in.Headline}, {"location", &c.Location, in.Location},
			{"current_title", &c.CurrentTitle, in.CurrentTitle},
			{"current_company", &c.CurrentCompany, in.CurrentCompany}, {"source", &c.Source, in.Source},
		}
		for _, f := range strs {
			if present[f.name] {
				*f.dst = f.v
			}
		}
		if present["full_name"] {
			c.FullName = Deref(in.FullName)
		} else if derived && (present["first_name"] || present["last_name"]) {
			if joined := JoinName(c.FirstName, c.LastName); joined != "" {
				c.FullName = joined
			}
		}
		if present["status"] {
			c.Status = Deref(in.Status)
		}
		if present["experience"] {
			c.Experience = in.Experience
		}
		if present["education"] {
			c.Education = in.Education
		}
		if present["skills"] {
			c.Skills = in.Skills
		}
		if present["tags"] {
			c.Tags = in.Tags
		}
		return nil
	}
}
