package hub

// JobInput is the body of a job create, update or upsert (REST or connector
// action) after schema validation. Pointers tell "sent" from "left out"
// only together with the set of members the body has (see Patch); the
// schema has already refused wrong types and limits.
type JobInput struct {
	ExternalID     *string `json:"external_id"`
	Title          *string `json:"title"`
	Description    *string `json:"description"`
	Department     *string `json:"department"`
	Location       *string `json:"location"`
	WorkplaceType  *string `json:"workplace_type"`
	EmploymentType *string `json:"employment_type"`
	Status         *string `json:"status"`
	HiringManager  *Person `json:"hiring_manager"`
}

// Replace sets every field the body describes, the way a create and a PUT
// do: what is left out becomes null, and the status open. The external ID
// is not touched; it comes from the body on create and from the path on PUT.
func (in JobInput) Replace(j *Job) {
	j.Title = Deref(in.Title)
	j.Description, j.Department, j.Location = in.Description, in.Department, in.Location
	j.WorkplaceType, j.EmploymentType, j.HiringManager = in.WorkplaceType, in.EmploymentType, in.HiringManager
	j.Status = JobOpen
	if in.Status != nil {
		j.Status = *in.Status
	}
}

// Patch sets only the fields present in the body; a field sent as null is
// cleared. The schema refuses null for title and status.
func (in JobInput) Patch(present map[string]bool) func(*Job) error {
	return func(j *Job) error {
		if present["external_id"] {
			j.ExternalID = in.ExternalID
		}
		if present["title"] {
			j.Title = Deref(in.Title)
		}
		if present["status"] {
			j.Status = Deref(in.Status)
		}
		if present["description"] {
			j.Description = in.Description
		}
		if present["department"] {
			j.Department = in.Department
		}
		if present["location"] {
			j.Location = in.Location
		}
		if present["workplace_type"] {
			j.WorkplaceType = in.WorkplaceType
		}
		if present["employment_type"] {
			j.EmploymentType = in.EmploymentType
		}
		if present["hiring_manager"] {
			j.HiringManager = in.HiringManager
		}
		return nil
	}
}

// Deref returns *p, or "" for nil: the value of a required string field
// that a schema has already checked.
func Deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
