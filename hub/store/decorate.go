package store

import (
	"sync/atomic"

	"github.com/visage-jobs/visage-hub/hub"
)

// decorator holds the function that completes candidate payloads. It is
// atomic so that a server can install it while other goroutines already
// use the store (tests start servers on a shared store).
type decorator struct {
	fn atomic.Pointer[func(*hub.Candidate)]
}

// SetCandidateDecorator installs fn to complete every candidate written into
// an event, before it is encoded. Events carry the candidate exactly as the
// API would return it, including resume.url, a signed download link; the
// store cannot sign links (the key, the public URL and the link lifetime
// belong to the HTTP layer), so the HTTP layer hands it this function when
// it is built. Candidates the store returns are never decorated: a caller
// that shows them decorates them itself, with a link fresh at that moment.
// nil removes the decorator.
func (s *Store) SetCandidateDecorator(fn func(*hub.Candidate)) {
	if fn == nil {
		s.decor.fn.Store(nil)
		return
	}
	s.decor.fn.Store(&fn)
}

// eventCandidate returns the payload of a candidate event: a copy of c with
// the decorator applied, so the caller's value keeps no link.
func (s *Store) eventCandidate(c hub.Candidate) hub.Candidate {
	if c.Resume != nil {
		r := *c.Resume
		c.Resume = &r
	}
	if fn := s.decor.fn.Load(); fn != nil {
		(*fn)(&c)
	}
	return c
}
