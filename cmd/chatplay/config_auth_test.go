package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodSecret = "0123456789abcdef0123456789abcdef" // 32 bytes

func TestJWTSecretConfig(t *testing.T) {
	path := writeFile(t, "auth:\n  jwt_secret: "+goodSecret+"\n")
	if _, err := loadConfig(path, true, env(nil)); err == nil || !strings.Contains(err.Error(), "CHATPLAY_AUTH_JWT_SECRET") {
		t.Fatalf("a JWT secret in the file must stop the start, naming the variable: %v", err)
	}
	_, err := loadConfig("", false, env(map[string]string{"CHATPLAY_AUTH_JWT_SECRET": goodSecret[:31]}))
	if err == nil || !strings.Contains(err.Error(), "auth.jwt_secret") || !strings.Contains(err.Error(), "32") {
		t.Fatalf("a 31-byte secret must be refused, naming the key: %v", err)
	}
	cfg, err := loadConfig("", false, env(map[string]string{"CHATPLAY_AUTH_JWT_SECRET": goodSecret}))
	if err != nil || cfg.Auth.JWTSecret != goodSecret {
		t.Fatalf("a 32-byte secret: %q, %v", cfg.Auth.JWTSecret, err)
	}
	file := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(file, []byte(goodSecret+"\n"), 0o600)
	cfg, err = loadConfig("", false, env(map[string]string{"CHATPLAY_AUTH_JWT_SECRET_FILE": file}))
	if err != nil || cfg.Auth.JWTSecret != goodSecret {
		t.Fatalf("secret from _FILE: %q, %v", cfg.Auth.JWTSecret, err)
	}
}

func TestInvalidAuthConfigNamesTheKey(t *testing.T) {
	for key, val := range map[string]string{
		"CHATPLAY_AUTH_ACCESS_TTL":           "0s",
		"CHATPLAY_AUTH_REFRESH_TTL":          "1m",
		"CHATPLAY_AUTH_COOKIE_SECURE":        "sometimes",
		"CHATPLAY_AUTH_CORS_ALLOWED_ORIGINS": "example.com",
		"CHATPLAY_AUTH_MAX_BODY_BYTES":       "10",
		"CHATPLAY_AUTH_LOGIN_TRACKED_KEYS":   "0",
		"CHATPLAY_AUTH_HASH_SLOTS":           "-1",
	} {
		_, err := loadConfig("", false, env(map[string]string{key: val}))
		want := strings.ToLower(strings.TrimPrefix(key, "CHATPLAY_AUTH_"))
		if want == "cors_allowed_origins" || want == "max_body_bytes" {
			want = "auth"
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=%s: %v, want an error naming %s", key, val, err, want)
		}
	}
}

// Without a secret, the service starts only where no one else can reach it
// (or in dev mode), and then says loudly that it made one up.
func TestServeWithoutJWTSecret(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := defaultConfig()
	cfg.Server.Addr = ":8080"
	if _, err := jwtSecret(cfg, log); err == nil || !strings.Contains(err.Error(), "CHATPLAY_AUTH_JWT_SECRET") {
		t.Fatalf("no secret on a public address: %v, want a refusal naming the variable", err)
	}
	err := run(context.Background(), []string{"serve"}, env(map[string]string{
		"CHATPLAY_SERVER_ADDR": "0.0.0.0:0", "CHATPLAY_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "c.db")}), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "CHATPLAY_AUTH_JWT_SECRET") {
		t.Fatalf("serve on 0.0.0.0 without a secret: %v, want a refusal", err)
	}
	for _, c := range []struct {
		addr string
		dev  bool
	}{{"127.0.0.1:8080", false}, {"localhost:8080", false}, {"[::1]:8080", false}, {":8080", true}} {
		cfg.Server.Addr, cfg.Auth.DevMode = c.addr, c.dev
		var logs syncBuffer
		key, err := jwtSecret(cfg, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil || len(key) < 32 || !strings.Contains(logs.String(), "DEVELOPMENT MODE") {
			t.Errorf("%s dev=%v: key %d bytes, %v, log %q", c.addr, c.dev, len(key), err, logs.String())
		}
	}
	cfg.Auth.JWTSecret = goodSecret
	if key, err := jwtSecret(cfg, log); err != nil || string(key) != goodSecret {
		t.Fatalf("a set secret is used as it is: %q, %v", key, err)
	}
}

func TestServeNeverLogsTheJWTSecret(t *testing.T) {
	vars := map[string]string{
		"CHATPLAY_SERVER_ADDR":     anyAddr,
		"CHATPLAY_DATABASE_URL":    "sqlite:" + filepath.Join(t.TempDir(), "c.db"),
		"CHATPLAY_AUTH_JWT_SECRET": "jwt-very-secret-0123456789-abcdefghij",
		"CHATPLAY_LOG_LEVEL":       "debug",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, env(vars), &logs, &logs) }()
	waitServing(t, &logs, done)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, "chatplay is serving") || strings.Contains(out, "DEVELOPMENT MODE") || strings.Contains(out, "jwt-very-secret") {
		t.Fatalf("log:\n%s", out)
	}
}
