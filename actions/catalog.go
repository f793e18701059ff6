// Package actions is the action and search catalog: everything a Zap, a
// Make scenario or an n8n workflow can do in Visage. Each entry names its
// input and output JSON Schemas; POST /v1/actions/{key},
// GET /v1/searches/{key}, /v1/meta and the three integration packages are
// derived from this one list. Adding an action is one entry here plus its
// input schema and its implementation.
package actions

// Kind says whether an entry changes something or looks something up; the
// platforms show the two in separate lists (Zapier creates and searches,
// Make action and search modules, n8n operations).
type Kind string

// The kinds.
const (
	Create Kind = "action" // POST /v1/actions/{key}, returns one resource
	Search Kind = "search" // GET /v1/searches/{key}, returns a list, empty when nothing matches
)

// Action describes one action or search. Key is the stable public name (the
// path segment, the Zapier key, the base of the Make module name and the n8n
// operation), so it is never renamed.
type Action struct {
	Key         string // snake_case, e.g. "create_job"
	Kind        Kind
	Label       string // title case, e.g. "Create Job"
	Noun        string // "Job" or "Candidate"
	Description string // one sentence, starting with a verb ("Creates …", "Finds …")
	// Input is the schema (package schemas) of the action's input; for a
	// search, its query parameters.
	Input string
	// Output is the schema of what it returns: the resource for an action,
	// one item of the list for a search.
	Output string
	// CreateFallback, on a search, names the action that creates the thing
	// when the search finds nothing (Zapier's search-or-create).
	CreateFallback string
	// Important marks the entries a platform should list first.
	Important bool
	// Run is the implementation; the HTTP layer validates the input
	// against Input, calls Run and encodes what it returns.
	Run Func `json:"-"`
}

var catalog = []Action{
	{Key: "create_job", Kind: Create, Label: "Create Job", Noun: "Job", Important: true,
		Description: "Creates a job in Visage so it starts sourcing candidates for it.",
		Input:       "job_create", Output: "job", Run: createJob},
	{Key: "update_job", Kind: Create, Label: "Update Job", Noun: "Job",
		Description: "Changes some fields of a job; fields left empty keep their value.",
		Input:       "action_update_job", Output: "job", Run: updateJob},
	{Key: "upsert_job", Kind: Create, Label: "Create or Update Job by External ID", Noun: "Job", Important: true,
		Description: "Creates the job with your ATS or HRIS ID, or updates it when it already exists.",
		Input:       "action_upsert_job", Output: "job", Run: upsertJob},
	{Key: "close_job", Kind: Create, Label: "Close Job", Noun: "Job",
		Description: "Closes a job so Visage stops sourcing for it.",
		Input:       "action_close_job", Output: "job", Run: closeJob},
	{Key: "create_candidate", Kind: Create, Label: "Create Candidate", Noun: "Candidate", Important: true,
		Description: "Adds a candidate to Visage, optionally for one of your jobs.",
		Input:       "candidate_create", Output: "candidate", Run: createCandidate},
	{Key: "update_candidate_status", Kind: Create, Label: "Update Candidate Status", Noun: "Candidate", Important: true,
		Description: "Moves a candidate to another status (for example contacted or hired).",
		Input:       "action_update_candidate_status", Output: "candidate", Run: updateCandidateStatus},
	{Key: "add_candidate_tags", Kind: Create, Label: "Add Tags to Candidate", Noun: "Candidate",
		Description: "Adds tags to a candidate, keeping the tags it already has.",
		Input:       "action_add_candidate_tags", Output: "candidate", Run: addCandidateTags},
	{Key: "attach_resume", Kind: Create, Label: "Attach Resume", Noun: "Candidate",
		Description: "Downloads a resume file from a URL and attaches it to a candidate.",
		Input:       "action_attach_resume", Output: "candidate", Run: attachResume},
	{Key: "find_candidate", Kind: Search, Label: "Find Candidate", Noun: "Candidate", Important: true,
		Description: "Finds candidates by email address or LinkedIn URL.",
		Input:       "search_find_candidate", Output: "candidate", CreateFallback: "create_candidate", Run: findCandidate},
	{Key: "find_job", Kind: Search, Label: "Find Job", Noun: "Job", Important: true,
		Description: "Finds jobs by your external ID or by title.",
		Input:       "search_find_job", Output: "job", CreateFallback: "create_job", Run: findJob},
}

// All returns every action and search in catalog order (a copy).
func All() []Action { return append([]Action(nil), catalog...) }

// ByKey finds an entry of the given kind by its public key.
func ByKey(kind Kind, key string) (Action, bool) {
	for _, a := range catalog {
		if a.Kind == kind && a.Key == key {
			return a, true
		}
	}
	return Action{}, false
}
