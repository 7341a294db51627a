package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// instantReply is what the instant model answers every chat completion with,
// in two pieces when streaming, so that a reply has more than one delta.
var instantReply = [2]string{"네, 아메리카노 ", "한 잔 나왔습니다."}

// instantModel is an OpenAI-compatible model server that answers at once, so
// that what a load run measures is chatplay's own work. It serves
// POST /v1/chat/completions, streaming (SSE chunks, then a usage chunk when
// stream_options.include_usage asks for it, then [DONE]) and not, and
// GET /v1/models. It keeps nothing per request: it may serve any number.
// The openaifake package is not used because it records every request and
// needs a testing.TB.
type instantModel struct {
	n atomic.Int64 // completions answered, for their ids
}

// chatRequest is the part of a chat completion request the model reads.
type chatRequest struct {
	Model         string `json:"model"`
	Stream        bool   `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// usage is the token count every reply reports.
type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

var replyUsage = usage{PromptTokens: 500, CompletionTokens: 12, TotalTokens: 512}

// ServeHTTP answers one request.
func (m *instantModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
		m.complete(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":0,"owned_by":"chatplay-load"}]}`)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"message":"unknown request URL","type":"invalid_request_error"}}`)
	}
}

// complete answers a chat completion.
func (m *instantModel) complete(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"message":"could not parse the JSON body","type":"invalid_request_error"}}`)
		return
	}
	if req.Model == "" {
		req.Model = "gpt-4o-mini"
	}
	id := "chatcmpl-load" + strconv.FormatInt(m.n.Add(1), 10)
	created := time.Now().Unix()
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": id, "object": "chat.completion", "created": created, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": instantReply[0] + instantReply[1]}}},
			"usage": replyUsage,
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	events := []any{
		chunk(map[string]any{"role": "assistant", "content": instantReply[0]}, nil),
		chunk(map[string]any{"content": instantReply[1]}, nil),
		chunk(map[string]any{}, "stop"),
	}
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		events = append(events, map[string]any{"id": id, "object": "chat.completion.chunk", "created": created,
			"model": req.Model, "choices": []any{}, "usage": replyUsage})
	}
	flusher, _ := w.(http.Flusher)
	for _, ev := range events {
		b, _ := json.Marshal(ev)
		if _, err := io.WriteString(w, "data: "+string(b)+"\n\n"); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	io.WriteString(w, "data: [DONE]\n\n")
}
