package httpapi

// deliveryRoutes lists this file's routes; see routeTable.
func (s *Server) deliveryRoutes() []Route { return nil }
