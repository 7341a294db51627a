package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The committed config.yaml loads, is valid, and says what the built-in
// defaults say.
func TestCommittedConfigMatchesDefaults(t *testing.T) {
	cfg, err := loadConfig("../../config.yaml", true, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	def := defaultConfig()
	if len(cfg.Model.Allowed) == 0 {
		cfg.Model.Allowed = nil // "allowed: []" in the file
	}
	if len(cfg.Auth.CORSAllowedOrigins) == 0 {
		cfg.Auth.CORSAllowedOrigins = nil
	}
	if len(cfg.Auth.TrustedProxies) == 0 {
		cfg.Auth.TrustedProxies = nil
	}
	if !reflect.DeepEqual(cfg, def) {
		t.Fatalf("config.yaml and defaultConfig differ:\n file %+v\n code %+v", cfg, def)
	}
}

func TestEnvOverridesFile(t *testing.T) {
	path := writeFile(t, "database:\n  url: sqlite:/tmp/x.db\nmodel:\n  timeout: 5s\n")
	cfg, err := loadConfig(path, true, env(map[string]string{
		"CHATPLAY_DATABASE_URL":              "postgres://u@localhost/db",
		"CHATPLAY_MODEL_API_KEY":             "sk-test",
		"CHATPLAY_MODEL_ALLOWED":             "a, b",
		"CHATPLAY_LIMITS_TURNS_PER_MINUTE":   "7",
		"CHATPLAY_DATABASE_MIGRATE_ON_START": "false",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database.URL != "postgres://u@localhost/db" || cfg.Model.APIKey != "sk-test" || cfg.Model.Timeout != 5*time.Second ||
		len(cfg.Model.Allowed) != 2 || cfg.Model.Allowed[1] != "b" || cfg.Limits.TurnsPerMinute != 7 || cfg.Database.MigrateOnStart {
		t.Fatalf("cfg = %+v", cfg)
	}
}

func TestSecrets(t *testing.T) {
	path := writeFile(t, "model:\n  api_key: sk-in-the-file\n")
	_, err := loadConfig(path, true, env(nil))
	if err == nil || !strings.Contains(err.Error(), "CHATPLAY_MODEL_API_KEY") {
		t.Fatalf("a secret in the file must stop the start, naming the variable: %v", err)
	}

	keyFile := filepath.Join(t.TempDir(), "key")
	os.WriteFile(keyFile, []byte("sk-from-file\n"), 0o600)
	cfg, err := loadConfig("", false, env(map[string]string{"CHATPLAY_MODEL_API_KEY_FILE": keyFile}))
	if err != nil || cfg.Model.APIKey != "sk-from-file" {
		t.Fatalf("key from _FILE = %q (%v)", cfg.Model.APIKey, err)
	}
	cfg, err = loadConfig("", false, env(map[string]string{"OPENAI_API_KEY": "sk-openai"}))
	if err != nil || cfg.Model.APIKey != "sk-openai" {
		t.Fatalf("key from OPENAI_API_KEY = %q (%v)", cfg.Model.APIKey, err)
	}
}

func TestInvalidConfigNamesTheKey(t *testing.T) {
	tests := []struct {
		file string
		env  map[string]string
		want string
	}{
		{"databse:\n  url: x\n", nil, "databse"}, // an unknown key
		{"", map[string]string{"CHATPLAY_DATABASE_URL": "mysql://x"}, "database.url"},
		{"", map[string]string{"CHATPLAY_MODEL_BASE_URL": "localhost:11434"}, "model.base_url"},
		{"", map[string]string{"CHATPLAY_MODEL_TIMEOUT": "soon"}, "model.timeout"},
		{"", map[string]string{"CHATPLAY_LIMITS_TURNS_PER_MINUTE": "many"}, "limits.turns_per_minute"},
		{"", map[string]string{"CHATPLAY_MODEL_MAX_REPLY_TOKENS": "9000"}, "model.max_reply_tokens"},
		{"", map[string]string{"CHATPLAY_MODEL_TEMPERATURE": "3"}, "model.temperature"},
		{"", map[string]string{"CHATPLAY_LOG_LEVEL": "loud"}, "log.level"},
		{"", map[string]string{"CHATPLAY_DATABASE_ROOM_LOCKS": "database"}, "database.room_locks"}, // on SQLite
		{"", map[string]string{"CHATPLAY_DATABASE_ROOM_LOCKS": "cluster"}, "database.room_locks"},
		{"model:\n  timeout: -1s\n", nil, "model.timeout"},
		{"", map[string]string{"CHATPLAY_SERVER_READ_TIMEOUT": "0s"}, "server.read_timeout"},
		{"", map[string]string{"CHATPLAY_SERVER_IDLE_TIMEOUT": "-1s"}, "server.idle_timeout"},
		{"server:\n  read_header_timeout: 0s\n", nil, "server.read_header_timeout"},
		{"", map[string]string{"CHATPLAY_METRICS_ADDR": "9090"}, "metrics.addr"},                                   // no colon
		{"", map[string]string{"CHATPLAY_METRICS_ADDR": ":8080", "CHATPLAY_SERVER_ADDR": ":8080"}, "metrics.addr"}, // the main listener's
		{"", map[string]string{"CHATPLAY_METRICS_ENABLED": "maybe"}, "metrics.enabled"},
		{"", map[string]string{"CHATPLAY_ADMIN_ADDR": "localhost"}, "admin.addr"},
		{"", map[string]string{"CHATPLAY_ADMIN_ADDR": "127.0.0.1:8080"}, "admin.addr"}, // server.addr's default
		{"", map[string]string{"CHATPLAY_ADMIN_ADDR": ":9090", "CHATPLAY_METRICS_ADDR": "127.0.0.1:9090"}, "admin.addr"},
	}
	for _, tt := range tests {
		path := writeFile(t, tt.file)
		_, err := loadConfig(path, true, env(tt.env))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("file %q env %v: error %v, want one naming %s", tt.file, tt.env, err, tt.want)
		}
	}
}

func TestMissingConfigFile(t *testing.T) {
	if _, err := loadConfig(filepath.Join(t.TempDir(), "none.yaml"), false, env(nil)); err != nil {
		t.Fatalf("the default path may be absent: %v", err)
	}
	if _, err := loadConfig(filepath.Join(t.TempDir(), "none.yaml"), true, env(nil)); err == nil {
		t.Fatal("a -config file that does not exist must be an error")
	}
}
