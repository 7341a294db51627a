package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// Sizes of BenchmarkStreams: openStreams streams, one per room, in rooms of
// streamUsers users (under limits.max_rooms_per_user's default of 200 each).
const (
	openStreams = 1000
	streamUsers = 10
)

// holdingModel sends a first delta, then, while held, waits until it is
// released (or the turn's context ends) before it finishes the reply.
type holdingModel struct {
	mu   sync.Mutex
	gate chan struct{} // nil: not held
}

var _ engine.Model = (*holdingModel)(nil)

// hold makes the replies that start from now on wait after their first delta.
func (m *holdingModel) hold() {
	m.mu.Lock()
	m.gate = make(chan struct{})
	m.mu.Unlock()
}

// release lets every held reply finish.
func (m *holdingModel) release() {
	m.mu.Lock()
	if m.gate != nil {
		close(m.gate)
		m.gate = nil
	}
	m.mu.Unlock()
}

// Stream implements engine.Model.
func (m *holdingModel) Stream(ctx context.Context, _ engine.ModelRequest, onDelta func(string)) (engine.ModelResult, error) {
	onDelta("네, 아메리카노 ")
	m.mu.Lock()
	gate := m.gate
	m.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return engine.ModelResult{}, ctx.Err()
		}
	}
	onDelta("한 잔 나왔습니다.")
	return engine.ModelResult{FinishReason: "stop", PromptTokens: 500, CompletionTokens: 12, UsageReported: true}, nil
}

// Complete answers no structured request: the rooms have feedback off.
func (m *holdingModel) Complete(context.Context, engine.StructuredRequest) (engine.StructuredResult, error) {
	return engine.StructuredResult{}, &engine.ModelError{Kind: engine.ModelBadRequest, Err: errors.New("holdingModel answers no structured request")}
}

// BenchmarkStreams measures the memory each open Server-Sent Events stream
// holds with openStreams of them open at once, one per room, over real
// loopback HTTP connections:
//
//   - turns: chat turns held mid-reply (POST /rooms/{id}/messages with
//     Accept: text/event-stream), each stream having read the first delta
//     while the model (in process) waits to send the rest;
//   - watchers: idle GET /rooms/{id}/events streams, each past its ready
//     event.
//
// B/stream is the growth of the process's HeapInuse + StackInuse (after a
// GC) from before the streams open to while they are all open, divided by
// the streams. Every room has played one turn before, so the room's caches
// (its history window) are not counted. The process holds the client side
// too, but only as a bare TCP connection per stream (no goroutine, no
// buffer: the client reads its stream's first events, then leaves it be):
// client-B/stream is that share, measured as half of the growth with
// openStreams bare loopback connection pairs, and B/stream-server is
// B/stream without it. stack-B/stream is the goroutine stacks' part of
// B/stream. Kernel socket buffers are not in these figures, nor what a real
// model's HTTP connection adds per turn.
//
//	go test ./api -run '^$' -bench Streams -benchtime 1x -count 3
func BenchmarkStreams(b *testing.B) {
	client := tcpPairBytes(b, openStreams) / 2
	for _, dialect := range sqlstoretest.Dialects() {
		for _, kind := range []string{"turns", "watchers"} {
			b.Run(dialect+"/"+kind, func(b *testing.B) {
				model := &holdingModel{}
				ts := streamsEnv(b, dialect, model)
				rooms := streamRooms(b, ts)
				addr := ts.srv.Listener.Addr().String()
				var grown, stacks float64
				for b.Loop() {
					if kind == "turns" {
						model.hold()
					}
					before, stackBefore := liveBytes(), stackBytes()
					conns := openAll(b, rooms, func(r streamRoom) (net.Conn, error) {
						if kind == "turns" {
							return openRaw(addr, turnRequest(r), "event: delta\n")
						}
						return openRaw(addr, watchRequest(r), "event: ready\n")
					})
					grown += float64(liveBytes()) - float64(before)
					stacks += float64(stackBytes()) - float64(stackBefore)
					model.release()
					for _, c := range conns {
						c.Close()
					}
				}
				perStream := grown / float64(b.N) / openStreams
				b.ReportMetric(perStream, "B/stream")
				b.ReportMetric(client, "client-B/stream")
				b.ReportMetric(perStream-client, "B/stream-server")
				b.ReportMetric(stacks/float64(b.N)/openStreams, "stack-B/stream")
			})
		}
	}
}

