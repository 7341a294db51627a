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
// without messages, with the same encoding with msgs.
func fillMessages(req *http.Request, msgs []engine.PromptMessage) error {
	orig, err := io.ReadAll(req.Body)
	if err != nil {
		return fmt.Errorf("openai: reading the request body: %w", err)
	}
	_ = req.Body.Close()
	body, err := requestBody(orig, msgs)
	if err != nil {
		return err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return nil
}

// requestBody returns orig, a request encoded with "messages":null, with msgs
// encoded in its place: each message's Encoded when the engine kept it, else
// encoded now.
func requestBody(orig []byte, msgs []engine.PromptMessage) ([]byte, error) {
	i := bytes.Index(orig, nullMessages)
	if i < 0 {
		return nil, errNoMessagesMember
	}
	head := orig[:i+len(nullMessages)-len("null")]
	tail := orig[i+len(nullMessages):]

	var fresh [][]byte // the encodings of messages without Encoded, in order
	size := len(head) + len(tail) + 2 + len(msgs)
	for _, m := range msgs {
		if m.Encoded != "" {
			size += len(m.Encoded)
			continue
		}
		b, err := encodeMessage(m)
		if err != nil {
			return nil, fmt.Errorf("openai: encoding a message: %w", err)
		}
		fresh = append(fresh, b)
		size += len(b)
	}
	body := make([]byte, 0, size)
	body = append(body, head...)
	body = append(body, '[')
	for i, m := range msgs {
		if i > 0 {
			body = append(body, ',')
		}
		if m.Encoded != "" {
			body = append(body, m.Encoded...)
		} else {
			body = append(body, fresh[0]...)
			fresh = fresh[1:]
		}
	}
	body = append(body, ']')
	return append(body, tail...), nil
}
