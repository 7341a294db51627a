package openai

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/chatplay/chatplay/engine"
)

// go-openai encodes a request with encoding/json, which calls each message's
// MarshalJSON and then scans and compacts what it returned: two passes over
// every message of the window, on every turn, although the window changes by
// two messages a turn. go-openai v1.43.0 takes no other marshaller. So the
// client hands go-openai the request without its messages (encoded as null)
// and puts them in as the request goes out (messageDoer): one pass per
// message, none for a message whose encoding the engine kept from an earlier
// turn (engine.MessageEncoder, PromptMessage.Encoded). Every message is
// encoded by go-openai's own ChatCompletionMessage.MarshalJSON, and its output
// is what encoding/json puts in the request (the compacting pass leaves
// compact, HTML-escaped JSON as it is): the body is byte for byte the one
// go-openai would send.

// messagesKey is the context key of a call's messages.
type messagesKey struct{}

// withMessages returns ctx carrying the messages of the call's request.
func withMessages(ctx context.Context, msgs []engine.PromptMessage) context.Context {
	return context.WithValue(ctx, messagesKey{}, msgs)
}

// nullMessages is how go-openai encodes a request without messages. The
// request's first member is the model, a JSON string, and a JSON string holds
// no unescaped quote, so the first occurrence of this text in a body is the
// request's own messages member.
var nullMessages = []byte(`"messages":null`)

// errNoMessagesMember is returned when go-openai's body has no messages
// member to fill in, which only a change of go-openai can cause.
var errNoMessagesMember = errors.New(`openai: the request body from go-openai has no "messages":null to fill in`)

// encodeMessage returns m as go-openai encodes a chat message.
func encodeMessage(m engine.PromptMessage) ([]byte, error) {
	return goopenai.ChatCompletionMessage{Role: m.Role, Content: m.Content}.MarshalJSON()
}

// EncodeMessage returns m as it is sent in a request, for the engine to keep
// with the message and hand back in PromptMessage.Encoded
// (engine.MessageEncoder).
func (c *Client) EncodeMessage(m engine.PromptMessage) string {
	b, err := encodeMessage(m)
	if err != nil {
		return "" // encoded again, failing the same way, when sent
	}
	return string(b)
}

var _ engine.MessageEncoder = (*Client)(nil)

// messageDoer is the HTTP client go-openai sends with: it puts the messages
// of its request's context into the body before sending.
type messageDoer struct {
	hc *http.Client
}

// Do sends req with its messages filled in.
func (d messageDoer) Do(req *http.Request) (*http.Response, error) {
	if msgs, ok := req.Context().Value(messagesKey{}).([]engine.PromptMessage); ok && req.Body != nil {
		if err := fillMessages(req, msgs); err != nil {
			return nil, &engine.ModelError{Kind: engine.ModelBadRequest, Err: err}
		}
	}
	return d.hc.Do(req)
}

// fillMessages replaces req's body, go-openai's encoding of the request
// without messages, with the same encoding with msgs, read from its pieces:
// the window's kept encodings are not copied into one buffer first.
func fillMessages(req *http.Request, msgs []engine.PromptMessage) error {
	orig, err := io.ReadAll(req.Body)
	if err != nil {
		return fmt.Errorf("openai: reading the request body: %w", err)
	}
	_ = req.Body.Close()
	body, err := newRequestBody(orig, msgs)
	if err != nil {
		return err
	}
	req.ContentLength = body.size
	req.Body = io.NopCloser(body.reader())
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(body.reader()), nil }
	return nil
}

// requestBody is a request's body in pieces: go-openai's encoding of the
// request up to its messages, each message's encoding, and the rest.
type requestBody struct {
	head string   // up to "messages":[
	msgs []string // each message's encoding
	tail string   // from the ] after the messages
	size int64
}

// newRequestBody returns the pieces of orig, a request encoded with
// "messages":null, with msgs in its place: each message's Encoded when the
// engine kept it, else encoded now.
func newRequestBody(orig []byte, msgs []engine.PromptMessage) (*requestBody, error) {
	i := bytes.Index(orig, nullMessages)
	if i < 0 {
		return nil, errNoMessagesMember
	}
	b := &requestBody{
		head: string(orig[:i+len(nullMessages)-len("null")]) + "[",
		msgs: make([]string, len(msgs)),
		tail: "]" + string(orig[i+len(nullMessages):]),
	}
	b.size = int64(len(b.head) + len(b.tail) + max(len(msgs)-1, 0))
	for i, m := range msgs {
		enc := m.Encoded
		if enc == "" {
			e, err := encodeMessage(m)
			if err != nil {
				return nil, fmt.Errorf("openai: encoding a message: %w", err)
			}
			enc = string(e)
		}
		b.msgs[i] = enc
		b.size += int64(len(enc))
	}
	return b, nil
}

// reader returns a reader of the whole body from its start.
func (b *requestBody) reader() io.Reader { return &bodyReader{body: b, cur: b.head} }

// bodyReader reads a requestBody: cur, then the message at next (after a
// comma unless it is the first), and so on, then the tail.
type bodyReader struct {
	body  *requestBody
	cur   string // what is left of the piece being read
	next  int    // the next message; len(msgs) once they are all read
	comma bool   // the comma before msgs[next] has been read
	done  bool   // the tail is in cur or read
}

// Read copies as much of the body as fits into p.
func (r *bodyReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if r.cur == "" && !r.advance() {
			if n == 0 {
				return 0, io.EOF
			}
			break
		}
		c := copy(p[n:], r.cur)
		n += c
		r.cur = r.cur[c:]
	}
	return n, nil
}

// advance puts the next piece in cur, false at the end.
func (r *bodyReader) advance() bool {
	msgs := r.body.msgs
	switch {
	case r.next < len(msgs) && r.next > 0 && !r.comma:
		r.cur, r.comma = ",", true
	case r.next < len(msgs):
		r.cur, r.comma = msgs[r.next], false
		r.next++
	case !r.done:
		r.cur, r.done = r.body.tail, true
	default:
		return false
	}
	return true
}
