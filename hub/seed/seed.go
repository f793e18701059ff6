// Package seed fills an account with realistic demo data: jobs across
// departments and candidates with work history, education, skills, tags,
// statuses spread over the last weeks and a small generated PDF resume. A
// newcomer who runs `visage-hub seed` after `make run` sees a living API
// (lists, filters, analytics, events for the triggers) without writing any
// data by hand. Everything goes through the same store methods the API
// uses, so the demo data obeys the same rules and writes the same events.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/resume"
)

// Store is what seeding needs; *store.Store implements it.
type Store interface {
	CreateJob(ctx context.Context, accountID string, j hub.Job) (hub.Job, error)
	CreateCandidate(ctx context.Context, accountID string, c hub.Candidate) (hub.Candidate, error)
	UpdateCandidate(ctx context.Context, accountID, id string, apply func(*hub.Candidate) error) (hub.Candidate, error)
	PutResume(ctx context.Context, accountID string, r hub.Resume) (hub.Candidate, error)
}

// Options size the demo. The zero value of a field takes its default.
type Options struct {
	Jobs       int   // default 8, at most len(roles)*4
	Candidates int   // default 300
	Seed       int64 // the same seed gives the same names and choices
	// Now anchors the spread of creation times (the last 30 days); zero
	// means the current time.
	Now time.Time
}

// Result counts what was written.
type Result struct {
	Jobs       int            `json:"jobs"`
	Candidates int            `json:"candidates"`
	Resumes    int            `json:"resumes"`
	ByStatus   map[string]int `json:"by_status"`
	// Moved counts the candidates whose status was changed after creation,
	// each of which wrote candidate.status_changed (and .interested).
	Moved int `json:"moved"`
}

// resumeShare is the fraction of candidates who get a resume file.
const resumeShare = 0.6

// Run writes the demo data into accountID.
func Run(ctx context.Context, st Store, accountID string, o Options) (Result, error) {
	o = o.withDefaults()
	g := &gen{r: rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed)), now: o.Now.UTC()}
	res := Result{ByStatus: map[string]int{}}
	jobs := make([]hub.Job, 0, o.Jobs)
	for i := 0; i < o.Jobs; i++ {
		j, err := st.CreateJob(ctx, accountID, g.job(i))
		if err != nil {
			return res, fmt.Errorf("seed job %d: %w", i+1, err)
		}
		jobs = append(jobs, j)
		res.Jobs++
	}
	for i := 0; i < o.Candidates; i++ {
		job := jobs[g.r.IntN(len(jobs))]
		c, err := st.CreateCandidate(ctx, accountID, g.candidate(i, job))
		if err != nil {
			return res, fmt.Errorf("seed candidate %d: %w", i+1, err)
		}
		res.Candidates++
		if g.r.Float64() < resumeShare {
			if c, err = st.PutResume(ctx, accountID, g.resume(c)); err != nil {
				return res, fmt.Errorf("seed resume of %s: %w", c.ID, err)
			}
			res.Resumes++
		}
		// A few new candidates move on through the API's own path, so the
		// status triggers and their events have something to show.
		if c.Status == hub.CandNew && g.r.IntN(10) == 0 {
			c, err = st.UpdateCandidate(ctx, accountID, c.ID, func(c *hub.Candidate) error {
				c.Status = g.pick([]string{hub.CandInterested, hub.CandContacted, hub.CandInterested})
				return nil
			})
			if err != nil {
				return res, fmt.Errorf("seed status of %s: %w", c.ID, err)
			}
			res.Moved++
		}
		res.ByStatus[c.Status]++
	}
	return res, nil
}

