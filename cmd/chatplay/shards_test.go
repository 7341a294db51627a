package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
)

// serve with discord.shard_count 2 runs both gateway shards (one replica
// owns them all), each identified with [id, 2] at the gateway, and /readyz's
// discord component says it owns them.
func TestServeRunsDiscordShards(t *testing.T) {
	dc := discordfake.New(t)
	vars := map[string]string{
		"CHATPLAY_SERVER_ADDR":            anyAddr,
		"CHATPLAY_DATABASE_URL":           "sqlite:" + filepath.Join(t.TempDir(), "shards.db"),
		"CHATPLAY_DISCORD_TOKEN":          "discord-test-token",
		"CHATPLAY_DISCORD_APPLICATION_ID": "1100000000000000001",
		"CHATPLAY_DISCORD_API_URL":        dc.URL(),
		"CHATPLAY_DISCORD_SHARD_COUNT":    "2",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(vars), &logs, &logs) }()
	addr := waitServing(t, &logs, done)

	var shards map[string]any
	for range 400 {
		_, body := readyz(addr)
		comps, _ := body["components"].(map[string]any)
		d, _ := comps["discord"].(map[string]any)
		shards, _ = d["shards"].(map[string]any)
		if fmt.Sprint(shards["owned"]) == "[0 1]" && len(dc.OpenShards()) == 2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if fmt.Sprint(shards["owned"]) != "[0 1]" || shards["count"] != float64(2) {
		t.Fatalf("/readyz discord shards = %v\n%s", shards, logs.String())
	}
	var ids []int
	for _, c := range dc.GatewayConns() {
		if c.Open && c.Identified() {
			if c.ShardCount != 2 {
				t.Errorf("connection %d identified with %d shards", c.ID, c.ShardCount)
			}
			ids = append(ids, c.Shard)
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []int{0, 1}) {
		t.Errorf("identified shards = %v, want [0 1]", ids)
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
	if open := dc.OpenShards(); len(open) != 0 {
		t.Errorf("gateway connections left open: %v", open)
	}
}
