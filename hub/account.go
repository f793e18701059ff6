package hub

// Account is a Visage customer. Every other row belongs to exactly one
// account, and no request ever reads across accounts.
type Account struct {
	ID        string `json:"id" db:"id"`
	Name      string `json:"name" db:"name"`
	CreatedAt Time   `json:"created_at" db:"created_at"`
}

// Role is what an admin JWT or a session allows. Members may read settings;
// only admins change them (keys, webhooks).
type Role string

// The roles an admin token can carry.
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Valid reports whether r is a known role; tokens with any other role are
// refused rather than treated as members.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleMember }

// Principal is who is calling: an API key (integrations and scripts) or a
// person holding an admin JWT. Handlers take the account from here and
// nowhere else, which is what keeps accounts apart.
type Principal struct {
	AccountID   string
	AccountName string
	Role        Role   // set for JWT callers; API keys act for the account without a role
	KeyID       string // set for API-key callers
	KeyLabel    string
	Subject     string // who the JWT names, recorded as created_by
}

// IsAdmin reports whether the principal may change account settings.
func (p Principal) IsAdmin() bool { return p.KeyID == "" && p.Role == RoleAdmin }

// Actor names the principal in audit fields such as created_by.
func (p Principal) Actor() string {
	switch {
	case p.KeyID != "":
		return "api_key:" + p.KeyID
	case p.Subject != "":
		return p.Subject
	default:
		return "admin"
	}
}
