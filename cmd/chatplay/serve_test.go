package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts on a fresh SQLite file with no model key, answers the health
// endpoints, stops cleanly on cancel, and never logs the secrets it was given.
func TestServeStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	vars := map[string]string{
		"CHATPLAY_SERVER_ADDR":  addr,
		"CHATPLAY_DATABASE_URL": "sqlite:" + filepath.Join(dir, "sub", "chatplay.db"),
		"CHATPLAY_LOG_LEVEL":    "debug",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(vars), &logs, &logs) }()

	for _, path := range []string{"/healthz", "/readyz"} {
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

func TestServeNeverLogsTheKey(t *testing.T) {
	addr := freeAddr(t)
	vars := map[string]string{
		"CHATPLAY_SERVER_ADDR":    addr,
		"CHATPLAY_DATABASE_URL":   "sqlite:" + filepath.Join(t.TempDir(), "c.db"),
		"CHATPLAY_MODEL_API_KEY":  "sk-very-secret-key-0123456789",
		"CHATPLAY_MODEL_BASE_URL": "http://127.0.0.1:1/v1",
		"CHATPLAY_LOG_LEVEL":      "debug",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(vars), &logs, &logs) }()
	for range 100 {
		if strings.Contains(logs.String(), "serving") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "sk-very-secret") {
		t.Fatalf("the API key reached the log:\n%s", logs.String())
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
		{"down", "rolled back"}, // the group that "up" applied: every migration
		{"status", all},
	} {
		out.Reset()
		if err := run(context.Background(), []string{"migrate", step.cmd}, env(vars), &out, &out); err != nil {
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
