package discord

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

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
			if len(cmds) != 5 || names[0] != "room" || len(cmds[0].Options) != 5 || cmds[0].Options[0].Options[0].Choices[0].Value != "ko" {
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
