package google

// UsersHeld returns how many users' clients s holds.
func UsersHeld(s *Source) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.users)
}
