package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// clientPatience is how long the test's side of a connection waits for the
// server to let it go: far beyond the server's configured timeouts, so that
// only a server that never lets go runs into it.
const clientPatience = 20 * time.Second

// letGo reports whether the server ended conn (EOF or reset) before the
// test's own patience ran out, reading and dropping whatever it still sends.
func letGo(t *testing.T, conn net.Conn, r io.Reader) bool {
	t.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(clientPatience)); err != nil {
		t.Fatal(err)
	}
	_, err := io.Copy(io.Discard, r)
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

// An idle kept-alive connection is closed after server.idle_timeout.
func TestServeClosesIdleConnections(t *testing.T) {
	s := startServe(t, map[string]string{"CHATPLAY_SERVER_IDLE_TIMEOUT": "300ms"})
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: chatplay\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("GET /healthz = %d (close %v), want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
	}
	if !letGo(t, conn, br) {
		t.Fatalf("an idle kept-alive connection was still open after %s (server.idle_timeout 300ms)", clientPatience)
	}
}

// trickle sends a request whose body comes one byte at a time, far slower
// than promised, and reports whether the server cut it off.
func trickle(t *testing.T, addr string) bool {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST /api/v1/auth/signup HTTP/1.1\r\nHost: chatplay\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := io.WriteString(conn, " "); err != nil {
					return // the server let go
				}
			}
		}
	}()
	return letGo(t, conn, conn)
}

// A client trickling its body is cut off after server.read_timeout, however
// steadily it trickles.
func TestServeCutsSlowBodies(t *testing.T) {
	s := startServe(t, map[string]string{"CHATPLAY_SERVER_READ_TIMEOUT": "500ms"})
	if !trickle(t, s.addr) {
		t.Fatalf("a client trickling its body was still connected after %s (server.read_timeout 500ms)", clientPatience)
	}
}

// A streamed reply that lasts longer than server.read_timeout (and
// idle_timeout) is not cut by either: it completes.
func TestServeStreamOutlivesReadTimeout(t *testing.T) {
	model := openaifake.New(t)
	hold := openaifake.NewHold()
	model.Enqueue(openaifake.Reply{Chunks: []string{"네, ", "알겠습니다."}, Hold: hold, HoldAfter: 1})
	s := startServe(t, map[string]string{
		"CHATPLAY_SERVER_READ_TIMEOUT": "500ms",
		"CHATPLAY_SERVER_IDLE_TIMEOUT": "500ms",
		"CHATPLAY_MODEL_BASE_URL":      model.URL(),
	})
	token, room := s.signupWithRoom(t)
	resp := s.postMessage(t, token, room, "아메리카노 한 잔 주세요", true)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream = %d", resp.StatusCode)
	}
	events := bufio.NewReader(resp.Body)
	for _, want := range []string{"message", "reply_started", "delta"} {
		if ev, data := readEvent(t, events); ev != want {
			t.Fatalf("event %q (%s), want %q", ev, data, want)
		}
	}
	<-hold.Reached()
	// A request begun after the stream's own is cut off by the read timeout:
	// the stream has now lasted longer than that.
	if !trickle(t, s.addr) {
		t.Fatal("the read timeout did not cut a slow body")
	}
	hold.Release()
	if ev, data := readEvent(t, events); ev != "delta" || data != `{"text":"알겠습니다."}` {
		t.Fatalf("event %q %s, want the held delta", ev, data)
	}
	ev, data := readEvent(t, events)
	if ev != "reply" || !strings.Contains(data, `"status":"complete"`) || !strings.Contains(data, "네, 알겠습니다.") {
		t.Fatalf("last event %q %s, want the complete reply", ev, data)
	}
}
