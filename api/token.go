package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenTypeAccess is the typ claim of an access token. Refresh tokens are not
// JWTs at all, and no other kind of JWT is accepted for access.
const tokenTypeAccess = "access"

// accessClaims are the claims of an access token.
type accessClaims struct {
	jwt.RegisteredClaims
	Type      string `json:"typ"` // always tokenTypeAccess
	SessionID string `json:"sid"` // the sign-in it belongs to; revoked with it
}

// tokens issues and checks access tokens and mints refresh tokens.
type tokens struct {
	secret   []byte
	issuer   string
	audience string
	ttl      time.Duration
	parser   *jwt.Parser
}

// newTokens returns the token service of cfg.
func newTokens(cfg Config) *tokens {
	return &tokens{
		secret: cfg.JWTSecret, issuer: cfg.Issuer, audience: cfg.Audience, ttl: cfg.AccessTTL,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), // no "none", no HS512, no RS/HS confusion
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithIssuer(cfg.Issuer),
			jwt.WithAudience(cfg.Audience),
			jwt.WithLeeway(30*time.Second),
		),
	}
}

// issueAccess returns a signed access token of userID in session sid.
func (t *tokens) issueAccess(userID int64, sid string, now time.Time) (string, error) {
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   strconv.FormatInt(userID, 10),
			Audience:  jwt.ClaimStrings{t.audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        randomToken(16),
		},
		Type:      tokenTypeAccess,
		SessionID: sid,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return s, nil
}

// parseAccess checks an access token (signature, algorithm, exp, iat, iss,
// aud, typ) and returns its user id and session id.
func (t *tokens) parseAccess(raw string) (userID int64, sid string, err error) {
	var claims accessClaims
	_, err = t.parser.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return t.secret, nil })
	if err != nil {
		return 0, "", err
	}
	if claims.Type != tokenTypeAccess {
		return 0, "", errors.New("not an access token")
	}
	userID, err = strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil || userID <= 0 || claims.SessionID == "" {
		return 0, "", errors.New("access token without a user or session")
	}
	return userID, claims.SessionID, nil
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashRefresh returns what the store keeps of a refresh token: its SHA-256,
// in hex. The token has 256 random bits, so no salt or slow hash is needed.
func hashRefresh(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// maxRefreshTokenLen bounds a refresh token read from a request (ours are 43).
const maxRefreshTokenLen = 128
