package httpapi

import (
	"time"

	"github.com/visage-jobs/visage-hub/hub"
	"github.com/visage-jobs/visage-hub/hub/config"
)

// resumeLinkPurpose is what the resume-link signing key is derived for; it
// must match the purpose New gives s.links, which a test checks by
// fetching a file through a link made by ResumeLinker.
const resumeLinkPurpose = "resume-link"

// resumeLinks makes the signed download links that resume.url carries.
type resumeLinks struct {
	base   string
	signer *hub.Signer
	ttl    time.Duration
}

// resumePath is the path a resume link points at, and the path its
// signature covers. The public base URL is left out of the signature, so a
// link keeps working behind a proxy that rewrites the host.
func resumePath(candidateID string) string {
	return "/v1/candidates/" + candidateID + "/resume"
}

// url returns a link to a candidate's resume that works without
// credentials until now+ttl.
func (l resumeLinks) url(candidateID string, now time.Time) string {
	path := resumePath(candidateID)
	return l.base + path + "?" + l.signer.SignLink(path, now.Add(l.ttl))
}

// decorate fills in resume.url when the candidate has a resume.
func (l resumeLinks) decorate(c *hub.Candidate) {
	if c.Resume != nil {
		c.Resume.URL = l.url(c.ID, time.Now())
	}
}

// defaultResumeLinkTTL is VISAGE_RESUME_LINK_TTL's default (DESIGN.md: 7
// days), used when a configuration was built without config.Default and so
// has no lifetime at all: links that expire as they are made help nobody.
const defaultResumeLinkTTL = 7 * 24 * time.Hour

func newResumeLinks(cfg config.Config, signer *hub.Signer) resumeLinks {
	ttl := cfg.ResumeLinkTTL
	if ttl == 0 {
		ttl = defaultResumeLinkTTL
	}
	return resumeLinks{base: cfg.BaseURL(), signer: signer, ttl: ttl}
}

// resumeLinks returns the server's link maker.
func (s *Server) resumeLinks() resumeLinks { return newResumeLinks(s.cfg, s.links) }

// decorateCandidate completes a candidate the store returned with what only
// the HTTP layer knows: a freshly signed resume link.
func (s *Server) decorateCandidate(c *hub.Candidate) { s.resumeLinks().decorate(c) }

// ResumeLinker returns the function that fills in resume.url the way a
// server built from the same configuration and secret does. New installs
// its own on the store; a process that writes candidates without serving
// HTTP (the seed command) installs this one with
// Store.SetCandidateDecorator, so the events it writes carry working
// links too.
func ResumeLinker(cfg config.Config, secret []byte) func(*hub.Candidate) {
	return newResumeLinks(cfg, hub.NewSigner(secret, resumeLinkPurpose)).decorate
}
