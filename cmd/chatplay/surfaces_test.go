package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
)

// serve -only names the surfaces to serve; a wrong list is a wrong command
// line (exit 2, naming the surfaces), a wrong server.surfaces a wrong config
// (exit 1, naming the key and its variable).
func TestOnlyFlagChecked(t *testing.T) {
	for _, tt := range []struct {
		args   []string
		vars   map[string]string
		code   int
		stderr string
	}{
		{[]string{"serve", "-only", "api,telgram"}, nil, 2, `unknown surface "telgram": the surfaces are api, telegram, discord`},
		{[]string{"serve", "--only=web"}, nil, 2, `unknown surface "web"`},
		{[]string{"serve", "--only", ""}, nil, 2, "no surface named"},
		{[]string{"serve", "--only", " , "}, nil, 2, "no surface named"},
		{[]string{"serve"}, map[string]string{"CHATPLAY_SERVER_SURFACES": "api,slack"}, 1,
			`server.surfaces (CHATPLAY_SERVER_SURFACES): unknown surface "slack"`},
	} {
		var stdout, stderr bytes.Buffer
		vars := map[string]string{"CHATPLAY_DATABASE_URL": "sqlite:" + t.TempDir() + "/x.db"}
		for k, v := range tt.vars {
			vars[k] = v
		}
		code := cli(cancelled(), tt.args, env(vars), &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("chatplay %q: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr.String(), tt.code, tt.stderr)
		}
	}
	if got, err := parseSurfaces([]string{"Telegram", " api", "telegram"}); err != nil || !slices.Equal(got, []string{"telegram", "api"}) {
		t.Errorf("parseSurfaces = %q, %v; want telegram, api", got, err)
	}
}

// A process serving only telegram (the flag over server.surfaces: api)
// answers no API call and no web page, but still /healthz, /readyz (with
// discord not served here) and /metrics, and runs the Telegram bot.
func TestServeOnlyTelegram(t *testing.T) {
	tg := telegramfake.New(t)
	s := startServeArgs(t, map[string]string{
		"CHATPLAY_SERVER_SURFACES":        "api",
		"CHATPLAY_TELEGRAM_TOKEN":         tg.Token(),
		"CHATPLAY_TELEGRAM_API_URL":       tg.URL(),
		"CHATPLAY_DISCORD_TOKEN":          "discord-token",
		"CHATPLAY_DISCORD_APPLICATION_ID": "1",
	}, "-only", "telegram")
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + s.addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, path := range []string{"/api/v1/meta", "/", "/api/openapi.json", "/discord/interactions"} {
		if code, body := get(path); code != http.StatusNotFound || !strings.Contains(body, "does not serve the API") {
			t.Errorf("GET %s = %d %s, want 404: this process serves no API", path, code, body)
		}
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz = %d", code)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("GET /metrics = %d", code)
	}
	tg.WaitCalls(t, 1, "deleteWebhook") // the bot runs: it is about to poll
	// The bot says it is connected just after its first call: read
	// /readyz until it does (or the deadline passes and the checks below say
	// what it showed).
	var doc struct {
		Components map[string]struct{ Status string } `json:"components"`
	}
	var body string
	for deadline := time.Now().Add(10 * time.Second); ; {
		var code int
		code, body = get("/readyz")
		if err := json.Unmarshal([]byte(body), &doc); code != http.StatusOK || err != nil {
			t.Fatalf("GET /readyz = %d %s", code, body)
		}
		if doc.Components["telegram"].Status == "connected" || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := doc.Components["discord"].Status; got != "not_served" {
		t.Errorf("/readyz discord = %q, want not_served: %s", got, body)
	}
	if got := doc.Components["telegram"].Status; got != "connected" {
		t.Errorf("/readyz telegram = %q, want connected (SQLite: no election): %s", got, body)
	}
}

// database.room_locks defaults to auto: locks in the database on PostgreSQL
// (replicas keep each room's turns in order), in the process on SQLite.
func TestRoomLocksDefault(t *testing.T) {
	const pg = "postgres://chatplay@db:5432/chatplay"
	for _, tt := range []struct {
		url, locks string
		shared     bool
		err        string
	}{
		{pg, "", true, ""},
		{"sqlite:x.db", "", false, ""},
		{pg, "process", false, ""},
		{pg, "database", true, ""},
		{"sqlite:x.db", "database", false, "database.room_locks (CHATPLAY_DATABASE_ROOM_LOCKS): database needs PostgreSQL"},
		{pg, "shared", false, "must be auto, process or database"},
	} {
		vars := map[string]string{"CHATPLAY_DATABASE_URL": tt.url, "CHATPLAY_DATABASE_ROOM_LOCKS": tt.locks}
		cfg, err := loadConfig("", false, env(vars))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s, room_locks %q: %v, want %q", tt.url, tt.locks, err, tt.err)
			}
			continue
		}
		if err != nil || cfg.Database.sharedRoomLocks() != tt.shared {
			t.Errorf("%s, room_locks %q: shared %v (%v), want %v", tt.url, tt.locks, cfg.Database.sharedRoomLocks(), err, tt.shared)
		}
	}
}
