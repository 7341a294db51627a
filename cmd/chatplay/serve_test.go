package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/migrations"
)

// syncBuffer is a log sink safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// anyAddr is a listen address whose port the system picks: a server of the
// tests listens on it and tells its port (loggedAddr, waitServing). A port
// found free and handed over would be anyone's until the server listened.
const anyAddr = "127.0.0.1:0"

// addrAttr finds the addr attribute of a log line, text or JSON.
var addrAttr = regexp.MustCompile(`\baddr"?[=:]"?([^\s",]+)`)

// loggedAddr returns the address that serve, logging to logs, said it
// listens on for key: server.addr (the main listener, "chatplay is
// serving") or a side listener (metrics.addr, admin.addr); "" before it did.
func loggedAddr(logs, key string) string {
	for _, line := range strings.Split(logs, "\n") {
		main := key == "server.addr" && strings.Contains(line, "chatplay is serving")
		side := key != "server.addr" && strings.Contains(line, "listening") && strings.Contains(line, key)
		if m := addrAttr.FindStringSubmatch(line); (main || side) && m != nil {
			return m[1]
		}
	}
	return ""
}

// waitServing waits until serve, logging to logs and returning on done, has
// said where it listens, and returns that address.
func waitServing(t *testing.T, logs *syncBuffer, done <-chan error) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		if addr := loggedAddr(logs.String(), "server.addr"); addr != "" {
			return addr
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned before it listened: %v\n%s", err, logs.String())
		case <-timeout:
			t.Fatalf("serve did not listen:\n%s", logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// serve starts on a fresh SQLite file with no model key, answers the health
// endpoints, stops cleanly on cancel, and never logs the secrets it was given.
func TestServeStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{
		"CHATPLAY_SERVER_ADDR":  anyAddr,
		"CHATPLAY_DATABASE_URL": "sqlite:" + filepath.Join(dir, "sub", "chatplay.db"),
		"CHATPLAY_LOG_LEVEL":    "debug",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(vars), &logs, &logs) }()
	addr := waitServing(t, &logs, done)

	for _, path := range []string{"/healthz", "/readyz", "/"} { // "/": the web app
		var resp *http.Response
		var err error
		for range 100 {
			if resp, err = http.Get("http://" + addr + path); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, logs.String())
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); path == "/" && !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("GET / is %q, want the web app's HTML", ct)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	out := logs.String()
	if !strings.Contains(out, "no model API key") || !strings.Contains(out, "stopped") {
		t.Fatalf("log:\n%s", out)
	}
}

// The key given to serve reaches no log line. The server is first proven to
// have started (it answers), so that a start that failed early, with nothing
// logged, cannot pass.
func TestServeNeverLogsTheKey(t *testing.T) {
	s := startServe(t, map[string]string{
		"CHATPLAY_MODEL_API_KEY":  "sk-very-secret-key-0123456789",
		"CHATPLAY_MODEL_BASE_URL": "http://127.0.0.1:1/v1",
		"CHATPLAY_LOG_LEVEL":      "debug",
	})
	s.stop()
	out := s.logs.String()
	if !strings.Contains(out, "chatplay is serving") || !strings.Contains(out, "stopped") {
		t.Fatalf("serve did not log its start and stop:\n%s", out)
	}
	if strings.Contains(out, "sk-very-secret") {
		t.Fatalf("the API key reached the log:\n%s", out)
	}
}

// A model server that echoes the key in its error bodies does not get it into
// the log: the failed turn is logged with the key redacted.
func TestServeLogsModelErrorsWithoutTheKey(t *testing.T) {
	const key = "sk-very-secret-key-0123456789"
	model := openaifake.New(t)
	model.Default = func(req openaifake.Request) openaifake.Reply {
		return openaifake.Reply{Status: http.StatusUnauthorized, ErrorCode: "invalid_api_key",
			ErrorMessage: "Incorrect API key provided: " + key + " (sent as " + req.Header.Get("Authorization") + ")"}
	}
	s := startServe(t, map[string]string{
		"CHATPLAY_MODEL_API_KEY":  key,
		"CHATPLAY_MODEL_BASE_URL": model.URL(),
		"CHATPLAY_LOG_LEVEL":      "debug",
	})
	token, room := s.signupWithRoom(t)
	resp := s.postMessage(t, token, room, "안녕하세요", false)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 500 || strings.Contains(string(body), key) {
		t.Fatalf("a turn the model refused = %d %s, want a 5xx without the key", resp.StatusCode, body)
	}
	s.stop()
	out := s.logs.String()
	if strings.Contains(out, "sk-very-secret") {
		t.Fatalf("the API key reached the log:\n%s", out)
	}
	if !strings.Contains(out, "reply failed") || !strings.Contains(out, "Incorrect API key provided: [redacted]") {
		t.Fatalf("the failed turn was not logged with the server's words:\n%s", out)
	}
}

