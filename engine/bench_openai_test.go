package engine_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// instantTransport is an OpenAI-compatible server in memory: it reads each
// request's body as a connection would and answers every chat completion at
// once with the stream of a two-delta reply, its usage and [DONE].
type instantTransport struct{}

var instantStream = []byte(strings.Join([]string{
	`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"네, 아메리카노 "},"finish_reason":null}]}`,
	`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"한 잔 나왔습니다."},"finish_reason":null}]}`,
	`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
	`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":500,"completion_tokens":12,"total_tokens":512}}`,
	`[DONE]`,
}, "\n\ndata: "))

func (instantTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if _, err := io.Copy(io.Discard, req.Body); err != nil {
		return nil, err
	}
	req.Body.Close()
	body := append(append([]byte("data: "), instantStream...), "\n\n"...)
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: io.NopCloser(bytes.NewReader(body)), Request: req}, nil
}

// BenchmarkChatTurnOpenAI is BenchmarkChatTurn with the OpenAI client as the
// model, over an in-memory transport: what the service pays per turn for the
// database, the prompt, and encoding the request and decoding the stream,
// with a full window (1,000 prior messages):
//
//	go test ./engine -run '^$' -bench ChatTurnOpenAI -benchmem
func BenchmarkChatTurnOpenAI(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects() {
		for _, cached := range []int{engine.DefaultPromptConfig().CachedRooms, 0} {
			b.Run(fmt.Sprintf("%s/prior=1000/cached_rooms=%d", dialect, cached), func(b *testing.B) {
				model := openai.New(openai.Config{BaseURL: "http://model.invalid/v1", HTTPClient: &http.Client{Transport: instantTransport{}}})
				benchTurnsWith(b, sqlstoretest.Open(b, dialect), 1000, cached, model)
			})
		}
	}
}