func (o Options) withDefaults() Options {
	if o.Jobs <= 0 {
		o.Jobs = 8
	}
	o.Jobs = min(o.Jobs, len(roles)*4)
	if o.Candidates <= 0 {
		o.Candidates = 300
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// gen draws demo records from the pools in data.go.
type gen struct {
	r   *rand.Rand
	now time.Time
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func ptr(s string) *string { return &s }

func (g *gen) job(i int) hub.Job {
	rl := roles[i%len(roles)]
	m := managers[i%len(managers)]
	status := hub.JobOpen
	if i > 0 && i%7 == 0 {
		status = hub.JobPaused
	}
	title := rl.title
	if i >= len(roles) {
		title = fmt.Sprintf("%s #%d", rl.title, i/len(roles)+1)
	}
	return hub.Job{
		ExternalID: ptr(fmt.Sprintf("REQ-%d-%04d", g.now.Year(), 101+i)),
		Title:      title, Description: ptr(rl.description), Department: ptr(rl.department),
		Location: ptr(g.pick(cities)), WorkplaceType: ptr(rl.workplace), EmploymentType: ptr(rl.employment),
		Status: status, HiringManager: &hub.Person{Name: ptr(m.name), Email: ptr(m.email)},
	}
}

// statusWeights shapes a plausible funnel: most candidates are new, a
// fifth interested, a few further along.
var statusWeights = []struct {
	status string
	weight int
}{
	{hub.CandNew, 50}, {hub.CandInterested, 20}, {hub.CandContacted, 14},
	{hub.CandNotInterest, 9}, {hub.CandRejected, 5}, {hub.CandHired, 2},
}

func (g *gen) status() string {
	n := g.r.IntN(100)
	for _, w := range statusWeights {
		if n < w.weight {
			return w.status
		}
		n -= w.weight
	}
	return hub.CandNew
}

// ascii folds the letters of the name pools that e-mail local parts and
// LinkedIn slugs cannot carry.
var ascii = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ö", "o",
	"ä", "a", "ç", "c", "ı", "i", "ñ", "n", " ", "")

func (g *gen) candidate(i int, job hub.Job) hub.Candidate {
	rl := roleOf(job)
	first, last := g.pick(firstNames), g.pick(lastNames)
	slug := strings.ToLower(ascii.Replace(first) + "-" + ascii.Replace(last))
	company := g.pick(companies)
	title := g.pick(rl.candidateTitles)
	created := g.now.Add(-time.Duration(g.r.IntN(30*24)) * time.Hour).Add(-time.Duration(g.r.IntN(3600)) * time.Second)
	c := hub.Candidate{
		JobID: &job.ID, FirstName: ptr(first), LastName: ptr(last),
		Email:       ptr(fmt.Sprintf("%s.%d@example.com", strings.ReplaceAll(slug, "-", "."), i+1)),
		Phone:       ptr(fmt.Sprintf("+49 15%d %07d", g.r.IntN(10), g.r.IntN(10_000_000))),
		LinkedInURL: ptr(fmt.Sprintf("https://www.linkedin.com/in/%s-%d", slug, i+1)),
		Headline:    ptr(fmt.Sprintf("%s at %s", title, company)),
		Location:    ptr(g.pick(cities)), CurrentTitle: ptr(title), CurrentCompany: ptr(company),
		Experience: g.experience(rl, title, company),
		Education:  g.education(),
		Skills:     g.some(rl.skills, 3, 6),
		Tags:       g.some(tagPool, 0, 2),
		Status:     g.status(), Source: ptr("visage"),
		CreatedAt: hub.TimeOf(created),
	}
	if c.Status != hub.CandNew {
		// Interest comes a few hours to a few days after sourcing, which
		// is what the funnel's time-to-interested measures.
		c.InterestedAt = hub.TimeOf(created.Add(time.Duration(2+g.r.IntN(96)) * time.Hour))
		if c.InterestedAt.After(g.now) {
			c.InterestedAt = hub.TimeOf(g.now)
		}
		if c.Status == hub.CandNotInterest || c.Status == hub.CandRejected {
			c.InterestedAt = hub.Time{}
		}
	}
	return c
}

func roleOf(j hub.Job) role {
	for _, rl := range roles {
		if strings.HasPrefix(j.Title, rl.title) {
			return rl
		}
	}
	return roles[0]
}

// some returns between lo and hi distinct items of xs, in xs's order.
func (g *gen) some(xs []string, lo, hi int) []string {
	n := lo + g.r.IntN(hi-lo+1)
	out := []string{}
	for _, i := range g.r.Perm(len(xs))[:min(n, len(xs))] {
		out = append(out, xs[i])
	}
	return out
}

func (g *gen) experience(rl role, title, company string) []hub.Position {
	start := g.now.Year() - 1 - g.r.IntN(4)
	cur := hub.Position{Title: title, Company: ptr(company), Location: ptr(g.pick(cities)),
		StartDate:   ptr(fmt.Sprintf("%d-%02d", start, 1+g.r.IntN(12))),
		Description: ptr(fmt.Sprintf("Works with %s.", strings.Join(g.some(rl.skills, 2, 3), ", ")))}
	prevEnd := start
	prev := hub.Position{Title: g.pick(rl.candidateTitles), Company: ptr(g.pick(companies)), Location: ptr(g.pick(cities)),
		StartDate: ptr(fmt.Sprintf("%d-%02d", prevEnd-2-g.r.IntN(3), 1+g.r.IntN(12))),
		EndDate:   ptr(fmt.Sprintf("%d-%02d", prevEnd, 1+g.r.IntN(12)))}
	return []hub.Position{cur, prev}
}

func (g *gen) education() []hub.Schooling {
	s := schools[g.r.IntN(len(schools))]
	end := g.now.Year() - 4 - g.r.IntN(10)
	return []hub.Schooling{{School: s.school, Degree: ptr(s.degree), Field: ptr(s.field),
		StartDate: ptr(fmt.Sprintf("%d-09", end-3)), EndDate: ptr(fmt.Sprintf("%d-07", end))}}
}

// resume renders the candidate's profile as a one-page PDF.
func (g *gen) resume(c hub.Candidate) hub.Resume {
	lines := []string{deref(c.Headline), deref(c.Email) + "  ·  " + deref(c.Location), "", "Experience"}
	for _, p := range c.Experience {
		lines = append(lines, fmt.Sprintf("%s, %s (%s – %s)", p.Title, deref(p.Company), deref(p.StartDate), orNow(p.EndDate)))
	}
	lines = append(lines, "", "Education")
	for _, e := range c.Education {
		lines = append(lines, fmt.Sprintf("%s %s, %s", deref(e.Degree), deref(e.Field), e.School))
	}
	lines = append(lines, "", "Skills: "+strings.Join(c.Skills, ", "))
	data := resume.GeneratePDF(c.FullName, lines)
	name := strings.ToLower(ascii.Replace(strings.ReplaceAll(c.FullName, " ", "-"))) + "-cv.pdf"
	return hub.Resume{CandidateID: c.ID, Filename: name, ContentType: "application/pdf", Data: data}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func orNow(p *string) string {
	if p == nil {
		return "now"
	}
	return *p
}
