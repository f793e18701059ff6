package httpapi

// candidateRoutes lists this file's routes; see routeTable.
func (s *Server) candidateRoutes() []Route { return nil }
