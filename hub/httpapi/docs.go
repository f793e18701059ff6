package httpapi

// docRoutes lists this file's routes; see routeTable.
func (s *Server) docRoutes() []Route { return nil }
