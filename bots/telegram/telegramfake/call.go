package telegramfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"
)

// WaitTimeout bounds how long the Wait methods wait for a call before failing
// the test.
var WaitTimeout = 15 * time.Second

// Call is one Bot API call the server received, with its outcome.
type Call struct {
	Method      string            // canonical name, e.g. "sendMessage"
	Fields      map[string]string // every parameter, as text (JSON for objects)
	At          time.Time         // when it arrived
	ErrorCode   int               // the error answered, 0 on success
	Description string            // the error's description
	Result      json.RawMessage   // the result answered, on success
}

// Int returns field k as an integer (0 when absent).
func (c Call) Int(k string) int64 {
	n, _ := strconv.ParseInt(c.Fields[k], 10, 64)
	return n
}

// Decode decodes JSON field k (reply_markup, commands, …) into v.
func (c Call) Decode(k string, v any) error {
	if err := json.Unmarshal([]byte(c.Fields[k]), v); err != nil {
		return fmt.Errorf("telegramfake: field %s: %w", k, err)
	}
	return nil
}

// MessageID returns the message_id of the message a successful call returned.
func (c Call) MessageID() int {
	var m Message
	_ = json.Unmarshal(c.Result, &m)
	return m.MessageID
}

// Calls returns the calls received so far, in order; with methods, only
// calls of those methods.
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.calls, methods)
}

func filter(calls []Call, methods []string) []Call {
	var out []Call
	for _, c := range calls {
		if len(methods) == 0 || slices.Contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n calls of methods (any method when none is
// given) have been received and returns all of them; it fails tb after
// WaitTimeout.
func (s *Server) WaitCalls(tb testing.TB, n int, methods ...string) []Call {
	tb.Helper()
	return s.WaitFor(tb, fmt.Sprintf("%d calls of %v", n, methods), func(calls []Call) bool {
		return len(filter(calls, methods)) >= n
	}, methods...)
}

// WaitFor waits until ok holds for the calls of methods received so far and
// returns them; it fails tb, naming what, after WaitTimeout.
func (s *Server) WaitFor(tb testing.TB, what string, ok func([]Call) bool, methods ...string) []Call {
	tb.Helper()
	timeout := time.NewTimer(WaitTimeout)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		calls := filter(s.calls, methods)
		changed := s.changed
		s.mu.Unlock()
		if ok(calls) {
			return calls
		}
		select {
		case <-changed:
		case <-timeout.C:
			tb.Fatalf("telegramfake: timed out waiting for %s; calls so far:\n%s", what, describe(s.Calls()))
			return nil
		}
	}
}

// describe lists calls for a failure message.
func describe(calls []Call) string {
	var out string
	for _, c := range calls {
		if c.Method == "getUpdates" {
			continue
		}
		out += fmt.Sprintf("  %s %v", c.Method, c.Fields)
		if c.ErrorCode != 0 {
			out += fmt.Sprintf(" → %d %s", c.ErrorCode, c.Description)
		}
		out += "\n"
	}
	return out
}
