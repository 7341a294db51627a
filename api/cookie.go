package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// The auth cookies. Access and refresh are HttpOnly; the CSRF cookie is
// readable by the site's scripts, which echo it in the X-CSRF-Token header.
const (
	cookieAccess  = "chatplay_access"
	cookieRefresh = "chatplay_refresh"
	cookieCSRF    = "chatplay_csrf"
)

// Cookie paths: each cookie goes only where it is needed.
const (
	pathAccess  = "/api/"
	pathRefresh = apiPrefix + "/auth/"
	pathCSRF    = "/"
)

// setAuthCookies sets the three auth cookies of a sign-in.
func (h *handlers) setAuthCookies(c *gin.Context, access, refresh string, refreshExpires time.Time) {
	h.setCookie(c, cookieAccess, access, pathAccess, h.cfg.AccessTTL, true)
	h.setCookie(c, cookieRefresh, refresh, pathRefresh, refreshExpires.Sub(h.now()), true)
	h.setCookie(c, cookieCSRF, randomToken(32), pathCSRF, refreshExpires.Sub(h.now()), false)
}

// clearAuthCookies removes the auth cookies.
func (h *handlers) clearAuthCookies(c *gin.Context) {
	h.setCookie(c, cookieAccess, "", pathAccess, -1, true)
	h.setCookie(c, cookieRefresh, "", pathRefresh, -1, true)
	h.setCookie(c, cookieCSRF, "", pathCSRF, -1, false)
}

// setCookie sets one SameSite=Lax cookie; maxAge < 0 deletes it.
func (h *handlers) setCookie(c *gin.Context, name, value, path string, maxAge time.Duration, httpOnly bool) {
	ck := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: httpOnly, SameSite: http.SameSiteLaxMode,
		Secure: h.secureCookies(c)}
	if maxAge < 0 {
		ck.MaxAge = -1
	} else {
		ck.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(c.Writer, ck)
}

// secureCookies reports whether cookies get the Secure attribute.
func (h *handlers) secureCookies(c *gin.Context) bool {
	switch h.cfg.CookieSecure {
	case CookieSecureAlways:
		return true
	case CookieSecureNever:
		return false
	}
	return c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https"
}
