package openai_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
)

// The benchmarks of this file time what the client itself costs per chat
// turn, with no network: the request is encoded and handed to an in-memory
// transport, which reads it and answers with a canned stream.

// benchWindow returns a full prompt window: a system prompt of about 2 KB and
// n messages of history (Korean and English, some with quotes, angle
// brackets and ampersands), then the user's new line: about the 8,192-token
// window of the default configuration when n is 400.
func benchWindow(n int) []engine.PromptMessage {
	msgs := []engine.PromptMessage{{Role: "system", Content: strings.Repeat(
		"You are playing a role in a conversation practice scene with a learner of Korean. <scene>\n{\"situation\": \"a café in Seoul\"}\n</scene>\n", 16)}}
	lines := []string{
		"아메리카노 한 잔 주세요. 따뜻한 걸로요.",
		"네, 따뜻한 아메리카노 한 잔이요? 사이즈는 어떻게 해 드릴까요?",
		"I said \"large\" & <please> hurry, my bus leaves at 5 o'clock.",
		"큰 사이즈로 주세요. 그리고 케이크도 하나 있어요?",
	}
	for i := 0; i < n; i++ {
		role := "user"
		if i%2 == 1 {
			role = "assistant"
		}
		msgs = append(msgs, engine.PromptMessage{Role: role, Content: fmt.Sprintf("%s (%d)", lines[i%len(lines)], i)})
	}
	return append(msgs, engine.PromptMessage{Role: "user", Content: "감사합니다. 얼마예요?"})
}

// benchStream is the answer the in-memory transport gives: 20 content
// chunks as OpenAI sends them, the finish chunk, the usage chunk and [DONE].
var benchStream = func() []byte {
	var b bytes.Buffer
	chunk := func(delta, finish, usage string) {
		fmt.Fprintf(&b, `data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1727292100,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_1bb46167f9","choices":[%s],"usage":%s}`+"\n\n", func() string {
			if delta == "" && finish == "" {
				return ""
			}
			f := "null"
			if finish != "" {
				f = `"` + finish + `"`
			}
			return fmt.Sprintf(`{"index":0,"delta":{%s},"logprobs":null,"finish_reason":%s}`, delta, f)
		}(), usage)
	}
	chunk(`"role":"assistant","content":"","refusal":null`, "", "null")
	for i := 0; i < 20; i++ {
		chunk(`"content":"네, 잠시만요 "`, "", "null")
	}
	chunk("", "stop", "null")
	chunk("", "", `{"prompt_tokens":8000,"completion_tokens":80,"total_tokens":8080}`)
	b.WriteString("data: [DONE]\n\n")
	return b.Bytes()
}()

// memoryTransport answers every request with benchStream, after reading the
// request's body as a connection would.
type memoryTransport struct{ bodyBytes int64 }

func (t *memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	n, err := io.Copy(io.Discard, req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	t.bodyBytes = n
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"text/event-stream"}},
		Body:    io.NopCloser(bytes.NewReader(benchStream)),
		Request: req,
	}, nil
}

// BenchmarkStream times one Stream call with a full window: encoding the
// request, and reading and decoding the 23 chunks of the answer. It also
// reports the process's CPU time per call (cpu-ns/op), which moves far less
// than the wall time on a shared machine.
func BenchmarkStream(b *testing.B) {
	tr := &memoryTransport{}
	c := openai.New(openai.Config{BaseURL: "http://model.invalid/v1", HTTPClient: &http.Client{Transport: tr}})
	req := engine.ModelRequest{Model: "gpt-4o-mini", Messages: benchWindow(400), MaxTokens: 512, Temperature: 0.8, User: "42"}
	deltas := 0
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if _, err := c.Stream(b.Context(), req, func(string) { deltas++ }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(tr.bodyBytes), "body-bytes")
}

// BenchmarkStreamEncodingsKept is BenchmarkStream with every message's
// encoding kept from earlier turns but the newest, as the engine hands a
// room's window over (engine.MessageEncoder).
func BenchmarkStreamEncodingsKept(b *testing.B) {
	tr := &memoryTransport{}
	c := openai.New(openai.Config{BaseURL: "http://model.invalid/v1", HTTPClient: &http.Client{Transport: tr}})
	msgs := benchWindow(400)
	for i := range msgs[:len(msgs)-1] {
		msgs[i].Encoded = c.EncodeMessage(msgs[i])
	}
	req := engine.ModelRequest{Model: "gpt-4o-mini", Messages: msgs, MaxTokens: 512, Temperature: 0.8, User: "42"}
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if _, err := c.Stream(b.Context(), req, func(string) {}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(tr.bodyBytes), "body-bytes")
}
