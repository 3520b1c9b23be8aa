package googletest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// Scopes are the OAuth scopes the fake's domain-wide delegation grants:
// the read-only metadata scopes package google asks for. A token request
// for any other scope fails as it does when the admin has not authorized it.
var Scopes = []string{
	"https://www.googleapis.com/auth/admin.directory.user.readonly",
	"https://www.googleapis.com/auth/calendar.events.readonly",
	"https://www.googleapis.com/auth/gmail.metadata",
}

const tokenPrefix = "ya29.fake."

// token serves the OAuth 2.0 JWT-bearer grant of a service account
// (RFC 7523): it checks the assertion's RS256 signature against the key of
// ServiceAccountKey and its scopes, and returns an access token naming
// the impersonated subject.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	fail := func(code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if err := r.ParseForm(); err != nil {
		fail("invalid_request", "unreadable form")
		return
	}
	if r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		fail("unsupported_grant_type", "Invalid grant_type")
		return
	}
	claims, err := s.verifyJWT(r.PostForm.Get("assertion"))
	if err != nil {
		fail("invalid_grant", "Invalid JWT Signature.")
		return
	}
	for _, sc := range strings.Fields(claims.Scope) {
		ok := false
		for _, allowed := range Scopes {
			ok = ok || sc == allowed
		}
		if !ok {
			fail("unauthorized_client", "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.")
			return
		}
	}
	if claims.Sub != "" {
		if _, ok := s.org.User(claims.Sub); !ok {
			fail("invalid_grant", "Invalid email or User ID")
			return
		}
	}
	s.nTokens.Add(1)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": tokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(claims.Sub)),
		"token_type":   "Bearer",
		"expires_in":   3599,
	})
}

type jwtClaims struct {
	Iss, Scope, Aud, Sub string
	Exp, Iat             int64
}

// verifyJWT checks an RS256 JWT against s's key and returns its claims.
func (s *Server) verifyJWT(tok string) (*jwtClaims, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("malformed jwt")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		return nil, err
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var c jwtClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// parseAccessToken returns the subject an access token was issued for.
func parseAccessToken(tok string) (string, error) {
	rest, ok := strings.CutPrefix(tok, tokenPrefix)
	if !ok {
		return "", errors.New("not a fake token")
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	return string(b), err
}
