package telegram

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/tiktoken"
)

// Telegram users and chats of the tests.
var (
	alice   = telegramfake.User{ID: 1001, FirstName: "Alice", Username: "alice", LanguageCode: "en"}
	bob     = telegramfake.User{ID: 1002, FirstName: "Bob", Username: "bob", LanguageCode: "ko-KR"}
	aliceDM = telegramfake.Chat{ID: 1001, Type: "private"}
	bobDM   = telegramfake.Chat{ID: 1002, Type: "private"}
	group   = telegramfake.Chat{ID: -1001234, Type: "supergroup", Title: "Study group"}
)

// env is a Bot running (long polling unless the config says otherwise)
// against the fake Bot API, over a real database and the fake model server.
type env struct {
	t     *testing.T
	db    *sqlstore.DB
	eng   *engine.Engine
	model *openaifake.Server
	api   *telegramfake.Server
	bot   *Bot
	logs  *syncBuffer

	mu      sync.Mutex
	waits   []time.Duration // what the bot waited for (pace, retry_after)
	gate    chan struct{}   // when set, waits block until it is closed
	done    map[int64]int   // update id → handlings ended
	changed chan struct{}
}

type envOptions struct {
	engine func(*engine.Config)
	bot    func(*Config)
	model  engine.Model // instead of the fake model server
	wait   bool         // keep the real wait (time passes)
	// now, when set, is the engine's clock.
	now func() time.Time
	// beforeRun, when set, runs on the bot before Run starts.
	beforeRun func(*Bot)
}

func newEnv(t *testing.T, db *sqlstore.DB, opt envOptions) *env {
	t.Helper()
	e := &env{t: t, db: db, model: openaifake.New(t), api: telegramfake.New(t), logs: &syncBuffer{},
		done: make(map[int64]int), changed: make(chan struct{})}
	ecfg := engine.DefaultConfig()
	ecfg.Models = engine.ModelPolicy{Default: "test-model"}
	ecfg.Retry.BaseDelay = time.Millisecond
	ecfg.Retry.Deadline = 20 * time.Second
	ecfg.ShutdownGrace = 5 * time.Second
	if opt.engine != nil {
		opt.engine(&ecfg)
	}
	model := opt.model
	if model == nil {
		model = openai.New(openai.Config{BaseURL: e.model.URL(), Timeout: 10 * time.Second})
	}
	e.eng = engine.New(ecfg, engine.Deps{Store: db, Model: model, Tokens: mustTokenizer(t),
		Logger: slog.New(slog.DiscardHandler), Now: opt.now,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }})

	cfg := Config{Token: e.api.Token(), APIURL: e.api.URL(), PollTimeout: 10 * time.Second, ShutdownGrace: 5 * time.Second}
	if opt.bot != nil {
		opt.bot(&cfg)
	}
	b, err := New(cfg, e.eng, slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	if !opt.wait {
		b.wait = e.wait
	}
	b.handled = e.handled
	e.bot = b
	if opt.beforeRun != nil {
		opt.beforeRun(b)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- b.Run(ctx) }()
	t.Cleanup(func() {
		e.openGate()
		cancel()
		select {
		case err := <-ran:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("Run did not return after its context ended")
		}
		if strings.Contains(e.logs.String(), e.api.Token()) {
			t.Errorf("the bot token appears in the logs:\n%s", e.logs.String())
		}
	})
	// Run is set up once it has (un)registered the webhook.
	e.api.WaitCalls(t, 1, "deleteWebhook", "setWebhook")
	return e
}

// wait replaces the bot's sleep: it records d and returns at once, or when
// the gate opens.
func (e *env) wait(ctx context.Context, d time.Duration) error {
	e.mu.Lock()
	e.waits = append(e.waits, d)
	gate := e.gate
	e.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// closeGate makes the bot's waits block until openGate.
func (e *env) closeGate() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gate = make(chan struct{})
}

func (e *env) openGate() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gate != nil {
		close(e.gate)
		e.gate = nil
	}
}

func (e *env) waited() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.waits...)
}

func (e *env) handled(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.done[id]++
	close(e.changed)
	e.changed = make(chan struct{})
}

// waitHandled waits until update id has been handled n times (deliveries,
// duplicates included).
func (e *env) waitHandled(id int64, n int) {
	e.t.Helper()
	timeout := time.After(telegramfake.WaitTimeout)
	for {
		e.mu.Lock()
		got, changed := e.done[id], e.changed
		e.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			e.t.Fatalf("update %d handled %d times, want %d; logs:\n%s", id, got, n, e.logs.String())
		}
	}
}

