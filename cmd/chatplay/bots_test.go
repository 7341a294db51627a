package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/connect/connecttest"
	"github.com/chatplay/chatplay/bots/discord/discordfake"
)

// readyz returns /readyz's status and body, or 0 while serve is not listening.
func readyz(addr string) (int, map[string]any) {
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// A bot whose platform cannot be reached at start keeps trying, logs it
// (never its token), and /readyz shows it retrying, with its last error,
// while the service stays up (degraded, 200); the other bot shows connected,
// the model without a key not configured.
func TestServeShowsBotsInReadiness(t *testing.T) {
	dc := discordfake.New(t)
	const token = "123456:UNREACHABLE-token"
	vars := map[string]string{
		"CHATPLAY_SERVER_ADDR":            anyAddr,
		"CHATPLAY_DATABASE_URL":           "sqlite:" + filepath.Join(t.TempDir(), "ready.db"),
		"CHATPLAY_TELEGRAM_TOKEN":         token,
		"CHATPLAY_TELEGRAM_API_URL":       "http://" + connecttest.NewPort(t).Addr(), // refuses connections
		"CHATPLAY_DISCORD_TOKEN":          "discord-test-token",
		"CHATPLAY_DISCORD_APPLICATION_ID": "1100000000000000001",
		"CHATPLAY_DISCORD_API_URL":        dc.URL(),
		"CHATPLAY_DISCORD_GATEWAY":        "false",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(vars), &logs, &logs) }()
	addr := waitServing(t, &logs, done)

	var status int
	var body map[string]any
	component := func(name string) map[string]any {
		comps, _ := body["components"].(map[string]any)
		c, _ := comps[name].(map[string]any)
		return c
	}
	for range 200 {
		status, body = readyz(addr)
		if component("telegram")["status"] == "retrying" && component("discord")["status"] == "connected" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != http.StatusOK || body["status"] != "degraded" || component("telegram")["status"] != "retrying" ||
		component("discord")["status"] != "connected" || component("database")["status"] != "ok" ||
		component("model")["status"] != "not_configured" {
		t.Fatalf("/readyz = %d %v\n%s", status, body, logs.String())
	}
	if e, _ := component("telegram")["error"].(string); e == "" || strings.Contains(e, "UNREACHABLE") {
		t.Fatalf("telegram's error = %q: want the last one, without the token", e)
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
	if !strings.Contains(out, "telegram: cannot reach the platform") || strings.Contains(out, "UNREACHABLE") {
		t.Fatalf("the failure is not logged, or the token is:\n%s", out)
	}
	if strings.Contains(out, "bot stopped with an error") {
		t.Fatalf("a bot stopped with an error:\n%s", out)
	}
}
