package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// LinkCodeResponse answers POST /link-codes: a one-time code to send, in
// Telegram or Discord, as /link CODE.
type LinkCodeResponse struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

// IdentityResponse is a chat-platform account linked to the caller's.
type IdentityResponse struct {
	Provider engine.Provider `json:"provider"`
	Username string          `json:"username"`
	LinkedAt *time.Time      `json:"linked_at"` // null for an identity that was never linked with a code
}

// newIdentityResponse returns the public view of id: never its subject.
func newIdentityResponse(id *engine.Identity) IdentityResponse {
	return IdentityResponse{Provider: id.Provider, Username: id.Username, LinkedAt: id.LinkedAt}
}

// IdentityBody wraps one identity.
type IdentityBody struct {
	Identity IdentityResponse `json:"identity"`
}

// linkRequest is the body of POST /identities/link.
type linkRequest struct {
	Code string `json:"code"`
}

// createLinkCode makes a link code of the caller's account.
func (h *handlers) createLinkCode(c *gin.Context) {
	code, expires, err := h.eng.CreateLinkCode(c.Request.Context(), userID(c))
	if err != nil {
		h.abortWith(c, err)
		return
	}
	c.JSON(http.StatusCreated, LinkCodeResponse{Code: code, ExpiresAt: expires})
}

// linkIdentity redeems a code a bot gave (/link without a code): that chat
// account, and everything it played, joins the caller's account. The
// client's address counts against the sign-in attempt limit, and the account
// against the engine's per-redeemer limit.
func (h *handlers) linkIdentity(c *gin.Context) {
	var in linkRequest
	if !h.decode(c, &in, false) || !h.allowIP(c) {
		return
	}
	id, err := h.eng.RedeemIdentityLinkCode(c.Request.Context(), userID(c), in.Code)
	if err != nil {
		h.abortWith(c, err)
		return
	}
	c.JSON(http.StatusOK, IdentityBody{Identity: newIdentityResponse(id)})
}

// unlinkIdentity detaches the caller's identity of a provider; the rooms stay.
func (h *handlers) unlinkIdentity(c *gin.Context) {
	if _, err := h.eng.UnlinkIdentity(c.Request.Context(), userID(c), engine.Provider(c.Param("provider"))); err != nil {
		h.abortWith(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// identitiesOf returns the identities of the user, for GET and PATCH /auth/me.
func (h *handlers) identitiesOf(c *gin.Context, u *engine.User) (*[]IdentityResponse, error) {
	ids, err := h.eng.ListIdentities(c.Request.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]IdentityResponse, len(ids))
	for i, id := range ids {
		out[i] = newIdentityResponse(id)
	}
	return &out, nil
}
