package api

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// handlers holds what every handler needs.
type handlers struct {
	eng      *engine.Engine
	sessions engine.SessionStore
	cfg      Config
	tokens   *tokens
	log      *slog.Logger
	now      func() time.Time

	loginByAccount *attemptLimiter // password checks per (normalized email, client address)
	loginByIP      *attemptLimiter // logins, signups and password checks per client address
	hashSlots      chan struct{}   // one token per argon2 hash running
}

func newHandlers(d Deps) *handlers {
	hashSlots := d.Auth.HashSlots
	if hashSlots == 0 {
		hashSlots = defaultHashSlots()
	}
	return &handlers{
		eng: d.Engine, sessions: d.Sessions, cfg: d.Auth, tokens: newTokens(d.Auth), log: d.Logger, now: d.Now,
		loginByAccount: newAttemptLimiter(d.Auth.LoginAttemptsPerAccount, d.Auth.LoginWindow, d.Auth.LoginTrackedKeys),
		loginByIP:      newAttemptLimiter(d.Auth.LoginAttemptsPerIP, d.Auth.LoginWindow, d.Auth.LoginTrackedKeys),
		hashSlots:      make(chan struct{}, hashSlots),
	}
}

// decode reads the JSON body into dst, strictly (an unknown field is an
// error naming it). An empty body leaves dst as it is when optional.
// It answers the error itself and returns false on failure.
func (h *handlers) decode(c *gin.Context, dst any, optional bool) bool {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if dec.More() {
			err = errors.New("trailing data")
		} else {
			return true
		}
	}
	if errors.Is(err, io.EOF) && optional {
		return true
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		h.abortWith(c, err)
	case errors.As(err, &typeErr):
		h.abortWith(c, engine.Invalid(typeErr.Field, "%s has the wrong type: want %s.", typeErr.Field, typeErr.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		h.abortWith(c, engine.Invalid(field, "Unknown field %s.", field))
	default:
		h.abortWith(c, engine.Errorf(codeBadRequest, "The request body must be a JSON object."))
	}
	return false
}

// pathID reads the :id parameter; anything but a positive integer is a room
// that does not exist.
func (h *handlers) pathID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.abortWith(c, engine.Errorf(engine.CodeNotFound, "Room not found."))
		return 0, false
	}
	return id, true
}

// page reads limit and the cursor (named cursorParam) from the query. The
// engine clamps the limit.
func (h *handlers) page(c *gin.Context, cursorParam string) (engine.Page, bool) {
	p := engine.Page{Cursor: c.Query(cursorParam)}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			h.abortWith(c, engine.Invalid("limit", "limit must be a whole number."))
			return p, false
		}
		p.Limit = n
	}
	if len(p.Cursor) > 20 {
		h.abortWith(c, engine.Invalid(cursorParam, "The cursor is not valid."))
		return p, false
	}
	return p, true
}
