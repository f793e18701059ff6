package httpapi

// jobRoutes lists this file's routes; see routeTable.
func (s *Server) jobRoutes() []Route { return nil }
