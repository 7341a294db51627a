package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// GatewayPath is where the fake's gateway websocket listens. GET /gateway
// and GET /gateway/bot answer its ws:// URL, which is how discordgo finds it.
const GatewayPath = "/gateway-ws"

// DefaultHeartbeatInterval is the heartbeat interval the fake's HELLO asks
// for, in milliseconds: Discord's usual one.
const DefaultHeartbeatInterval = 41250

// GatewayConn is one connection to the fake's gateway, as the fake saw it.
type GatewayConn struct {
	ID         int    // in order of connection, from 1
	Shard      int    // from IDENTIFY's shard [id, count]; [0, 1] without one
	ShardCount int    // 0 until IDENTIFY
	SessionID  string // READY's session id; "" until IDENTIFY
	Heartbeats int    // heartbeats acknowledged
	Open       bool   // false once either side closed it
}

// Identified reports whether the connection sent IDENTIFY.
func (c GatewayConn) Identified() bool { return c.ShardCount > 0 }

// gateway is the fake's minimal Discord gateway: HELLO (op 10), IDENTIFY
// (op 2) with a shard, READY (op 0, t READY), heartbeats (op 1, acknowledged
// with op 11); a RESUME (op 6) is answered with an invalid session (op 9),
// which makes the client identify again.
type gateway struct {
	upgrader  websocket.Upgrader
	mu        sync.Mutex
	conns     []*GatewayConn
	doubles   []string // "shard N" identified while another open connection ran it
	heartbeat int
}

// SetHeartbeatInterval sets the interval, in milliseconds, that the HELLO of
// later connections asks for.
func (s *Server) SetHeartbeatInterval(ms int) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.heartbeat = ms
}

// GatewayConns returns every gateway connection so far, in order.
func (s *Server) GatewayConns() []GatewayConn {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	out := make([]GatewayConn, len(s.gw.conns))
	for i, c := range s.gw.conns {
		out[i] = *c
	}
	return out
}

// OpenShards returns, per shard, how many open connections identified as
// it: each should be 1.
func (s *Server) OpenShards() map[int]int {
	out := map[int]int{}
	for _, c := range s.GatewayConns() {
		if c.Open && c.Identified() {
			out[c.Shard]++
		}
	}
	return out
}

// DoubleIdentifies returns the identifies of a shard while another open
// connection ran it: none is right.
func (s *Server) DoubleIdentifies() []string {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return append([]string(nil), s.gw.doubles...)
}

// WaitForGateway blocks until cond holds for the gateway's connections,
// re-checking at each change (and every few milliseconds, for conditions
// that look beyond the fake), and fails tb if that does not happen within
// 20 seconds.
func (s *Server) WaitForGateway(tb testing.TB, what string, cond func(conns []GatewayConn) bool) []GatewayConn {
	tb.Helper()
	timeout := time.NewTimer(20 * time.Second)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		conns := s.GatewayConns()
		if cond(conns) {
			return conns
		}
		select {
		case <-changed:
		case <-time.After(20 * time.Millisecond):
		case <-timeout.C:
			tb.Fatalf("discordfake: timed out waiting for %s; gateway connections: %+v", what, conns)
			return nil
		}
	}
}

// gatewayURL answers GET /gateway and /gateway/bot with the fake's ws:// URL.
func (s *Server) gatewayURL(w http.ResponseWriter, r *http.Request) {
	url := "ws" + strings.TrimPrefix(s.srv.URL, "http") + GatewayPath
	writeJSON(w, http.StatusOK, map[string]any{"url": url, "shards": 1,
		"session_start_limit": map[string]any{"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})
}

// touch wakes the waiters of WaitFor and WaitForGateway.
func (s *Server) touch() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// gatewayPayload is a gateway message.
type gatewayPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d,omitempty"`
	S  int64           `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

// serveGateway speaks the gateway on one websocket connection.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := s.gw.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	s.gw.mu.Lock()
	c := &GatewayConn{ID: len(s.gw.conns) + 1, Open: true}
	s.gw.conns = append(s.gw.conns, c)
	interval := s.gw.heartbeat
	if interval <= 0 {
		interval = DefaultHeartbeatInterval
	}
	s.gw.mu.Unlock()
	defer func() {
		s.gw.mu.Lock()
		c.Open = false
		s.gw.mu.Unlock()
		s.touch()
	}()
	s.touch()
	send := func(op int, t string, seq int64, d any) error {
		raw, _ := json.Marshal(d)
		return ws.WriteJSON(gatewayPayload{Op: op, D: raw, S: seq, T: t})
	}
	if send(10, "", 0, map[string]any{"heartbeat_interval": interval}) != nil {
		return
	}
	var seq int64
	for {
		var p gatewayPayload
		if err := ws.ReadJSON(&p); err != nil {
			return // closed by the client (a close frame or the connection)
		}
		switch p.Op {
		case 1:
			s.gw.mu.Lock()
			c.Heartbeats++
			s.gw.mu.Unlock()
			if send(11, "", 0, nil) != nil {
				return
			}
		case 2:
			var id struct {
				Shard *[2]int `json:"shard"`
			}
			_ = json.Unmarshal(p.D, &id)
			shard := [2]int{0, 1}
			if id.Shard != nil {
				shard = *id.Shard
			}
			s.gw.mu.Lock()
			for _, o := range s.gw.conns {
				if o != c && o.Open && o.Identified() && o.Shard == shard[0] {
					s.gw.doubles = append(s.gw.doubles, fmt.Sprintf("shard %d (connections %d and %d)", shard[0], o.ID, c.ID))
				}
			}
			c.Shard, c.ShardCount = shard[0], shard[1]
			c.SessionID = fmt.Sprintf("fake-session-%d", c.ID)
			s.gw.mu.Unlock()
			s.touch()
			seq++
			if send(0, "READY", seq, map[string]any{"v": 10, "session_id": c.SessionID, "user": botUser(),
				"guilds": []any{}, "private_channels": []any{}, "shard": shard,
				"resume_gateway_url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + GatewayPath,
				"application":        map[string]any{"id": "", "flags": 0}}) != nil {
				return
			}
		case 6:
			if send(9, "", 0, false) != nil {
				return
			}
		}
	}
}
