package httpapi

// resumeRoutes lists this file's routes; see routeTable.
func (s *Server) resumeRoutes() []Route { return nil }
