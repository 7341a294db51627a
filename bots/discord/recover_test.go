package discord

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// internalKo is the error a Korean-speaking user sees when the bot fails.
var internalKo = errorText[engine.CodeInternal]["ko"]

// A handler that panics, whichever way its interaction came (the HTTP
// endpoint, the gateway, a button), does not take the process down: the
// panic is recovered and logged, the user gets a short error, and the bot
// goes on answering.
func TestPanickingInteractionIsRecovered(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		logs := &syncBuffer{}
		e.bot.log = slog.New(slog.NewTextHandler(logs, nil))
		e.bot.beforeRoute = func(*discordgo.Interaction) { panic("a handler panicked") }

		// Over HTTP: the initial response is the error, ephemeral.
		m := e.golden(t, "command_say.json", alice)
		d := respData(t, e.sendOK(t, m))
		if !ephemeral(d) || d["content"] != internalKo {
			t.Errorf("HTTP interaction answered %v, want the internal error", d)
		}
		// Through the gateway: the callback carries the error.
		m = e.golden(t, "command_help_dm.json", alice)
		e.viaGateway(t, m)
		if got := e.shown(m["token"].(string)); got != errorText[engine.CodeInternal]["ja"] { // the golden DM's locale
			t.Errorf("gateway interaction shows %q, want the internal error", got)
		}
		// A button.
		m = e.golden(t, "button.json", alice)
		e.viaGateway(t, m)
		if got := e.shown(m["token"].(string)); got == "" {
			t.Errorf("the button press shows nothing")
		}
		if n := strings.Count(logs.String(), "discord: panic"); n != 3 {
			t.Errorf("%d panics logged, want 3:\n%s", n, logs.String())
		}

		// The bot lives on.
		e.bot.beforeRoute = nil
		m = e.golden(t, "command_help_dm.json", alice)
		e.viaGateway(t, m)
		if got := e.shown(m["token"].(string)); !strings.Contains(got, "/room new") {
			t.Errorf("help after the panics shows %q", got)
		}
	})
}

// panicModel is a model whose every call panics.
type panicModel struct{}

func (panicModel) Stream(context.Context, engine.ModelRequest, func(string)) (engine.ModelResult, error) {
	panic("the model panicked")
}

// A turn that panics in a thread is recovered too: the thread is told, in
// the user's language, and the process lives.
func TestPanickingMessageIsRecovered(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 오세요!"}})
		thread := e.enter(t, alice, r)
		before := len(e.fake.Messages(thread))

		cfg := e.eng.Config()
		e.bot.eng = engine.New(cfg, engine.Deps{Store: db, Model: panicModel{}, Tokens: mustTokenizer(t),
			Logger: slog.New(slog.DiscardHandler), Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }})
		logs := &syncBuffer{}
		e.bot.log = slog.New(slog.NewTextHandler(logs, nil))
		e.message(t, alice, thread, "아메리카노 주세요")

		msgs := e.fake.Messages(thread)[before:]
		if want := errorMessage(e.user(t, alice).Locale, engine.Internal(nil)); len(msgs) != 1 || msgs[0].Content != want {
			t.Fatalf("thread shows %+v, want the internal error", msgs)
		}
		if !strings.Contains(logs.String(), "discord: panic") {
			t.Errorf("the panic was not logged:\n%s", logs.String())
		}
	})
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

func (panicModel) Complete(context.Context, engine.StructuredRequest) (engine.StructuredResult, error) {
	panic("the model broke")
}
