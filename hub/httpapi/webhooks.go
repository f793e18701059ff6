package httpapi

// webhookRoutes lists this file's routes; see routeTable.
func (s *Server) webhookRoutes() []Route { return nil }
