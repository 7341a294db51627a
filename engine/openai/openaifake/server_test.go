package openaifake_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

const streamBody = `{"model":"m","stream":true,"stream_options":{"include_usage":true},"max_tokens":64,"temperature":0.5,"user":"u1",
	"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello there"}]}`

// post sends body to the fake's chat-completions endpoint.
func post(t *testing.T, srv *openaifake.Server, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL()+"/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer sk-x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// chunk is the part of a chat.completion.chunk the tests look at.
type chunk struct {
	Object  string `json:"object"`
	Choices []struct {
		Delta struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
}

// frames reads SSE frames ("data: …" followed by a blank line) until the body ends.
func frames(t *testing.T, r io.Reader) ([]string, error) {
	t.Helper()
	var out []string
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			if line != "" {
				t.Errorf("partial line %q at the end", line)
			}
			return out, err
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("line %q is not a data line", line)
		}
		if blank, _ := br.ReadString('\n'); blank != "\n" {
			t.Fatalf("frame %q not followed by a blank line but %q", data, blank)
		}
		out = append(out, strings.TrimSuffix(data, "\n"))
	}
}

func TestStreamWireFormat(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		reply     openaifake.Reply
		wantUsage bool
	}{
		{"usage asked for", streamBody, openaifake.Reply{Chunks: []string{"Hi", " you"}, PromptTokens: 7, CompletionTokens: 2}, true},
		{"usage not asked for", strings.Replace(streamBody, `"include_usage":true`, `"include_usage":false`, 1), openaifake.Reply{Chunks: []string{"Hi", " you"}}, false},
		{"usage withheld", streamBody, openaifake.Reply{Chunks: []string{"Hi", " you"}, NoUsage: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			srv.Enqueue(tt.reply)
			resp := post(t, srv, tt.body)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			fs, err := frames(t, resp.Body)
			if err != io.EOF {
				t.Fatalf("body ended with %v, want a clean end", err)
			}
			if len(fs) == 0 || fs[len(fs)-1] != "[DONE]" {
				t.Fatalf("frames = %q, want [DONE] last", fs)
			}
			var content []string
			var finishes []string
			var usage int
			for _, f := range fs[:len(fs)-1] {
				var c chunk
				if err := json.Unmarshal([]byte(f), &c); err != nil || c.Object != "chat.completion.chunk" {
					t.Fatalf("frame %q: %v, object %q", f, err, c.Object)
				}
				if strings.Contains(f, `"usage"`) != tt.wantUsage {
					t.Errorf("frame %q: usage key present = %v, want %v", f, !tt.wantUsage, tt.wantUsage)
				}
				if c.Usage != nil {
					usage++
					if len(c.Choices) != 0 || !strings.Contains(f, `"choices":[]`) {
						t.Errorf("usage frame %q has choices", f)
					}
					if c.Usage.PromptTokens != 7 || c.Usage.CompletionTokens != 2 || c.Usage.TotalTokens != 9 {
						t.Errorf("usage = %+v, want 7 + 2 = 9", *c.Usage)
					}
					continue
				}
				if usage > 0 {
					t.Errorf("frame %q after the usage frame", f)
				}
				ch := c.Choices[0]
				if ch.Delta.Content != "" {
					content = append(content, ch.Delta.Content)
				}
				if ch.FinishReason != nil {
					finishes = append(finishes, *ch.FinishReason)
				}
			}
			if !slices.Equal(content, tt.reply.Chunks) {
				t.Errorf("content = %q, want %q", content, tt.reply.Chunks)
			}
			if !slices.Equal(finishes, []string{"stop"}) {
				t.Errorf("finish reasons = %q, want one stop", finishes)
			}
			if want := map[bool]int{true: 1}[tt.wantUsage]; usage != want {
				t.Errorf("%d usage frames, want %d", usage, want)
			}
		})
	}
}

func TestStreamCut(t *testing.T) {
	srv := openaifake.New(t)
	srv.Enqueue(openaifake.Reply{Chunks: []string{"a", "b", "c"}, CutAfter: 2})
	fs, err := frames(t, post(t, srv, streamBody).Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("body ended with %v, want the connection cut (unexpected EOF)", err)
	}
	if len(fs) != 2 {
		t.Errorf("got %d frames before the cut, want 2: %q", len(fs), fs)
	}
}

func TestStreamErrorEvent(t *testing.T) {
	srv := openaifake.New(t)
	srv.Enqueue(openaifake.Reply{Chunks: []string{"a"}, ErrorMessage: "boom", ErrorCode: "server_is_sad"})
	fs, err := frames(t, post(t, srv, streamBody).Body)
	if err != io.EOF || len(fs) != 2 {
		t.Fatalf("frames %q, end %v", fs, err)
	}
	want := `{"error":{"message":"boom","type":"server_error","param":null,"code":"server_is_sad"}}`
	if fs[1] != want {
		t.Errorf("error frame = %s, want %s", fs[1], want)
	}
}

