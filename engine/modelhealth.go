package engine

import (
	"sync"
	"time"
)

// ModelHealth is a Metrics that keeps how the model server's last call went,
// for the readiness document. Its zero value is not usable: make one with
// NewModelHealth.
type ModelHealth struct {
	NopMetrics
	now func() time.Time

	mu    sync.Mutex
	state ModelState
}

// ModelState is how the model server's last call went.
type ModelState struct {
	Configured bool           // a model server is configured (a key, or a local server)
	Calls      int64          // calls made since the start
	LastKind   ModelErrorKind // the last call's failure; "" when it succeeded or none was made
	At         time.Time      // when the last call ended; zero before the first
}

// Failing reports whether the last call failed in a way that says the model
// server cannot serve (unreachable, timing out, overloaded, refusing the key
// or out of quota), as opposed to a request of its own the server refused.
func (s ModelState) Failing() bool {
	switch s.LastKind {
	case "", ModelBadRequest, ModelContextLength, ModelCanceled:
		return false
	}
	return true
}

var _ Metrics = (*ModelHealth)(nil)

// NewModelHealth returns a ModelHealth with no call yet; configured says
// whether a model server is configured.
func NewModelHealth(configured bool, now func() time.Time) *ModelHealth {
	if now == nil {
		now = time.Now
	}
	return &ModelHealth{now: now, state: ModelState{Configured: configured}}
}

// ModelAttempt implements Metrics: it records the call's outcome.
func (h *ModelHealth) ModelAttempt(_ CallKind, errKind ModelErrorKind) {
	if errKind == ModelCanceled {
		return // the caller gave up: nothing learned about the server
	}
	at := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state.Calls++
	h.state.LastKind, h.state.At = errKind, at
}

// State returns how the last call went.
func (h *ModelHealth) State() ModelState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}
