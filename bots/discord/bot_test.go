package discord

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/bots/connect"
	"github.com/chatplay/chatplay/bots/connect/connecttest"
	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestRunRegistersCommands(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		for _, guild := range []string{testGuildID, ""} {
			fake := discordfake.New(t)
			eng := engine.New(engine.DefaultConfig(), engine.Deps{Store: db, Tokens: mustTokenizer(t)})
			b, err := New(Config{Token: "Bot test-token", ApplicationID: testAppID, APIURL: fake.URL(), GuildID: guild}, eng, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- b.Run(ctx) }()
			path := "/applications/" + testAppID + "/commands"
			if guild != "" {
				path = "/applications/" + testAppID + "/guilds/" + guild + "/commands"
			}
			select {
			case <-b.ready:
			case err := <-done:
				t.Fatalf("Run: %v", err)
			}
			calls := fake.Calls()
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Run: %v", err)
			}
			put := discordfake.Filter(calls, http.MethodPut, path)[0]
			if put.Header.Get("Authorization") != "Bot test-token" {
				t.Errorf("authorization header not sent as a bot token")
			}
			var cmds []discordgo.ApplicationCommand
			if err := json.Unmarshal(put.Body, &cmds); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range cmds {
				names = append(names, c.Name)
			}
			if len(cmds) != 12 || names[0] != "room" || len(cmds[0].Options) != 5 || cmds[0].Options[0].Options[0].Choices[0].Value != "ko" {
				t.Errorf("commands = %v", names)
			}
			if got := discordfake.Filter(calls, http.MethodGet, "/users/@me"); len(got) != 1 {
				t.Errorf("users/@me asked %d times", len(got))
			}
		}
	})
}

func TestNewRefusesBadConfig(t *testing.T) {
	eng := engine.New(engine.DefaultConfig(), engine.Deps{})
	for name, cfg := range map[string]Config{
		"no token":       {ApplicationID: "1"},
		"no application": {Token: "t"},
		"bad key":        {Token: "t", ApplicationID: "1", PublicKey: "abcd"},
		"bad api url":    {Token: "t", ApplicationID: "1", APIURL: "ftp://x"},
	} {
		if _, err := New(cfg, eng, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRebaseTransport(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Host+" "+r.URL.RequestURI())
	}))
	defer srv.Close()
	rt, err := newRebaseTransport(srv.URL+"/proxy/api/v10/", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: rt}
	for _, u := range []string{
		discordgo.EndpointWebhookMessage("1", "tok", "@original"),
		discordgo.EndpointChannelMessages("5") + "?limit=2",
	} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	host := srv.Listener.Addr().String()
	want := []string{host + " /proxy/api/v10/webhooks/1/tok/messages/@original", host + " /proxy/api/v10/channels/5/messages?limit=2"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("requests = %q, want %q", got, want)
	}
	if rt, _ := newRebaseTransport("", nil); rt != http.DefaultTransport {
		t.Error("the default API URL should not rewrite")
	}
}

// The golden interactions decode as discordgo reads them.
func TestGoldenInteractions(t *testing.T) {
	want := map[string]discordgo.InteractionType{
		"ping.json": discordgo.InteractionPing, "command_room_new.json": discordgo.InteractionApplicationCommand,
		"autocomplete_room_enter.json": discordgo.InteractionApplicationCommandAutocomplete,
		"button.json":                  discordgo.InteractionMessageComponent, "modal_submit.json": discordgo.InteractionModalSubmit,
		"command_help_dm.json": discordgo.InteractionApplicationCommand,
	}
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) < len(want) {
		t.Fatalf("%d golden files", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var in discordgo.Interaction
		if err := json.Unmarshal(raw, &in); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if w, ok := want[filepath.Base(f)]; ok && in.Type != w {
			t.Errorf("%s: type %v, want %v", f, in.Type, w)
		}
		if in.Type != discordgo.InteractionPing && discordUser(&in) == nil {
			t.Errorf("%s: no user", f)
		}
	}
	var in discordgo.Interaction
	raw, _ := os.ReadFile("testdata/modal_submit.json")
	_ = json.Unmarshal(raw, &in)
	if v := modalValues(in.ModalSubmitData().Components); v[inSituation] != "ordering tea in a cafe in Kyoto" || len(v) != 5 {
		t.Errorf("modal values = %v", v)
	}
}

