package httpapi

// webRoutes lists the settings pages' routes (Hidden); see routeTable.
func (s *Server) webRoutes() []Route { return nil }
