package openaifake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// structuredBody is a non-streamed request for an answer of the JSON schema
// named kind.
func structuredBody(kind string) string {
	return `{"model":"m","messages":[{"role":"user","content":"I goed to school"}],
		"response_format":{"type":"json_schema","json_schema":{"name":"` + kind + `","schema":{"type":"object"},"strict":true}}}`
}

// completion is the part of a chat.completion the tests look at.
type completion struct {
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
}

// answer posts a structured request of kind and returns the answer's content
// and finish reason.
func answer(t *testing.T, srv *openaifake.Server, kind string) (string, string) {
	t.Helper()
	var c completion
	if err := json.NewDecoder(post(t, srv, structuredBody(kind)).Body).Decode(&c); err != nil || len(c.Choices) != 1 {
		t.Fatalf("answer to %s: %+v, %v", kind, c, err)
	}
	return c.Choices[0].Message.Content, c.Choices[0].FinishReason
}

// chatText posts a streamed chat completion and returns its text.
func chatText(t *testing.T, srv *openaifake.Server) string {
	t.Helper()
	fs, _ := frames(t, post(t, srv, streamBody).Body)
	var sb strings.Builder
	for _, f := range fs {
		var c chunk
		_ = json.Unmarshal([]byte(f), &c)
		for _, ch := range c.Choices {
			sb.WriteString(ch.Delta.Content)
		}
	}
	return sb.String()
}

// Each kind of structured request takes its answers from its own queue, and
// chat completions from theirs, in whatever order they arrive.
func TestKindQueues(t *testing.T) {
	srv := openaifake.New(t)
	srv.Enqueue(openaifake.Reply{Chunks: []string{"in character"}})
	srv.EnqueueKind("feedback", openaifake.JSON(map[string]string{"corrected": "I went to school"}),
		openaifake.JSON(map[string]string{"corrected": "second"}))
	srv.EnqueueKind("hint", openaifake.Raw(`{"lines":[]}`))

	if got, _ := answer(t, srv, "feedback"); got != `{"corrected":"I went to school"}` {
		t.Errorf("first feedback = %s", got)
	}
	if got, _ := answer(t, srv, "hint"); got != `{"lines":[]}` {
		t.Errorf("hint = %s", got)
	}
	if got := chatText(t, srv); got != "in character" {
		t.Errorf("chat reply = %q, want the one enqueued for chat", got)
	}
	if got, _ := answer(t, srv, "feedback"); got != `{"corrected":"second"}` {
		t.Errorf("second feedback = %s", got)
	}
	// Nothing left for the kind: the empty object, or KindDefault's answer;
	// chat goes on with its own default.
	if got, _ := answer(t, srv, "feedback"); got != "{}" {
		t.Errorf("unscripted feedback = %s, want {}", got)
	}
	srv.KindDefault = func(req openaifake.Request) openaifake.Reply {
		return openaifake.JSON(map[string]string{"kind": req.Kind(), "line": req.LastUserMessage()})
	}
	if got, _ := answer(t, srv, "translate"); got != `{"kind":"translate","line":"I goed to school"}` {
		t.Errorf("KindDefault's answer = %s", got)
	}
	if got := chatText(t, srv); got != "echo: hello there" {
		t.Errorf("chat default = %q", got)
	}

	if n := len(srv.RequestsOfKind("feedback")); n != 3 {
		t.Errorf("%d feedback requests recorded, want 3", n)
	}
	chats := srv.RequestsOfKind("")
	if len(chats) != 2 || chats[0].ResponseFormat != nil {
		t.Errorf("chat requests = %+v, want 2 with no response format", chats)
	}
	rf := srv.RequestsOfKind("hint")[0].ResponseFormat
	if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil || !rf.JSONSchema.Strict || string(rf.JSONSchema.Schema) != `{"type":"object"}` {
		t.Errorf("hint response_format = %+v", rf)
	}
}

// The garbage answers are what their names say.
func TestGarbageAnswers(t *testing.T) {
	srv := openaifake.New(t)
	srv.EnqueueKind("feedback", openaifake.InvalidJSON(), openaifake.WrongShape(),
		openaifake.Truncated(map[string]string{"corrected": "I went to school yesterday"}))

	if got, _ := answer(t, srv, "feedback"); json.Valid([]byte(got)) {
		t.Errorf("InvalidJSON answered valid JSON: %s", got)
	}
	got, _ := answer(t, srv, "feedback")
	var obj map[string]any
	if !json.Valid([]byte(got)) || json.Unmarshal([]byte(got), &obj) == nil {
		t.Errorf("WrongShape answered %s, want valid JSON that is not an object", got)
	}
	got, finish := answer(t, srv, "feedback")
	if json.Valid([]byte(got)) || !strings.HasPrefix(`{"corrected":"I went to school yesterday"}`, got) || finish != "length" {
		t.Errorf("Truncated answered %s (finish %s), want the first half of the JSON, finished by length", got, finish)
	}
}

// A slow structured answer holds only its own request: a chat completion
// sent meanwhile streams to its end.
func TestSlowAnswerHoldsOnlyItself(t *testing.T) {
	srv := openaifake.New(t)
	hold := openaifake.NewHold()
	srv.EnqueueKind("feedback", openaifake.Slow(openaifake.JSON(map[string]string{"corrected": "late"}), hold))
	done := make(chan string, 1)
	go func() { // no t.Fatal off the test's goroutine: errors come back as text
		resp, err := http.Post(srv.URL()+"/chat/completions", "application/json", strings.NewReader(structuredBody("feedback")))
		if err != nil {
			done <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		done <- string(b)
	}()
	<-hold.Reached()
	if got := chatText(t, srv); got != "echo: hello there" {
		t.Errorf("chat reply while feedback is held = %q", got)
	}
	select {
	case b := <-done:
		t.Fatalf("the held answer came before its release: %s", b)
	default:
	}
	hold.Release()
	if b := <-done; !strings.Contains(b, `{\"corrected\":\"late\"}`) {
		t.Errorf("released answer = %s", b)
	}
}
