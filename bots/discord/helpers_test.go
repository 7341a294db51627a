package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/tiktoken"
)

const (
	testAppID      = "1200000000000000001"
	testGuildID    = "1000000000000000001"
	testChannelID  = "1000000000000000010"
	testEditPeriod = 40 * time.Millisecond
)

// A Discord user of the tests.
type person struct{ id, username, global string }

var (
	alice = person{"2000000000000000001", "alice", "Alice"}
	bob   = person{"2000000000000000002", "bob", "Bob"}
)

// env is a Bot over a real database, the fake model server and the fake
// Discord API, with its interactions endpoint on httptest.
type env struct {
	db    *sqlstore.DB
	eng   *engine.Engine
	model *openaifake.Server
	fake  *discordfake.Server
	bot   *Bot
	srv   *httptest.Server
	priv  ed25519.PrivateKey
	seq   atomic.Int64
	// skew moves the engine's clock ahead of the real one (nanoseconds):
	// tests of expiry set it.
	skew atomic.Int64
}

func newEnv(t *testing.T, db *sqlstore.DB) *env {
	t.Helper()
	e := &env{db: db, model: openaifake.New(t), fake: discordfake.New(t)}
	e.seq.Store(1400000000000000000)
	cfg := engine.DefaultConfig()
	cfg.Models = engine.ModelPolicy{Default: "test-model"}
	cfg.Retry.BaseDelay = time.Millisecond
	cfg.Retry.Deadline = 20 * time.Second
	e.eng = engine.New(cfg, engine.Deps{
		Store:  db,
		Model:  openai.New(openai.Config{BaseURL: e.model.URL(), Timeout: 10 * time.Second}),
		Tokens: mustTokenizer(t),
		Logger: slog.New(slog.DiscardHandler),
		Sleep:  func(ctx context.Context, d time.Duration) error { return ctx.Err() },
		Now:    func() time.Time { return time.Now().Add(time.Duration(e.skew.Load())) },
	})
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	e.priv = priv
	e.bot, err = New(Config{Token: "test-token", ApplicationID: testAppID, PublicKey: hex.EncodeToString(pub),
		APIURL: e.fake.URL(), GuildID: testGuildID, EditInterval: testEditPeriod}, e.eng, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.bot.InteractionsHandler())
	t.Cleanup(func() {
		e.idle()
		e.srv.Close()
		e.bot.shutdown()
		checkNoMentions(t, e.fake.Calls())
	})
	e.fake.AddChannel(discordfake.Channel{ID: testChannelID, Type: 0, GuildID: testGuildID, Name: "general"})
	return e
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

// idle waits until every interaction and message in flight is handled.
func (e *env) idle() { e.bot.inflight.Wait() }

// golden returns testdata/name as a JSON object, with a new interaction id
// and token and sent by p.
func (e *env) golden(t testing.TB, name string, p person) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	id := strconv.FormatInt(e.seq.Add(1), 10)
	m["id"], m["token"] = id, "token-"+id
	u := map[string]any{"id": p.id, "username": p.username, "global_name": p.global, "discriminator": "0", "avatar": nil, "public_flags": 0}
	if member, ok := m["member"].(map[string]any); ok {
		member["user"] = u
	} else {
		m["user"] = u
	}
	return m
}

// set sets the value at a dotted path of m ("data.options.0.value").
func set(t testing.TB, m map[string]any, path string, v any) {
	t.Helper()
	var cur any = m
	keys := strings.Split(path, ".")
	for i, k := range keys {
		last := i == len(keys)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[k] = v
				return
			}
			cur = c[k]
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n >= len(c) {
				t.Fatalf("set %s: no element %s", path, k)
			}
			if last {
				c[n] = v
				return
			}
			cur = c[n]
		default:
			t.Fatalf("set %s: %s is not a container", path, k)
		}
	}
}

// sign returns a request to the interactions endpoint signed with key.
func (e *env) sign(t testing.TB, body []byte, key ed25519.PrivateKey) *http.Request {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...))))
	return req
}

// do sends req and returns the status and the decoded JSON response (nil
// when it is not JSON).
func (e *env) do(t testing.TB, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	return resp.StatusCode, m
}

// send posts interaction m, signed, to the endpoint and returns the status
// and the initial response.
func (e *env) send(t testing.TB, m map[string]any) (int, map[string]any) {
	t.Helper()
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return e.do(t, e.sign(t, body, e.priv))
}

// sendOK sends m, fails unless it is answered 200, and waits until its
// handling is over.
func (e *env) sendOK(t testing.TB, m map[string]any) map[string]any {
	t.Helper()
	status, resp := e.send(t, m)
	if status != http.StatusOK {
		t.Fatalf("status %d, want 200 (%v)", status, resp)
	}
	e.idle()
	return resp
}

