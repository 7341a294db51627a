package api

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// Context keys of the authenticated caller.
const (
	keyUserID    = "chatplay.user_id"
	keySessionID = "chatplay.session_id"
)

// csrfHeader carries the double-submit token: the value of the csrf cookie,
// which only the site's own pages can read.
const csrfHeader = "X-CSRF-Token"

// cors lets the configured origins call the API with credentials, and answers
// their preflights. Other origins get no CORS headers: browsers then refuse
// them the response.
func (h *handlers) cors(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin == "" || !strings.HasPrefix(c.Request.URL.Path, "/api/") {
		c.Next()
		return
	}
	allowed := slices.Contains(h.cfg.AllowedOrigins, origin)
	if allowed {
		hd := c.Writer.Header()
		hd.Set("Access-Control-Allow-Origin", origin)
		hd.Set("Access-Control-Allow-Credentials", "true")
		hd.Add("Vary", "Origin")
	}
	if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
		if allowed {
			hd := c.Writer.Header()
			hd.Set("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE")
			hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, "+csrfHeader)
			hd.Set("Access-Control-Max-Age", "600")
		}
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	c.Next()
}

// noSniff tells browsers to trust the Content-Type of every response, errors
// included, rather than guess one (a JSON error echoing input must never be
// run as a script or page).
func noSniff(c *gin.Context) {
	c.Header("X-Content-Type-Options", "nosniff")
	c.Next()
}

// limitBody caps the request body at cfg.MaxBodyBytes: a declared length over
// it is refused at once, and reading past it fails in decode with 413.
func (h *handlers) limitBody(c *gin.Context) {
	// A body must say it is JSON. A cross-site HTML form can POST only
	// form types or text/plain without a CORS preflight, so this is what keeps
	// another site from logging a visitor into an account of its choosing
	// (login CSRF), on routes that no CSRF token protects yet.
	if c.Request.ContentLength != 0 {
		if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || mt != "application/json" {
			h.abortWith(c, engine.Errorf(codeMediaType, "The request body must be JSON, sent with Content-Type: application/json."))
			return
		}
	}
	if c.Request.ContentLength > h.cfg.MaxBodyBytes {
		h.abortWith(c, &http.MaxBytesError{Limit: h.cfg.MaxBodyBytes})
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, h.cfg.MaxBodyBytes)
	c.Next()
}

// authenticate admits a request with a valid access token, from the
// Authorization header (API clients) or the access cookie (browsers; unsafe
// methods must then carry the CSRF token too), whose session is still active.
func (h *handlers) authenticate(c *gin.Context) {
	// What an authenticated request answers is the user's own: never cached.
	c.Header("Cache-Control", "no-store")
	raw, fromCookie := bearerToken(c.GetHeader("Authorization")), false
	if raw == "" {
		if ck, err := c.Cookie(cookieAccess); err == nil && ck != "" {
			raw, fromCookie = ck, true
		}
	}
	if raw == "" {
		h.abortWith(c, engine.Errorf(engine.CodeUnauthenticated, "Sign in first."))
		return
	}
	if fromCookie && !h.csrfOK(c) {
		return
	}
	userID, sid, err := h.tokens.parseAccess(raw)
	if err != nil {
		h.abortWith(c, engine.Errorf(engine.CodeUnauthenticated, "The access token is not valid. Sign in again."))
		return
	}
	sess, err := h.sessions.FindSession(c.Request.Context(), sid)
	if err != nil && engine.ErrorCode(err) != engine.CodeNotFound {
		h.abortWith(c, err)
		return
	}
	if err != nil || sess.UserID != userID || !sess.Active(h.now()) {
		h.abortWith(c, engine.Errorf(engine.CodeUnauthenticated, "This sign-in has ended. Sign in again."))
		return
	}
	c.Set(keyUserID, userID)
	c.Set(keySessionID, sid)
	c.Next()
}

// csrfOK checks the double-submit token of a cookie-authenticated request
// with an unsafe method, answering 403 when it is missing or wrong.
func (h *handlers) csrfOK(c *gin.Context) bool {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	cookie, _ := c.Cookie(cookieCSRF)
	header := c.GetHeader(csrfHeader)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(header)) != 1 {
		h.abortWith(c, engine.Errorf(codeForbidden, "Missing or wrong %s header: send the value of the %s cookie.", csrfHeader, cookieCSRF))
		return false
	}
	return true
}

// bearerToken returns the token of an "Authorization: Bearer …" header.
func bearerToken(header string) string {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// userID returns the authenticated caller's id.
func userID(c *gin.Context) int64 { return c.GetInt64(keyUserID) }
