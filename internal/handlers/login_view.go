package handlers

import "kycportal/internal/views/pages"

// loginView adds to l what the login page offers: the provider's button, and the password
// form only while local passwords are on (else under the break-glass heading).
func (s *Server) loginView(l pages.Login) pages.Login {
	if s.sso != nil {
		l.SSOName = s.sso.Name()
	}
	l.BreakGlassOnly = s.login.PasswordsOff
	return l
}
