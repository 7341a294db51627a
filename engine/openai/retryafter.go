package openai

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// go-openai does not surface the headers of an error response, so the
// Retry-After header is captured by retryAfterTransport into a holder that
// each Stream call puts in its request's context.

// retryAfterKey is the context key of a call's *retryAfterHolder.
type retryAfterKey struct{}

// retryAfterHolder receives the Retry-After of one call's error response.
type retryAfterHolder struct {
	d atomic.Int64 // a time.Duration
}

// get returns the captured delay, zero when none was sent.
func (h *retryAfterHolder) get() time.Duration { return time.Duration(h.d.Load()) }

// withRetryAfterHolder returns ctx carrying h.
func withRetryAfterHolder(ctx context.Context, h *retryAfterHolder) context.Context {
	return context.WithValue(ctx, retryAfterKey{}, h)
}

// retryAfterTransport records the Retry-After header of 429 and 503 responses
// in the holder of the request's context.
type retryAfterTransport struct {
	base http.RoundTripper // nil means http.DefaultTransport
}

// RoundTrip sends req with the base transport and captures Retry-After.
func (t *retryAfterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return resp, err
	}
	if h, ok := req.Context().Value(retryAfterKey{}).(*retryAfterHolder); ok {
		if d := parseRetryAfter(resp.Header, time.Now()); d > 0 {
			h.d.Store(int64(d))
		}
	}
	return resp, nil
}

// parseRetryAfter reads how long the server asks to wait: OpenAI's
// retry-after-ms header when present, else Retry-After as delay-seconds or an
// HTTP date (relative to now). It returns zero when there is none, it cannot
// be parsed, or the date has passed.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < 1e12 { // false for NaN
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if !(secs > 0 && secs < 1e9) { // NaN too
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}
