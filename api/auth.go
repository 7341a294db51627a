package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// signupRequest is the body of POST /auth/signup.
type signupRequest struct {
	Email       string `json:"email"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
	Locale      string `json:"locale"`
}

// loginRequest is the body of POST /auth/login.
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// signup creates a web account and signs it in.
func (h *handlers) signup(c *gin.Context) {
	var in signupRequest
	if !h.decode(c, &in, false) || !h.allowIP(c) {
		return
	}
	if err := checkPassword(in.Password); err != nil {
		h.abortWith(c, err)
		return
	}
	email, err := engine.NormalizeEmail(in.Email) // before the slow hash
	if err != nil {
		h.abortWith(c, err)
		return
	}
	release, ok := h.acquireHashSlot(c)
	if !ok {
		return
	}
	hash, err := hashPassword(c.Request.Context(), in.Password)
	release()
	if err != nil {
		h.abortWith(c, err)
		return
	}
	locale := in.Locale
	if locale == "" {
		locale = c.GetHeader("Accept-Language")
	}
	u, err := h.eng.CreateUser(c.Request.Context(), engine.NewUser{Email: email, PasswordHash: hash, DisplayName: in.DisplayName, Locale: locale})
	if err != nil {
		h.abortWith(c, err)
		return
	}
	h.signIn(c, u, http.StatusCreated)
}

// login signs a web account in. An unknown email and a wrong password get the
// same answer, after the same work. The IP limit comes first; the account
// limit counts only what reaches the password check (see throttle.go).
func (h *handlers) login(c *gin.Context) {
	var in loginRequest
	if !h.decode(c, &in, false) || !h.allowIP(c) {
		return
	}
	if len(in.Password) > 4*MaxPasswordChars { // bytes: up to 4 per character
		h.abortWith(c, engine.Invalid("password", "The password is too long."))
		return
	}
	email, err := engine.NormalizeEmail(in.Email)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	u, err := h.eng.FindUserByEmail(c.Request.Context(), email)
	hash, userID := dummyHash(), int64(0)
	if err == nil && u.PasswordHash != nil {
		hash, userID = *u.PasswordHash, u.ID
	} else if err != nil && engine.ErrorCode(err) != engine.CodeNotFound {
		h.abortWith(c, err)
		return
	}
	pc := h.startPasswordCheck(c, email, userID)
	if pc == nil {
		return
	}
	ok, answered := h.verify(c, pc, hash, in.Password)
	if answered {
		return
	}
	if userID == 0 || !ok {
		h.abortWith(c, engine.Errorf(engine.CodeUnauthenticated, "The email or password is wrong."))
		return
	}
	h.signIn(c, u, http.StatusOK)
}

// signIn starts a session for u and answers its tokens, in the body and in cookies.
func (h *handlers) signIn(c *gin.Context, u *engine.User, status int) {
	now := h.now().UTC()
	refresh := randomToken(32)
	sess := &engine.Session{ID: randomToken(18), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(h.cfg.RefreshTTL)}
	first := &engine.RefreshToken{Hash: hashRefresh(refresh), CreatedAt: now, ExpiresAt: sess.ExpiresAt}
	if err := h.sessions.CreateSession(c.Request.Context(), sess, first); err != nil {
		h.abortWith(c, err)
		return
	}
	h.answerTokens(c, u, sess.ID, refresh, first.ExpiresAt, status)
}

// answerTokens issues an access token in session sid and answers it with the
// refresh token, setting the cookies.
func (h *handlers) answerTokens(c *gin.Context, u *engine.User, sid, refresh string, refreshExpires time.Time, status int) {
	access, err := h.tokens.issueAccess(u.ID, sid, h.now())
	if err != nil {
		h.abortWith(c, err)
		return
	}
	h.setAuthCookies(c, access, refresh, refreshExpires)
	c.Header("Cache-Control", "no-store")
	c.JSON(status, AuthResponse{User: newUserResponse(u), AccessToken: access, TokenType: "Bearer",
		ExpiresIn: int(h.cfg.AccessTTL.Seconds()), RefreshToken: refresh})
}

// refreshRequest is the optional body of POST /auth/refresh.
type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// refresh trades a refresh token (from the body, else its cookie) for a new
// access token and a new refresh token. A used one revokes its session.
func (h *handlers) refresh(c *gin.Context) {
	var in refreshRequest
	if !h.decode(c, &in, true) {
		return
	}
	token := in.RefreshToken
	if token == "" {
		ck, err := c.Cookie(cookieRefresh)
		if err != nil || ck == "" {
			h.abortWith(c, engine.Errorf(engine.CodeUnauthenticated, "No refresh token: sign in again."))
			return
		}
		if !h.csrfOK(c) {
			return
		}
		token = ck
	}
	if len(token) > maxRefreshTokenLen {
		h.abortWith(c, engine.Invalid("refresh_token", "refresh_token is too long."))
		return
	}
	// The user is read before the token is rotated: a failure to read it
	// (the database) then answers 5xx and leaves the sign-in as it was, where
	// a rotation already made would have cost the client its token.
	oldHash := hashRefresh(token)
	owner, err := h.sessions.FindRefreshSession(c.Request.Context(), oldHash)
	if err != nil {
		h.refreshFailed(c, err)
		return
	}
	u, err := h.eng.FindUser(c.Request.Context(), owner.UserID)
	if err != nil {
		if engine.ErrorCode(err) == engine.CodeNotFound {
			err = engine.Errorf(engine.CodeUnauthenticated, "This account no longer exists.")
		}
		h.refreshFailed(c, err)
		return
	}
	now := h.now().UTC()
	next := randomToken(32)
	nextRow := &engine.RefreshToken{Hash: hashRefresh(next), CreatedAt: now, ExpiresAt: now.Add(h.cfg.RefreshTTL)}
	sess, err := h.sessions.RotateRefreshToken(c.Request.Context(), oldHash, nextRow, now)
	if err != nil {
		if errors.Is(err, engine.ErrRefreshReused) {
			h.log.Warn("security: a used refresh token was presented again; its sign-in is revoked", "event", "refresh_token_reused",
				"user_id", owner.UserID, "client_ip", clientAddr(c))
		}
		h.refreshFailed(c, err)
		return
	}
	h.answerTokens(c, u, sess.ID, next, nextRow.ExpiresAt, http.StatusOK)
}

// refreshFailed answers a refresh that failed: a token that is not (or no
// longer) valid is 401 and clears the cookies; anything else (the database)
// keeps them, for the client to try again.
func (h *handlers) refreshFailed(c *gin.Context, err error) {
	if engine.ErrorCode(err) == engine.CodeNotFound {
		err = engine.Errorf(engine.CodeUnauthenticated, "The refresh token is not valid. Sign in again.")
	}
	if engine.ErrorCode(err) == engine.CodeUnauthenticated {
		h.clearAuthCookies(c)
	}
	h.abortWith(c, err)
}

// logout ends the caller's session: its access tokens and its whole
// refresh-token family stop working at once.
func (h *handlers) logout(c *gin.Context) {
	if err := h.sessions.RevokeSession(c.Request.Context(), c.GetString(keySessionID), h.now().UTC()); err != nil {
		h.abortWith(c, err)
		return
	}
	h.clearAuthCookies(c)
	c.Status(http.StatusNoContent)
}

// me answers the caller's account.
func (h *handlers) me(c *gin.Context) {
	u, err := h.eng.FindUser(c.Request.Context(), userID(c))
	if err != nil {
		h.abortWith(c, err)
		return
	}
	h.answerMe(c, u)
}

// answerMe answers the account u with its identities.
func (h *handlers) answerMe(c *gin.Context, u *engine.User) {
	resp := newUserResponse(u)
	ids, err := h.identitiesOf(c, u)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	resp.Identities = ids
	c.JSON(http.StatusOK, UserBody{User: resp})
}

// deleteMeRequest is the body of DELETE /auth/me.
type deleteMeRequest struct {
	Password string `json:"password"`
}

// deleteMe deletes the caller's account and everything it owns, once the
// password is confirmed. The password check goes through the same limits as
// login's.
func (h *handlers) deleteMe(c *gin.Context) {
	var in deleteMeRequest
	if !h.decode(c, &in, false) || !h.allowIP(c) {
		return
	}
	u, err := h.eng.FindUser(c.Request.Context(), userID(c))
	if err != nil {
		h.abortWith(c, err)
		return
	}
	if u.PasswordHash == nil || u.Email == nil || len(in.Password) > 4*MaxPasswordChars {
		h.abortWith(c, engine.Invalid("password", "The password is wrong."))
		return
	}
	email, err := engine.NormalizeEmail(*u.Email)
	if err != nil { // stored before today's rules: its stored form is its key
		email = *u.Email
	}
	pc := h.startPasswordCheck(c, email, u.ID)
	if pc == nil {
		return
	}
	ok, answered := h.verify(c, pc, *u.PasswordHash, in.Password)
	if answered {
		return
	}
	if !ok {
		h.abortWith(c, engine.Invalid("password", "The password is wrong."))
		return
	}
	if err := h.eng.DeleteUser(c.Request.Context(), u.ID); err != nil {
		h.abortWith(c, err)
		return
	}
	h.clearAuthCookies(c)
	c.Status(http.StatusNoContent)
}
