package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// instantModel answers at once with a fixed two-delta reply, so that what a
// turn costs is the engine's and the API's own work.
type instantModel struct {
	// firstSent, when set, gets the time just before the first delta is
	// handed over; the model then waits on proceed before finishing.
	firstSent chan time.Time
	proceed   chan struct{}
}

var _ engine.Model = (*instantModel)(nil)

func (m *instantModel) Stream(_ context.Context, _ engine.ModelRequest, onDelta func(string)) (engine.ModelResult, error) {
	if m.firstSent != nil {
		m.firstSent <- time.Now()
	}
	onDelta("네, 아메리카노 ")
	if m.proceed != nil {
		<-m.proceed
	}
	onDelta("한 잔 나왔습니다.")
	return engine.ModelResult{FinishReason: "stop", PromptTokens: 500, CompletionTokens: 12, UsageReported: true}, nil
}

// Complete answers no structured request: the benchmarks time chat turns.
func (m *instantModel) Complete(context.Context, engine.StructuredRequest) (engine.StructuredResult, error) {
	return engine.StructuredResult{}, &engine.ModelError{Kind: engine.ModelBadRequest, Err: errors.New("instantModel answers no structured request")}
}

// benchEnv is the real router over db with model, a signed-in user and a room.
func benchEnv(b *testing.B, db *sqlstore.DB, model engine.Model) (*testServer, *client, string) {
	b.Helper()
	ts := &testServer{t: b, db: db}
	ts.ecfg = engine.DefaultConfig()
	ts.ecfg.Limits.TurnsPerMinute, ts.ecfg.Limits.TokensPerDay = 0, 1<<50
	ts.eng = engine.New(ts.ecfg, engine.Deps{Store: db, Model: model, Tokens: mustTokenizer(b)})
	ts.cfg = api.DefaultConfig()
	ts.cfg.JWTSecret = testSecret
	ts.router = api.NewRouter(api.Deps{Engine: ts.eng, Sessions: db, Auth: ts.cfg})
	ts.srv = newHTTPTestServer(b, ts.router)
	c := ts.signup("bench")
	return ts, c, fmt.Sprintf("/api/v1/rooms/%d/messages", c.newRoom().ID)
}

// BenchmarkChatTurn measures the API's own overhead per chat turn with an
// instant model. Each iteration plays one turn on the engine directly and one
// through the API, alternately in the same room, and times both, so that
// load on the machine affects them alike; ns/op is the pair,
// µs-engine/turn the engine's turn, and µs-api/turn what the API adds:
// routing, auth (JWT check and session read), decoding, encoding, flushing.
// Modes: json and sse through the router in process; json-tcp and sse-tcp
// through a real loopback HTTP connection, the client and transport included.
//
//	go test ./api -run '^$' -bench ChatTurn -benchmem
func BenchmarkChatTurn(b *testing.B) {
	body := []byte(`{"content":"아메리카노 주세요"}`)
	for _, dialect := range sqlstoretest.Dialects() {
		for _, mode := range []string{"json", "sse", "json-tcp", "sse-tcp"} {
			b.Run(dialect+"/"+mode, func(b *testing.B) {
				ts, c, path := benchEnv(b, sqlstoretest.Open(b, dialect), &instantModel{})
				roomID := c.newRoom().ID
				tcp, sse := strings.HasSuffix(mode, "-tcp"), strings.HasPrefix(mode, "sse")
				ctx := context.Background()
				var engineTime, apiTime time.Duration
				for b.Loop() {
					start := time.Now()
					if _, err := ts.eng.SendMessage(ctx, engine.TurnInput{UserID: c.user.ID, RoomID: roomID, Content: "아메리카노 주세요", Source: engine.SourceWeb}, nil); err != nil {
						b.Fatal(err)
					}
					mid := time.Now()
					engineTime += mid.Sub(start)

					url := path
					if tcp {
						url = ts.srv.URL + path
					}
					req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+c.token)
					req.Header.Set("Content-Type", "application/json")
					if sse {
						req.Header.Set("Accept", "text/event-stream")
					}
					status := 0
					if tcp {
						resp, err := ts.srv.Client().Do(req)
						if err != nil {
							b.Fatal(err)
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						status = resp.StatusCode
					} else {
						rec := httptest.NewRecorder()
						ts.router.ServeHTTP(rec, req)
						status = rec.Code
					}
					if status != http.StatusCreated && status != http.StatusOK {
						b.Fatalf("status %d", status)
					}
					apiTime += time.Since(mid)
				}
				b.ReportMetric(float64(engineTime.Microseconds())/float64(b.N), "µs-engine/turn")
				b.ReportMetric(float64((apiTime-engineTime).Microseconds())/float64(b.N), "µs-api/turn")
			})
		}
	}
}

// BenchmarkFirstDelta measures the latency between the model handing over
// its first delta and the client reading it as an SSE event, reported as
// µs/first-delta (the ns/op is the whole turn).
//
//	go test ./api -run '^$' -bench FirstDelta
func BenchmarkFirstDelta(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			model := &instantModel{firstSent: make(chan time.Time, 1), proceed: make(chan struct{})}
			ts, c, path := benchEnv(b, sqlstoretest.Open(b, dialect), model)
			var total atomic.Int64
			for b.Loop() {
				req, _ := http.NewRequest("POST", ts.srv.URL+path, bytes.NewReader([]byte(`{"content":"hi"}`)))
				req.Header.Set("Authorization", "Bearer "+c.token)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "text/event-stream")
				resp, err := ts.srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				r := newSSEReader(resp.Body)
				for {
					ev, err := r.next()
					if err != nil {
						b.Fatalf("no delta: %v (status %d)", err, resp.StatusCode)
					}
					if ev.Event == "delta" {
						break
					}
				}
				got := time.Now()
				total.Add(int64(got.Sub(<-model.firstSent)))
				model.proceed <- struct{}{}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			b.ReportMetric(float64(total.Load())/float64(b.N)/1e3, "µs/first-delta")
		})
	}
}

// BenchmarkSessionCheck measures the store read every authenticated request
// makes (is the token's sign-in still active?), the price of a logout that
// takes effect at once: part of BenchmarkChatTurn's overhead.
//
//	go test ./api -run '^$' -bench SessionCheck
func BenchmarkSessionCheck(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := sqlstoretest.Open(b, dialect)
			_, c, _ := benchEnv(b, db, &instantModel{})
			sid := sessionOf(b, c.token)
			ctx := context.Background()
			for b.Loop() {
				if _, err := db.FindSession(ctx, sid); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// sessionOf returns the sid claim of an access token.
func sessionOf(tb testing.TB, token string) string {
	var claims jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &claims); err != nil {
		tb.Fatal(err)
	}
	sid, _ := claims["sid"].(string)
	return sid
}
