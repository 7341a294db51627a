package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// apiClient talks to a running chatplay's web API.
type apiClient struct {
	base     string // e.g. http://127.0.0.1:8080, without a trailing slash
	http     *http.Client
	pageSize int // messages per page of a history read
}

// newAPIClient returns a client for the server at base, keeping enough idle
// connections for conns senders.
func newAPIClient(base string, conns int) *apiClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns + 8
	tr.MaxIdleConnsPerHost = conns + 8
	return &apiClient{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr}, pageSize: 100}
}

// statusError is an answer with an unexpected HTTP status.
type statusError struct {
	Status int
	Body   string
}

// Error says the status and the start of the body.
func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body) }

// errorKind names a failed turn's error for the report: its HTTP status, or
// "transport" (no answer), "stream" (an SSE error event or a cut stream).
func errorKind(err error) string {
	var se *statusError
	switch {
	case errors.As(err, &se):
		return strconv.Itoa(se.Status)
	case errors.Is(err, errStream):
		return "stream"
	default:
		return "transport"
	}
}

// errStream is a stream that ended in an error event or without its reply.
var errStream = errors.New("stream ended without a reply")

// do sends a request with a JSON body (nil: none) and decodes a JSON answer
// with status want into out (nil: discarded).
func (c *apiClient) do(ctx context.Context, method, path, token string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return &statusError{Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// signup creates an account and returns its access token. It retries a
// 503 (no password-hashing slot free) or 429 a few times, after a pause.
func (c *apiClient) signup(ctx context.Context, email string) (string, error) {
	in := map[string]string{"email": email, "password": "load-test-" + email, "display_name": "load"}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	var err error
	for attempt := range 20 {
		err = c.do(ctx, http.MethodPost, "/api/v1/auth/signup", "", in, &out, http.StatusCreated)
		var se *statusError
		if !errors.As(err, &se) || (se.Status != http.StatusServiceUnavailable && se.Status != http.StatusTooManyRequests) {
			break
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 50 * time.Millisecond):
		}
	}
	if err != nil {
		return "", fmt.Errorf("sign up %s: %w", email, err)
	}
	return out.AccessToken, nil
}

// createRoom creates a room with feedback off and returns its id.
func (c *apiClient) createRoom(ctx context.Context, token, title string) (int64, error) {
	off := false
	in := map[string]any{"title": title, "language": "ko", "situation": "ordering coffee in a café",
		"user_role": "customer", "bot_role": "barista", "feedback": off}
	var out struct {
		Room struct {
			ID int64 `json:"id"`
		} `json:"room"`
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/rooms", token, in, &out, http.StatusCreated); err != nil {
		return 0, fmt.Errorf("create room: %w", err)
	}
	return out.Room.ID, nil
}

// sendJSON plays one turn and waits for the whole JSON answer.
func (c *apiClient) sendJSON(ctx context.Context, token string, room int64, content string) error {
	var out struct {
		Reply *histMessage `json:"reply"`
	}
	path := "/api/v1/rooms/" + strconv.FormatInt(room, 10) + "/messages"
	if err := c.do(ctx, http.MethodPost, path, token, map[string]string{"content": content}, &out, http.StatusCreated); err != nil {
		return err
	}
	if out.Reply == nil || out.Reply.Status != "complete" {
		return fmt.Errorf("%w: reply %+v", errStream, out.Reply)
	}
	return nil
}

// sendSSE plays one turn as a Server-Sent Events stream and reads it to the
// reply event; an error event or a stream that ends first is errStream.
func (c *apiClient) sendSSE(ctx context.Context, token string, room int64, content string) error {
	b, _ := json.Marshal(map[string]string{"content": content})
	path := "/api/v1/rooms/" + strconv.FormatInt(room, 10) + "/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return &statusError{Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		event, ok := strings.CutPrefix(sc.Text(), "event: ")
		switch {
		case !ok:
		case event == "reply":
			_, err := io.Copy(io.Discard, resp.Body) // let the connection be reused
			return err
		case event == "error":
			sc.Scan()
			return fmt.Errorf("%w: %s", errStream, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return errStream
}

// history returns every message of a room, oldest first, page by page.
func (c *apiClient) history(ctx context.Context, token string, room int64) ([]histMessage, error) {
	var pages [][]histMessage
	cursor := ""
	for {
		path := "/api/v1/rooms/" + strconv.FormatInt(room, 10) + "/messages?limit=" + strconv.Itoa(c.pageSize)
		if cursor != "" {
			path += "&before=" + url.QueryEscape(cursor)
		}
		var out struct {
			Messages   []histMessage `json:"messages"`
			NextCursor string        `json:"next_cursor"`
		}
		if err := c.do(ctx, http.MethodGet, path, token, nil, &out, http.StatusOK); err != nil {
			return nil, fmt.Errorf("history of room %d: %w", room, err)
		}
		pages = append(pages, out.Messages)
		if out.NextCursor == "" || len(out.Messages) == 0 {
			break
		}
		cursor = out.NextCursor
	}
	var all []histMessage
	for i := len(pages) - 1; i >= 0; i-- {
		all = append(all, pages[i]...)
	}
	return all, nil
}