func TestMigrateCommand(t *testing.T) {
	vars := map[string]string{"CHATPLAY_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "m.db")}
	var out bytes.Buffer
	ms, err := migrations.New("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	all := fmt.Sprintf("unapplied: %d\n", len(ms.Sorted()))
	for _, step := range []struct{ cmd, want string }{
		{"status", all},
		{"up", "migrated to"},
		{"up", "up to date"},
		{"status", "unapplied: 0\n"},
		{"down -yes", "rolled back"}, // the group that "up" applied: every migration
		{"status", all},
	} {
		out.Reset()
		if err := run(context.Background(), append([]string{"migrate"}, strings.Fields(step.cmd)...), env(vars), &out, &out); err != nil {
			t.Fatalf("migrate %s: %v", step.cmd, err)
		}
		if !strings.Contains(out.String(), step.want) {
			t.Fatalf("migrate %s printed %q, want %q", step.cmd, out.String(), step.want)
		}
	}
	if err := run(context.Background(), []string{"migrate", "sideways"}, env(vars), &out, &out); err == nil {
		t.Fatal("an unknown migrate command must fail")
	}
}

func TestVersionAndUsage(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, env(nil), &out, &out); err != nil || !strings.HasPrefix(out.String(), "chatplay ") {
		t.Fatalf("version: %q, %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"launch"}, env(nil), &out, &out); err == nil {
		t.Fatal("an unknown command must fail")
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.openai.com/v1":                 "https://api.openai.com/v1",
		"http://user:pass@localhost:11434/v1?key=x": "http://localhost:11434/v1",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// With both bot tokens set, serve starts the bots against their platforms'
// fakes, mounts the Discord interactions endpoint on its listener, and stops
// everything cleanly.
func TestServeRunsTheBots(t *testing.T) {
	tg := telegramfake.New(t)
	dc := discordfake.New(t)
	vars := map[string]string{
		"CHATPLAY_SERVER_ADDR":            anyAddr,
		"CHATPLAY_DATABASE_URL":           "sqlite:" + filepath.Join(t.TempDir(), "bots.db"),
		"CHATPLAY_TELEGRAM_TOKEN":         tg.Token(),
		"CHATPLAY_TELEGRAM_API_URL":       tg.URL(),
		"CHATPLAY_DISCORD_TOKEN":          "discord-test-token",
		"CHATPLAY_DISCORD_APPLICATION_ID": "1100000000000000001",
		"CHATPLAY_DISCORD_PUBLIC_KEY":     strings.Repeat("ab", 32),
		"CHATPLAY_DISCORD_API_URL":        dc.URL(),
		"CHATPLAY_DISCORD_GATEWAY":        "false",
		"CHATPLAY_LOG_LEVEL":              "debug",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(vars), &logs, &logs) }()
	addr := waitServing(t, &logs, done)

	// The interactions endpoint is on the service's listener and refuses an unsigned request.
	var resp *http.Response
	var err error
	for range 100 {
		if resp, err = http.Post("http://"+addr+"/discord/interactions", "application/json", strings.NewReader(`{"type":1}`)); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("POST /discord/interactions: %v\n%s", err, logs.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned interaction = %d, want 401", resp.StatusCode)
	}
	// Both bots reached their platform: Telegram registers its commands, Discord its slash commands.
	deadline := time.Now().Add(10 * time.Second)
	for len(tg.Calls("setMyCommands")) == 0 || !discordRegistered(dc) {
		if time.Now().After(deadline) {
			t.Fatalf("bots did not register their commands:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	out := logs.String()
	for _, secret := range []string{tg.Token(), "discord-test-token"} {
		if strings.Contains(out, secret) {
			t.Fatalf("a bot token reached the log:\n%s", out)
		}
	}
	if !strings.Contains(out, `msg="bot stopped" surface=telegram`) || !strings.Contains(out, `msg="bot stopped" surface=discord`) {
		t.Fatalf("bots did not stop cleanly:\n%s", out)
	}
}

func discordRegistered(dc *discordfake.Server) bool {
	for _, c := range dc.Calls() {
		if c.Method == http.MethodPut && strings.HasSuffix(c.Path, "/commands") {
			return true
		}
	}
	return false
}
