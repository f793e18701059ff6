package httpapi

// analyticsRoutes lists this file's routes; see routeTable.
func (s *Server) analyticsRoutes() []Route { return nil }
