package httpapi

import (
	"strings"

	"github.com/visage-jobs/visage-hub/hub/web"
)

// webRoutes lists the settings pages' routes (Hidden); see routeTable. They
// are Public here because the pages check their own session cookie and
// CSRF token: API keys and JWTs are not how people in a browser sign in.
// The pages need session methods the API does not, so they are served only
// when the store has them (the real store always does).
func (s *Server) webRoutes() []Route {
	ws, ok := s.store.(web.Store)
	if !ok {
		return nil
	}
	p := web.New(web.Options{
		Store:      ws,
		Endpoints:  s.endpointRules(),
		Secure:     strings.HasPrefix(s.cfg.BaseURL(), "https://"),
		SessionTTL: s.cfg.AdminTokenTTL,
		Logger:     s.log,
	})
	var rs []Route
	for _, r := range p.Routes() {
		rs = append(rs, Route{Method: r.Method, Path: r.Path, Access: Public, Hidden: true,
			Summary: r.Summary, Tag: "Settings", handler: r.Handler})
	}
	return rs
}