func TestErrAttrHidesInteractionTokens(t *testing.T) {
	err := errors.New(`Patch "https://discord.com/api/v9/webhooks/12/aW50ZXJhY3Rpb24.secret/messages/@original": EOF; ` +
		`Post "https://discord.com/api/v9/interactions/34/tok-en/callback": EOF`)
	got := errAttr(err).Value.String()
	if strings.Contains(got, "secret") || strings.Contains(got, "tok-en") ||
		!strings.Contains(got, "/webhooks/12/<token>/messages/@original") || !strings.Contains(got, "/interactions/34/<token>/callback") {
		t.Errorf("errAttr = %s", got)
	}
}

// front stands where Discord's API should be: at first nothing listens there
// (connections are refused); once up, it answers the first request with a
// 503 and passes the others to the fake.
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

// up starts listening, in front of the fake.
func (f *front) up(t *testing.T, fake *discordfake.Server) {
	f.once.Do(func() {
		ln, err := f.port.Listen()
		if err != nil {
			t.Errorf("front: %v", err)
			return
		}
		u, _ := url.Parse(strings.TrimSuffix(fake.URL(), discordfake.APIPrefix))
		proxy := httputil.NewSingleHostReverseProxy(u)
		var first sync.Once
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			failed := false
			first.Do(func() {
				failed = true
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"message": "upstream connect error", "code": 0}`))
			})
			if !failed {
				proxy.ServeHTTP(w, r)
			}
		})}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
	})
}

// Discord's API refusing connections at start, then answering 503, then
// coming up: the bot keeps trying with backoff, logs each failure, shows it
// in State, and registers its commands and works once Discord answers.
func TestRunKeepsTryingUntilDiscordAnswers(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		f := newFront(t)
		logs := &syncBuffer{}
		b, err := New(Config{Token: "test-token", ApplicationID: testAppID, APIURL: "http://" + f.addr + discordfake.APIPrefix,
			GuildID: testGuildID}, e.eng, slog.New(slog.NewTextHandler(logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		var states []connect.State
		var waits []time.Duration
		b.link.Sleep = func(ctx context.Context, d time.Duration) error {
			states = append(states, b.State())
			waits = append(waits, d)
			f.up(t, e.fake) // after the first failure, Discord comes up (and fails once more)
			return nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- b.Run(ctx) }()
		select {
		case <-b.ready:
		case err := <-done:
			t.Fatalf("Run: %v", err)
		}
		if len(states) != 2 || states[0].Status != connect.Retrying || !strings.Contains(states[0].Err, "refused") ||
			!strings.Contains(states[1].Err, "503") || states[1].Failures != 2 {
			t.Errorf("states while retrying = %+v", states)
		}
		if len(waits) != 2 || waits[0] != connect.MinWait || waits[1] != 2*connect.MinWait {
			t.Errorf("waits = %v", waits)
		}
		if st := b.State(); st.Status != connect.Connected {
			t.Errorf("state = %+v, want connected", st)
		}
		if n := strings.Count(logs.String(), "cannot reach the platform"); n != 2 || strings.Contains(logs.String(), "test-token") {
			t.Errorf("%d failures logged, want 2, without the token:\n%s", n, logs.String())
		}
		if len(discordfake.Filter(e.fake.Calls(), http.MethodPut, "/applications/"+testAppID+"/guilds/"+testGuildID+"/commands")) != 1 {
			t.Error("the commands were not registered once")
		}
		// It works: an interaction is answered through the API it reached.
		m := e.golden(t, "command_room_enter.json", alice)
		set(t, m, "data.options.0.options.0.value", "999")
		body, _ := json.Marshal(m)
		var in discordgo.Interaction
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatal(err)
		}
		calls := len(e.fake.Calls())
		b.onInteractionCreate(b.session, &discordgo.InteractionCreate{Interaction: &in})
		b.inflight.Wait()
		if got := discordfake.Filter(e.fake.Calls()[calls:], http.MethodPost, "/interactions/"); len(got) != 1 {
			t.Errorf("the interaction was not answered: %v", e.fake.Calls()[calls:])
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
	})
}

// A token Discord refuses stops the bot at once: Run returns an error and
// State says disabled.
func TestRunStopsWhenTheTokenIsRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message": "401: Unauthorized", "code": 0}`))
	}))
	defer srv.Close()
	b, err := New(Config{Token: "wrong-token", ApplicationID: testAppID, APIURL: srv.URL + "/api/v10"},
		engine.New(engine.DefaultConfig(), engine.Deps{}), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	b.link.Sleep = func(context.Context, time.Duration) error { t.Error("a refused token was tried again"); return nil }
	if err := b.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "check the bot token") {
		t.Fatalf("Run = %v", err)
	}
	if st := b.State(); st.Status != connect.Disabled {
		t.Errorf("state = %+v, want disabled", st)
	}
}
