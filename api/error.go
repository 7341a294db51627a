package api

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// Codes the HTTP layer adds to the engine's vocabulary.
const (
	codeTooLarge   engine.Code = "too_large"              // the request body is over the cap
	codeForbidden  engine.Code = "forbidden"              // a cookie-authenticated write without its CSRF token, or a disallowed origin
	codeBadRequest engine.Code = "bad_request"            // a body that is not the JSON expected
	codeMediaType  engine.Code = "unsupported_media_type" // a body that does not say it is JSON
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[engine.Code]int{
	engine.CodeInvalid:            http.StatusBadRequest,
	codeBadRequest:                http.StatusBadRequest,
	engine.CodeUnauthenticated:    http.StatusUnauthorized,
	codeForbidden:                 http.StatusForbidden,
	engine.CodeNotFound:           http.StatusNotFound,
	engine.CodeConflict:           http.StatusConflict,
	codeTooLarge:                  http.StatusRequestEntityTooLarge,
	codeMediaType:                 http.StatusUnsupportedMediaType,
	engine.CodeRateLimited:        http.StatusTooManyRequests,
	engine.CodeInternal:           http.StatusInternalServerError,
	engine.CodeModelRejected:      http.StatusBadGateway,
	engine.CodeModelUnavailable:   http.StatusServiceUnavailable,
	engine.CodeModelNotConfigured: http.StatusServiceUnavailable,
	engine.CodeUnavailable:        http.StatusServiceUnavailable,
}

// HTTPStatus returns the status an error code is answered with.
func HTTPStatus(code engine.Code) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// ErrorBody is the envelope of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is an error's code, safe message and, for invalid input, the field.
type ErrorDetail struct {
	Code    engine.Code `json:"code"`
	Message string      `json:"message"`
	Field   string      `json:"field,omitempty"`
	// Reason refines the code (too_long, required, room_limit, busy, …) for
	// clients that explain errors in their own words.
	Reason engine.Reason `json:"reason,omitempty"`
}

// errorBody returns the envelope of e.
func errorBody(e *engine.Error) ErrorBody {
	return ErrorBody{Error: ErrorDetail{Code: e.Code, Message: e.Message, Field: e.Field, Reason: e.Reason}}
}

// publicError turns err into the engine error to show, logging what is
// internal. Decoding errors of the request body become too_large or bad_request.
func publicError(log *slog.Logger, err error) *engine.Error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &engine.Error{Code: codeTooLarge, Message: "The request body is too large: at most " + strconv.FormatInt(tooBig.Limit, 10) + " bytes."}
	}
	e := engine.AsError(err)
	if e.Code == engine.CodeInternal {
		log.Error("api: internal error", "err", err)
	}
	return e
}

// abortWith answers err in the envelope, with its status and, for rate limits
// and retriable failures, Retry-After.
func (h *handlers) abortWith(c *gin.Context, err error) {
	e := publicError(h.log, err)
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(retryAfterSeconds(e)))
	}
	c.AbortWithStatusJSON(HTTPStatus(e.Code), errorBody(e))
}

// retryAfterSeconds returns e's RetryAfter in whole seconds, rounded up.
func retryAfterSeconds(e *engine.Error) int {
	return int(math.Ceil(e.RetryAfter.Seconds()))
}

// noRoute answers unknown paths; under /api in the API's envelope.
func (h *handlers) noRoute(c *gin.Context) {
	h.abortWith(c, engine.Errorf(engine.CodeNotFound, "No such endpoint."))
}
