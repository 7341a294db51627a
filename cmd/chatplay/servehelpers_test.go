package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// served is a `chatplay serve` running in the test, proven to answer.
type served struct {
	addr string
	logs *syncBuffer
	stop func() // cancels serve and waits for it to return; idempotent
}

// startServe runs serve with vars (plus a fresh SQLite database and a port
// of serve's choosing unless vars set them) and returns once GET /healthz
// has answered 200 from it: the server has started. It stops at the end of
// the test.
func startServe(t *testing.T, vars map[string]string) *served {
	t.Helper()
	return startServeArgs(t, vars)
}

// startServeArgs is startServe with flags of the serve command.
func startServeArgs(t *testing.T, vars map[string]string, flags ...string) *served {
	t.Helper()
	s := &served{addr: vars["CHATPLAY_SERVER_ADDR"], logs: &syncBuffer{}}
	if s.addr == "" {
		vars["CHATPLAY_SERVER_ADDR"] = anyAddr // s.addr: the one serve logs
	}
	if vars["CHATPLAY_DATABASE_URL"] == "" {
		vars["CHATPLAY_DATABASE_URL"] = "sqlite:" + filepath.Join(t.TempDir(), "serve.db")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, flags...), env(vars), s.logs, s.logs) }()
	stopped := false
	s.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("serve did not stop")
		}
	}
	t.Cleanup(s.stop)

	for range 200 {
		if s.addr == "" {
			s.addr = loggedAddr(s.logs.String(), "server.addr")
		}
		if s.addr != "" {
			resp, err := http.Get("http://" + s.addr + "/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return s
				}
			}
		}
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("serve returned before it answered: %v\n%s", err, s.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not answer GET /healthz:\n%s", s.logs.String())
	return nil
}

// call sends a JSON request to the API with token as Bearer (when set) and
// decodes the answer into out (when set), failing unless the status is want.
func (s *served) call(t *testing.T, method, path, token string, body, out any, want int) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, "http://"+s.addr+"/api/v1"+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, data, want)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
}

// signupWithRoom signs a new account up and makes it a room; it returns the
// access token and the room's id.
func (s *served) signupWithRoom(t *testing.T) (string, int64) {
	t.Helper()
	var signedUp struct {
		AccessToken string `json:"access_token"`
	}
	s.call(t, http.MethodPost, "/auth/signup", "", map[string]string{
		"email": fmt.Sprintf("mina.%d@example.com", time.Now().UnixNano()), "password": "a long passphrase", "display_name": "Mina",
	}, &signedUp, http.StatusCreated)
	var created struct {
		Room struct {
			ID int64 `json:"id"`
		} `json:"room"`
	}
	s.call(t, http.MethodPost, "/rooms", signedUp.AccessToken, map[string]string{
		"language": "ko", "situation": "ordering coffee in a cafe in Seoul", "user_role": "customer", "bot_role": "barista",
	}, &created, http.StatusCreated)
	return signedUp.AccessToken, created.Room.ID
}

// postMessage sends content to a room as a chat turn and returns the response,
// streamed as Server-Sent Events when sse is set; the caller closes its body.
func (s *served) postMessage(t *testing.T, token string, roomID int64, content string, sse bool) *http.Response {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"content": content})
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("http://%s/api/v1/rooms/%d/messages", s.addr, roomID), bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if sse {
		req.Header.Set("Accept", "text/event-stream")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST message: %v", err)
	}
	return resp
}

// readEvent reads the next Server-Sent Event of a stream: its name and data.
func readEvent(t *testing.T, r *bufio.Reader) (event, data string) {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended (%v) after event %q", err, event)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		case line == "" && event != "":
			return event, data
		}
	}
}