func TestNotStreaming(t *testing.T) {
	srv := openaifake.New(t)
	srv.Enqueue(openaifake.Reply{Chunks: []string{"Hi", " you"}, FinishReason: "length", PromptTokens: 4, CompletionTokens: 2})
	resp := post(t, srv, strings.Replace(streamBody, `"stream":true`, `"stream":false`, 1))
	var got struct {
		Object  string `json:"object"`
		Model   string `json:"model"`
		Choices []struct {
			Message struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			TotalTokens int `json:"total_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Object != "chat.completion" || got.Model != "m" || len(got.Choices) != 1 ||
		got.Choices[0].Message.Role != "assistant" || got.Choices[0].Message.Content != "Hi you" ||
		got.Choices[0].FinishReason != "length" || got.Usage.TotalTokens != 6 {
		t.Errorf("completion = %+v", got)
	}
}

func TestErrorReply(t *testing.T) {
	tests := []struct {
		name  string
		reply openaifake.Reply
		want  string
	}{
		{"envelope", openaifake.Reply{Status: 429, RetryAfter: "7", ErrorCode: "rate_limit_exceeded", ErrorType: "requests", ErrorMessage: "slow down"},
			`{"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}`},
		{"defaults", openaifake.Reply{Status: 503},
			`{"error":{"message":"Service Unavailable","type":"server_error","param":null,"code":null}}`},
		{"raw body", openaifake.Reply{Status: 502, ErrorBody: "<html>bad gateway</html>"}, `<html>bad gateway</html>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			srv.Enqueue(tt.reply)
			resp := post(t, srv, streamBody)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.reply.Status || strings.TrimSpace(string(body)) != tt.want {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tt.reply.Status, tt.want)
			}
			if got := resp.Header.Get("Retry-After"); got != tt.reply.RetryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.reply.RetryAfter)
			}
		})
	}
}

func TestOtherEndpoints(t *testing.T) {
	srv := openaifake.New(t)
	resp, err := http.Get(srv.URL() + "/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Object string `json:"object"`
		Data   []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || list.Object != "list" || len(list.Data) != 1 || list.Data[0].ID != "fake-model" {
		t.Errorf("models = %+v, %v", list, err)
	}
	resp, err = http.Get(srv.URL() + "/embeddings")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown path: status %d, want 404", resp.StatusCode)
	}
	if n := srv.Count(); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

func TestQueueThenDefault(t *testing.T) {
	srv := openaifake.New(t)
	srv.Enqueue(openaifake.Reply{Chunks: []string{"first"}}, openaifake.Reply{Chunks: []string{"second"}})
	text := func() string {
		var sb strings.Builder
		fs, _ := frames(t, post(t, srv, streamBody).Body)
		for _, f := range fs[:len(fs)-1] {
			var c chunk
			_ = json.Unmarshal([]byte(f), &c)
			for _, ch := range c.Choices {
				sb.WriteString(ch.Delta.Content)
			}
		}
		return sb.String()
	}
	for _, want := range []string{"first", "second", "echo: hello there"} {
		if got := text(); got != want {
			t.Errorf("reply = %q, want %q", got, want)
		}
	}
	srv.Default = func(req openaifake.Request) openaifake.Reply {
		return openaifake.Reply{Chunks: []string{strings.ToUpper(req.LastUserMessage())}}
	}
	if got := text(); got != "HELLO THERE" {
		t.Errorf("reply = %q, want the custom default's", got)
	}
}

func TestRequestsRecorded(t *testing.T) {
	srv := openaifake.New(t)
	post(t, srv, streamBody)
	post(t, srv, `{"model":"vision","messages":[{"role":"user","content":[{"type":"text","text":"look "},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"here"}]}]}`)
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests recorded, want 2", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer sk-x" ||
		r.Model != "m" || r.MaxTokens != 64 || r.Temperature == nil || *r.Temperature != 0.5 || !r.Stream ||
		r.StreamOptions == nil || !r.StreamOptions.IncludeUsage || r.User != "u1" ||
		!slices.Equal(r.Messages, []openaifake.Message{{Role: "system", Content: "be brief"}, {Role: "user", Content: "hello there"}}) {
		t.Errorf("request = %+v", r)
	}
	if r := reqs[1]; r.Temperature != nil || r.Stream || r.LastUserMessage() != "look here" {
		t.Errorf("second request: temperature %v, stream %v, last user message %q", r.Temperature, r.Stream, r.LastUserMessage())
	}
}

// A held reply has flushed the chunks before the hold: a client sees them.
func TestHold(t *testing.T) {
	srv := openaifake.New(t)
	hold := openaifake.NewHold()
	srv.Enqueue(openaifake.Reply{Chunks: []string{"a", "b"}, Hold: hold, HoldAfter: 1})
	br := bufio.NewReader(post(t, srv, streamBody).Body)
	line, err := br.ReadString('\n')
	if err != nil || !strings.Contains(line, `"content":"a"`) {
		t.Fatalf("first line = %q, %v", line, err)
	}
	<-hold.Reached()
	hold.Release()
	hold.Release() // twice is fine
	rest, err := io.ReadAll(br)
	if err != nil || !strings.Contains(string(rest), `"content":"b"`) || !strings.HasSuffix(string(rest), "data: [DONE]\n\n") {
		t.Errorf("rest = %q, %v", rest, err)
	}
}

// A reply still held when the test ends does not keep the server from closing.
func TestHeldReplyAtCleanup(t *testing.T) {
	done := make(chan error, 1)
	t.Run("leaves a reply held", func(t *testing.T) {
		srv := openaifake.New(t)
		hold := openaifake.NewHold()
		srv.Enqueue(openaifake.Reply{Chunks: []string{"a"}, Hold: hold})
		go func() {
			resp, err := http.Post(srv.URL()+"/chat/completions", "application/json", strings.NewReader(streamBody))
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			done <- err
		}()
		<-hold.Reached()
	})
	<-done // the subtest's cleanup returned, and the request ended
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"one", []string{"one"}},
		{"echo: 안녕 하세요", []string{"echo: ", "안녕 ", "하세요"}},
		{"a  b ", []string{"a  ", "b "}},
		{" lead", []string{" ", "lead"}},
	}
	for _, tt := range tests {
		got := openaifake.SplitWords(tt.in)
		if !slices.Equal(got, tt.want) || strings.Join(got, "") != tt.in {
			t.Errorf("SplitWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
