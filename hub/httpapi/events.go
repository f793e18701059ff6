package httpapi

// eventRoutes lists this file's routes; see routeTable.
func (s *Server) eventRoutes() []Route { return nil }