// streamsEnv is the real router over a fresh database of dialect and model,
// with the turn-rate, token and login limits off.
func streamsEnv(b *testing.B, dialect string, model engine.Model) *testServer {
	b.Helper()
	db := sqlstoretest.Open(b, dialect)
	ts := &testServer{t: b, db: db}
	ts.ecfg = engine.DefaultConfig()
	ts.ecfg.Limits.TurnsPerMinute, ts.ecfg.Limits.TokensPerDay = 0, 0
	ts.eng = engine.New(ts.ecfg, engine.Deps{Store: db, Model: model, Tokens: mustTokenizer(b)})
	ts.cfg = api.DefaultConfig()
	ts.cfg.JWTSecret = testSecret
	ts.cfg.LoginAttemptsPerIP = 0
	ts.router = api.NewRouter(api.Deps{Engine: ts.eng, Sessions: db, Auth: ts.cfg})
	ts.srv = newHTTPTestServer(b, ts.router)
	return ts
}

// streamRoom is a room and its owner's access token.
type streamRoom struct {
	id    int64
	token string
}

// streamRooms makes openStreams rooms of streamUsers users, and plays one
// turn in each.
func streamRooms(b *testing.B, ts *testServer) []streamRoom {
	b.Helper()
	var rooms []streamRoom
	for u := range streamUsers {
		c := ts.signup(fmt.Sprintf("streams%d", u))
		for range openStreams / streamUsers {
			rooms = append(rooms, streamRoom{id: c.newRoom().ID, token: c.token})
		}
	}
	addr := ts.srv.Listener.Addr().String()
	for _, c := range openAll(b, rooms, func(r streamRoom) (net.Conn, error) {
		return openRaw(addr, turnRequest(r), "event: reply\n")
	}) {
		c.Close()
	}
	return rooms
}

// turnRequest is the raw HTTP request of a chat turn in r, answered as SSE.
func turnRequest(r streamRoom) []byte {
	body := `{"content":"아메리카노 주세요"}`
	return fmt.Appendf(nil, "POST /api/v1/rooms/%d/messages HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer %s\r\n"+
		"Accept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", r.id, r.token, len(body), body)
}

// watchRequest is the raw HTTP request of r's event stream.
func watchRequest(r streamRoom) []byte {
	return fmt.Appendf(nil, "GET /api/v1/rooms/%d/events HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer %s\r\n"+
		"Accept: text/event-stream\r\n\r\n", r.id, r.token)
}

// openRaw sends req on a new connection to addr and reads the response until
// the whole event that starts with until; it returns the connection open,
// with nothing else of the client's kept.
func openRaw(addr string, req []byte, until string) (net.Conn, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(req); err != nil {
		conn.Close()
		return nil, err
	}
	var got []byte
	buf := make([]byte, 2048)
	for {
		if i := bytes.Index(got, []byte(until)); i >= 0 && bytes.Contains(got[i:], []byte("\n\n")) {
			if !bytes.HasPrefix(got, []byte("HTTP/1.1 200 ")) {
				conn.Close()
				return nil, fmt.Errorf("response %.80q", got)
			}
			return conn, nil
		}
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("%w after %.300q", err, got)
		}
	}
}

// openAll opens a stream per room with open, a few at a time, and returns
// them all open.
func openAll(b *testing.B, rooms []streamRoom, open func(streamRoom) (net.Conn, error)) []net.Conn {
	b.Helper()
	conns := make([]net.Conn, len(rooms))
	errs := make([]error, len(rooms))
	next := make(chan int)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := range next {
				conns[i], errs[i] = open(rooms[i])
			}
		})
	}
	for i := range rooms {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
		b.Fatal(err)
	}
	return conns
}

// tcpPairBytes returns how much the process grows per bare loopback
// connection pair (a dialed and an accepted net.Conn, nothing read), with n
// of them open.
func tcpPairBytes(b *testing.B, n int) float64 {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, n)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	before := liveBytes()
	for range n {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c, <-accepted)
	}
	return (float64(liveBytes()) - float64(before)) / float64(n)
}

// liveBytes is the process's heap and stack in use after a collection.
func liveBytes() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// stackBytes is the process's goroutine stacks in use (read after liveBytes).
func stackBytes() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.StackInuse
}
