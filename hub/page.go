package hub

// Page asks for one page of a list that is ordered newest first by ID. IDs
// are time-ordered and never change, so keyset paging on them neither
// skips nor repeats an item while other requests insert or update rows.
type Page struct {
	Limit int    // 1..MaxPageLimit
	After string // return items whose ID sorts before this one; "" for the first page
}

// Page sizes.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 200
)
