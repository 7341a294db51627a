package openaifake

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The wire forms of OpenAI's chat-completion responses.
type (
	wireUsage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	}
	wireMessage struct {
		Role    string `json:"role,omitempty"`
		Content string `json:"content,omitempty"`
	}
	wireChoice struct {
		Index        int          `json:"index"`
		Delta        *wireMessage `json:"delta,omitempty"`
		Message      *wireMessage `json:"message,omitempty"`
		Logprobs     *struct{}    `json:"logprobs"`
		FinishReason *string      `json:"finish_reason"`
	}
	wireCompletion struct {
		ID                string          `json:"id"`
		Object            string          `json:"object"`
		Created           int64           `json:"created"`
		Model             string          `json:"model"`
		SystemFingerprint *string         `json:"system_fingerprint"`
		Choices           []wireChoice    `json:"choices"`
		Usage             json.RawMessage `json:"usage,omitempty"`
	}
	wireError struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	}
)

// stream answers a streaming request with SSE frames, as OpenAI does: content
// chunks, a chunk with the finish reason, a usage chunk with no choices when
// stream_options.include_usage asked for it, then [DONE].
func (s *Server) stream(w http.ResponseWriter, r *http.Request, req Request, reply Reply, id string) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	if reply.RetryAfter != "" {
		h.Set("Retry-After", reply.RetryAfter)
	}
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()
	if reply.CutAfter == CutAtStart {
		abort()
	}

	base := wireCompletion{ID: id, Object: "chat.completion.chunk", Created: s.created, Model: req.Model}
	withUsage := req.wantsUsage() && !reply.NoUsage
	if withUsage {
		base.Usage = json.RawMessage("null")
	}
	send := func(v any) {
		b, _ := json.Marshal(v)
		_, _ = w.Write([]byte("data: " + string(b) + "\n\n"))
		_ = rc.Flush()
	}
	chunk := func(delta *wireMessage, finish *string) wireCompletion {
		c := base
		c.Choices = []wireChoice{{Delta: delta, FinishReason: finish}}
		return c
	}

	for i, content := range reply.Chunks {
		if !s.delay(r, reply, i) {
			return
		}
		if reply.CutAfter > 0 && i == reply.CutAfter {
			abort()
		}
		delta := &wireMessage{Content: content}
		if i == 0 {
			delta.Role = "assistant"
		}
		send(chunk(delta, nil))
	}
	if !s.delay(r, reply, len(reply.Chunks)) {
		return
	}
	if reply.CutAfter > 0 {
		abort() // CutAfter >= len(Chunks): every chunk, then no finish
	}
	if reply.ErrorMessage != "" {
		send(struct {
			Error wireError `json:"error"`
		}{envelope(reply)})
		return
	}
	if !reply.OmitFinish {
		finish := reply.finishReason()
		send(chunk(&wireMessage{}, &finish))
	}
	if withUsage {
		u := base
		u.Choices = []wireChoice{}
		u.Usage, _ = json.Marshal(usage(req, reply))
		send(u)
	}
	_, _ = w.Write([]byte("data: [DONE]\n\n"))
	_ = rc.Flush()
}

// complete answers a non-streaming request with one chat.completion object.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, req Request, reply Reply, id string) {
	reply.HoldAfter = 0 // a whole reply holds before it is written
	if !s.delay(r, reply, 0) {
		return
	}
	if reply.CutAfter != 0 {
		abort()
	}
	finish := reply.finishReason()
	c := wireCompletion{ID: id, Object: "chat.completion", Created: s.created, Model: req.Model,
		Choices: []wireChoice{{
			Message:      &wireMessage{Role: "assistant", Content: strings.Join(reply.Chunks, "")},
			FinishReason: &finish,
		}}}
	if !reply.NoUsage {
		c.Usage, _ = json.Marshal(usage(req, reply))
	}
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	writeJSON(w, http.StatusOK, c)
}

// usage returns the usage to report for reply: its own counts, or made-up
// ones (words of the prompt plus 3 per message; one per chunk).
func usage(req Request, reply Reply) wireUsage {
	p, c := reply.PromptTokens, reply.CompletionTokens
	if p == 0 {
		for _, m := range req.Messages {
			p += len(strings.Fields(m.Content)) + 3
		}
	}
	if c == 0 {
		c = len(reply.Chunks)
	}
	return wireUsage{PromptTokens: p, CompletionTokens: c, TotalTokens: p + c}
}

// envelope returns the error object of reply.
func envelope(reply Reply) wireError {
	e := wireError{Message: reply.ErrorMessage, Type: reply.ErrorType}
	if e.Message == "" {
		e.Message = http.StatusText(reply.Status)
	}
	if e.Type == "" {
		e.Type = "invalid_request_error"
		if reply.Status >= 500 || reply.Status == 0 {
			e.Type = "server_error"
		}
	}
	if reply.ErrorCode != "" {
		e.Code = &reply.ErrorCode
	}
	return e
}

// writeError answers with reply's status and its error envelope (or
// ErrorBody), and its Retry-After header.
func writeError(w http.ResponseWriter, reply Reply) {
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	if reply.ErrorBody != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(reply.Status)
		_, _ = w.Write([]byte(reply.ErrorBody))
		return
	}
	writeJSON(w, reply.Status, struct {
		Error wireError `json:"error"`
	}{envelope(reply)})
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// abort closes the connection at once, without ending the response, as a
// crashed server or a dropped connection would.
func abort() {
	panic(http.ErrAbortHandler)
}