// send delivers a text message from a user in a chat and waits until the bot
// has handled it.
func (e *env) send(chat telegramfake.Chat, from telegramfake.User, text string) int64 {
	e.t.Helper()
	id := e.api.PushUpdate(telegramfake.Update{Message: telegramfake.Text(chat, from, text)})
	e.waitHandled(id, 1)
	return id
}

// replyTo delivers a message replying to message msgID of the chat.
func (e *env) replyTo(chat telegramfake.Chat, from telegramfake.User, msgID int, text string) int64 {
	e.t.Helper()
	m := telegramfake.Text(chat, from, text)
	orig, ok := e.api.Message(chat.ID, msgID)
	if !ok {
		e.t.Fatalf("no message %d in chat %d", msgID, chat.ID)
	}
	m.ReplyToMessage = &orig
	id := e.api.PushUpdate(telegramfake.Update{Message: m})
	e.waitHandled(id, 1)
	return id
}

var callbackSeq atomic.Int64

// press delivers the press of a button with data on message msgID.
func (e *env) press(chat telegramfake.Chat, from telegramfake.User, msgID int, data string) int64 {
	e.t.Helper()
	me := e.api.Me()
	id := e.api.PushUpdate(telegramfake.Update{CallbackQuery: &telegramfake.CallbackQuery{
		ID: fmt.Sprintf("cb%d", callbackSeq.Add(1)), From: from, ChatInstance: "42", Data: data,
		Message: &telegramfake.Message{MessageID: msgID, Chat: chat, From: &me, Text: "?"},
	}})
	e.waitHandled(id, 1)
	return id
}

// sent returns the successful sendMessage calls to chat, in order.
func (e *env) sent(chat int64) []telegramfake.Call {
	var out []telegramfake.Call
	for _, c := range e.api.Calls("sendMessage") {
		if c.Int("chat_id") == chat && c.ErrorCode == 0 {
			out = append(out, c)
		}
	}
	return out
}

// lastText returns what the user sees of the bot's last message in chat.
func (e *env) lastText(chat int64) string {
	e.t.Helper()
	s := e.sent(chat)
	if len(s) == 0 {
		e.t.Fatalf("no message sent to chat %d; calls:\n%v", chat, e.api.Calls())
	}
	m, _ := e.api.Message(chat, s[len(s)-1].MessageID())
	return m.Text
}

// lastID returns the id of the bot's last message in chat.
func (e *env) lastID(chat int64) int {
	e.t.Helper()
	s := e.sent(chat)
	if len(s) == 0 {
		e.t.Fatalf("no message sent to chat %d", chat)
	}
	return s[len(s)-1].MessageID()
}

// user returns the chatplay user of a Telegram user.
func (e *env) user(u telegramfake.User) *engine.User {
	e.t.Helper()
	got, err := e.eng.EnsureIdentityUser(context.Background(), engine.ProviderTelegram, fmt.Sprint(u.ID), u.Username, u.FirstName, u.LanguageCode)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

// room creates a room for u and makes it u's active room in chat.
func (e *env) room(u telegramfake.User, chat telegramfake.Chat, in engine.RoomInput) *engine.Room {
	e.t.Helper()
	ctx := context.Background()
	owner := e.user(u)
	r, err := e.eng.CreateRoom(ctx, owner.ID, in)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.eng.BindRoom(ctx, owner.ID, r.ID, engine.ProviderTelegram, fmt.Sprintf("chat:%d", chat.ID)); err != nil {
		e.t.Fatal(err)
	}
	return r
}

// history returns a room's conversation, oldest first.
func (e *env) history(u telegramfake.User, roomID int64) []*engine.Message {
	e.t.Helper()
	msgs, _, err := e.eng.ListMessages(context.Background(), e.user(u).ID, roomID, engine.Page{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return msgs
}

// cafe is a valid room.
func cafe(language string) engine.RoomInput {
	off := false // the tests count the model's calls for replies alone
	return engine.RoomInput{Language: language, Situation: "ordering coffee", UserRole: "customer", BotRole: "barista", Feedback: &off}
}

// coached is a valid room with corrections on (the default of a room).
func coached(language string) engine.RoomInput {
	in := cafe(language)
	in.Feedback = nil
	return in
}

var (
	tokenizerOnce sync.Once
	tokenizer     *tiktoken.Counter
	tokenizerErr  error
)

func mustTokenizer(tb testing.TB) *tiktoken.Counter {
	tokenizerOnce.Do(func() { tokenizer, tokenizerErr = tiktoken.New("o200k_base") })
	if tokenizerErr != nil {
		tb.Fatal(tokenizerErr)
	}
	return tokenizer
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
