package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/tiktoken"
)

// testSecret is the JWT key of test servers.
var testSecret = []byte("test-secret-test-secret-test-secret!")

// testServer is the real router over a real database, the engine and the
// wire-level fake model server, on httptest.
type testServer struct {
	t      testing.TB
	db     *sqlstore.DB
	eng    *engine.Engine
	fake   *openaifake.Server
	router *gin.Engine
	srv    *httptest.Server
	cfg    api.Config
	ecfg   engine.Config
}

// setup may change the engine and API configs of a test server.
type setup func(ecfg *engine.Config, acfg *api.Config)

func newServer(t testing.TB, db *sqlstore.DB, tweaks ...setup) *testServer {
	t.Helper()
	return newServerWith(t, db, serverOptions{}, tweaks...)
}

// serverOptions are what a test may put in place of a test server's parts.
type serverOptions struct {
	log   *slog.Logger // the API's and engine's log; discarded by default
	store engine.Store // the engine's store; db by default
}

// newServerWith returns a test server with opts.
func newServerWith(t testing.TB, db *sqlstore.DB, opts serverOptions, tweaks ...setup) *testServer {
	t.Helper()
	if opts.log == nil {
		opts.log = slog.New(slog.DiscardHandler)
	}
	if opts.store == nil {
		opts.store = db
	}
	ts := &testServer{t: t, db: db, fake: openaifake.New(t)}
	ts.ecfg = engine.DefaultConfig()
	ts.ecfg.Models = engine.ModelPolicy{Default: "test-model"}
	ts.ecfg.Retry.BaseDelay = time.Millisecond
	ts.ecfg.Limits.TurnsPerMinute = 1000
	ts.ecfg.ShutdownGrace = 5 * time.Second
	ts.cfg = api.DefaultConfig()
	ts.cfg.JWTSecret = testSecret
	ts.cfg.LoginAttemptsPerIP = 10000
	for _, tw := range tweaks {
		tw(&ts.ecfg, &ts.cfg)
	}
	ts.eng = engine.New(ts.ecfg, engine.Deps{
		Store:  opts.store,
		Model:  openai.New(openai.Config{BaseURL: ts.fake.URL(), Timeout: 10 * time.Second}),
		Tokens: mustTokenizer(t),
		Logger: opts.log,
	})
	ts.router = api.NewRouter(api.Deps{Engine: ts.eng, Sessions: db, Ready: db.Ping, Logger: opts.log, Auth: ts.cfg})
	ts.srv = httptest.NewServer(ts.router)
	t.Cleanup(ts.srv.Close)
	return ts
}

var (
	tokenizerOnce sync.Once
	tokenizer     *tiktoken.Counter
)

func mustTokenizer(tb testing.TB) *tiktoken.Counter {
	tokenizerOnce.Do(func() {
		var err error
		if tokenizer, err = tiktoken.New("o200k_base"); err != nil {
			panic(err)
		}
	})
	return tokenizer
}

// response is what a request got.
type response struct {
	status int
	header http.Header
	body   []byte
}

// decode unmarshals the body into v, failing the test if it is not JSON.
func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d %q: %v", r.status, r.body, err)
	}
}

// errorCode returns the code of an error envelope ("" if the body is not one).
func (r *response) errorCode() (code, field string) {
	var e api.ErrorBody
	_ = json.Unmarshal(r.body, &e)
	return string(e.Error.Code), e.Error.Field
}

// client is one API caller: a Bearer token, optional cookies and headers.
type client struct {
	ts      *testServer
	token   string
	refresh string
	user    api.UserResponse
	cookies []*http.Cookie
	header  http.Header
}

func (ts *testServer) anon() *client { return &client{ts: ts, header: http.Header{}} }

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (c *client) do(method, path string, body any) *response {
	c.ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.ts.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.ts.srv.URL+path, rd)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	resp, err := c.ts.srv.Client().Do(req)
	if err != nil {
		c.ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.ts.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}
}

// must sends a request and fails the test unless it gets status.
func (c *client) must(status int, method, path string, body any) *response {
	c.ts.t.Helper()
	r := c.do(method, path, body)
	if r.status != status {
		c.ts.t.Fatalf("%s %s = %d %s, want %d", method, path, r.status, r.body, status)
	}
	return r
}

var emailSeq atomic.Int64

// newEmail returns an address no other test uses.
func newEmail(name string) string {
	return fmt.Sprintf("%s.%d@example.com", name, emailSeq.Add(1))
}

const testPassword = "correct horse battery staple"

// signup creates an account and returns its signed-in client.
func (ts *testServer) signup(name string) *client {
	ts.t.Helper()
	c := ts.anon()
	r := c.must(http.StatusCreated, "POST", "/api/v1/auth/signup", map[string]string{"email": newEmail(name), "password": testPassword, "display_name": name})
	c.signedIn(r)
	return c
}

// signedIn keeps the tokens of an AuthResponse.
func (c *client) signedIn(r *response) {
	var auth api.AuthResponse
	r.decode(c.ts.t, &auth)
	c.token, c.refresh, c.user = auth.AccessToken, auth.RefreshToken, auth.User
}

// cafe is a valid room body.
func cafe() map[string]any {
	return map[string]any{"title": "Coffee", "language": "ko", "situation": "ordering coffee in a cafe in Seoul",
		"user_role": "customer", "bot_role": "barista"}
}

// newRoom creates a room of c.
// The room has feedback off: the tests count the model's calls for replies alone.
func (c *client) newRoom() api.RoomResponse {
	c.ts.t.Helper()
	var body api.RoomBody
	room := cafe()
	room["feedback"] = false
	c.must(http.StatusCreated, "POST", "/api/v1/rooms", room).decode(c.ts.t, &body)
	return body.Room
}

// history returns a room's whole conversation, oldest first.
func (c *client) history(roomID int64) []*api.MessageResponse {
	c.ts.t.Helper()
	var list api.MessageList
	c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rooms/%d/messages?limit=100", roomID), nil).decode(c.ts.t, &list)
	return list.Messages
}

// ctx returns a context that ends with the test.
func ctx(t testing.TB) context.Context {
	c, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return c
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func newRequest(method, path string) *http.Request { return httptest.NewRequest(method, path, nil) }

// newHTTPTestServer serves h on loopback until tb ends.
func newHTTPTestServer(tb testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}