// viaGateway hands m to the bot as the gateway would.
func (e *env) viaGateway(t testing.TB, m map[string]any) {
	t.Helper()
	body, _ := json.Marshal(m)
	var in discordgo.Interaction
	if err := json.Unmarshal(body, &in); err != nil {
		t.Fatal(err)
	}
	e.bot.onInteractionCreate(e.bot.session, &discordgo.InteractionCreate{Interaction: &in})
	e.idle()
}

// message hands a plain message to the bot as the gateway would.
func (e *env) message(t testing.TB, p person, channelID, content string) string {
	t.Helper()
	id := strconv.FormatInt(e.seq.Add(1), 10)
	e.bot.onMessageCreate(e.bot.session, &discordgo.MessageCreate{Message: &discordgo.Message{ID: id, ChannelID: channelID,
		GuildID: testGuildID, Content: content, Type: discordgo.MessageTypeDefault,
		Author: &discordgo.User{ID: p.id, Username: p.username, GlobalName: p.global}}})
	e.idle()
	return id
}

// user returns the chatplay user of p.
func (e *env) user(t testing.TB, p person) *engine.User {
	t.Helper()
	u, err := e.eng.EnsureIdentityUser(context.Background(), engine.ProviderDiscord, p.id, p.username, p.global, "")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// room makes a room for p, with feedback off: the tests of the scene count
// the model's calls and the bot's writes, which the coach would add to
// (practiceRoom makes one with feedback on).
func (e *env) room(t testing.TB, p person, title string) *engine.Room {
	t.Helper()
	return e.makeRoom(t, p, title, false)
}

// practiceRoom makes a room for p with feedback on, bound as p's active room.
func (e *env) practiceRoom(t testing.TB, p person, title string) *engine.Room {
	t.Helper()
	r := e.makeRoom(t, p, title, true)
	if err := e.eng.BindRoom(context.Background(), e.user(t, p).ID, r.ID, engine.ProviderDiscord, "active"); err != nil {
		t.Fatal(err)
	}
	return r
}

// makeRoom makes a room for p.
func (e *env) makeRoom(t testing.TB, p person, title string, feedback bool) *engine.Room {
	t.Helper()
	r, err := e.eng.CreateRoom(context.Background(), e.user(t, p).ID, engine.RoomInput{Title: title, Language: "ko",
		Situation: "ordering coffee in a cafe in Seoul", UserRole: "customer", BotRole: "barista", Feedback: &feedback})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// history returns the conversation of p's room, oldest first.
func (e *env) history(t testing.TB, p person, roomID int64) []*engine.Message {
	t.Helper()
	msgs, _, err := e.eng.ListMessages(context.Background(), e.user(t, p).ID, roomID, engine.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// lastReply returns the content of the newest assistant message of a room.
func (e *env) lastReply(t testing.TB, p person, roomID int64) *engine.Message {
	t.Helper()
	msgs := e.history(t, p, roomID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == engine.RoleAssistant {
			return msgs[i]
		}
	}
	t.Fatal("no reply stored")
	return nil
}

// checkNoMentions fails unless every call that carries message content sets
// allowed_mentions to {"parse": []}.
func checkNoMentions(t testing.TB, calls []discordfake.Call) {
	t.Helper()
	for _, c := range calls {
		if _, ok := c.Content(); !ok {
			continue
		}
		am, ok := c.AllowedMentions()
		parse, isList := am["parse"].([]any)
		if !ok || !isList || len(parse) != 0 || len(am) > 2 || am["replied_user"] == true {
			t.Errorf("%s: allowed_mentions = %v, want {\"parse\": []}", c, am)
		}
	}
}

// contents returns the content of each call, in order.
func contents(calls []discordfake.Call) []string {
	var out []string
	for _, c := range calls {
		s, _ := c.Content()
		out = append(out, s)
	}
	return out
}

// respData returns the "data" object of an interaction response.
func respData(t testing.TB, resp map[string]any) map[string]any {
	t.Helper()
	d, ok := resp["data"].(map[string]any)
	if !ok {
		t.Fatalf("response without data: %v", resp)
	}
	return d
}

// respType returns the "type" of an interaction response.
func respType(resp map[string]any) int {
	f, _ := resp["type"].(float64)
	return int(f)
}

// ephemeral reports whether response data has the ephemeral flag.
func ephemeral(d map[string]any) bool {
	f, _ := d["flags"].(float64)
	return int(f)&int(discordgo.MessageFlagsEphemeral) != 0
}

// fmtRoomID returns a room id as an option value.
func fmtRoomID(r *engine.Room) string { return fmt.Sprint(r.ID) }

// fmtID returns an id as text.
func fmtID(id int64) string { return fmt.Sprint(id) }
