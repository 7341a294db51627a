package telegram

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/connect"
	"github.com/chatplay/chatplay/bots/connect/connecttest"
	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// front stands where the Bot API should be: at first nothing listens there
// (connections are refused); once up, it answers the first request with a
// 502 and passes the others to the fake.
type front struct {
	port *connecttest.Port
	addr string
	once sync.Once
}

func newFront(t *testing.T) *front {
	t.Helper()
	port := connecttest.NewPort(t) // nothing listens there for now, and nothing else can
	return &front{port: port, addr: port.Addr()}
}

func (f *front) url() string { return "http://" + f.addr }

// up starts listening, in front of target.
func (f *front) up(t *testing.T, target string) {
	f.once.Do(func() {
		ln, err := f.port.Listen()
		if err != nil {
			t.Errorf("front: %v", err)
			return
		}
		u, _ := url.Parse(target)
		proxy := httputil.NewSingleHostReverseProxy(u)
		proxy.ErrorLog = log.New(io.Discard, "", 0) // long polls cut at the end of the test
		var first sync.Once
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			failed := false
			first.Do(func() {
				failed = true
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte(`{"ok":false,"error_code":502,"description":"Bad Gateway"}`))
			})
			if !failed {
				proxy.ServeHTTP(w, r)
			}
		})}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
	})
}

// A Bot API that refuses connections at start, then answers 502, then comes
// up: the bot keeps trying with backoff, logs each failure (never the
// token), shows it in State, and works once Telegram answers.
func TestRunKeepsTryingUntilTelegramAnswers(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFront(t)
		var mu sync.Mutex
		var states []connect.State
		var waits []time.Duration
		var target string
		e := newEnv(t, db, envOptions{
			bot: func(c *Config) { target, c.APIURL = c.APIURL, f.url() },
			beforeRun: func(b *Bot) {
				b.link.Sleep = func(ctx context.Context, d time.Duration) error {
					mu.Lock()
					states = append(states, b.State())
					waits = append(waits, d)
					mu.Unlock()
					f.up(t, target) // after the first failure, Telegram comes up (and fails once more)
					return nil
				}
			},
		})
		select {
		case <-e.bot.link.Ready():
		case <-time.After(10 * time.Second):
			t.Fatalf("not connected: %+v", e.bot.State())
		}
		mu.Lock()
		defer mu.Unlock()
		if len(states) != 2 || states[0].Status != connect.Retrying || !strings.Contains(states[0].Err, "refused") ||
			!strings.Contains(states[1].Err, "502") || states[1].Failures != 2 {
			t.Errorf("states while retrying = %+v", states)
		}
		if len(waits) != 2 || waits[0] != connect.MinWait || waits[1] != 2*connect.MinWait {
			t.Errorf("waits = %v", waits)
		}
		if st := e.bot.State(); st.Status != connect.Connected {
			t.Errorf("state = %+v, want connected", st)
		}
		logs := e.logs.String()
		if n := strings.Count(logs, "cannot reach the platform"); n != 2 || !strings.Contains(logs, "getMe") {
			t.Errorf("%d failures logged, want 2:\n%s", n, logs)
		}
		e.send(aliceDM, alice, "/help")
		if got := e.lastText(aliceDM.ID); !strings.HasPrefix(got, "Commands") {
			t.Errorf("/help = %q", got)
		}
	})
}

// A token Telegram refuses stops the bot at once: Run returns an error naming
// the call, State says disabled, and neither shows the token.
func TestRunStopsWhenTheTokenIsRefused(t *testing.T) {
	api := telegramfake.New(t)
	const token = "123456:WRONGTOKEN-xyz"
	logs := &syncBuffer{}
	b, err := New(Config{Token: token, APIURL: api.URL()}, engine.New(engine.DefaultConfig(), engine.Deps{}),
		slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	b.link.Sleep = func(context.Context, time.Duration) error { t.Error("a refused token was tried again"); return nil }
	err = b.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), "getMe") {
		t.Fatalf("Run = %v, want a getMe error", err)
	}
	if st := b.State(); st.Status != connect.Disabled {
		t.Errorf("state = %+v, want disabled", st)
	}
	if strings.Contains(err.Error(), "WRONGTOKEN") || strings.Contains(logs.String(), "WRONGTOKEN") ||
		strings.Contains(b.State().Err, "WRONGTOKEN") {
		t.Fatalf("the token leaked: %v\n%s", err, logs.String())
	}
}
