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
		{"", map[string]string{"CHATPLAY_DISCORD_SHARD_COUNT": "0"}, "discord.shard_count"},
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

// A config file's errors name the line, the key and its environment variable,
// suggest the closest key for a misspelt one, and never show a Go type.
func TestConfigFileErrorsSpeakInKeys(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"modle:\n  default: x\n", []string{"line 1", "unknown key modle", "did you mean model?"}},
		{"model:\n  defualt: x\n", []string{"line 2", "unknown key model.defualt", "did you mean model.default?"}},
		{"model:\n  colour: blue\n", []string{"line 2", "unknown key model.colour"}},
		{"addr: \":8080\"\n", []string{"unknown key addr", "did you mean server.addr?"}},
		{"model:\n  timeout: soon\n", []string{"line 2", "model.timeout (CHATPLAY_MODEL_TIMEOUT)", "not a duration"}},
		{"limits:\n  turns_per_minute: many\n", []string{"limits.turns_per_minute (CHATPLAY_LIMITS_TURNS_PER_MINUTE)", "not a whole number"}},
		{"database:\n  migrate_on_start: maybe\n", []string{"database.migrate_on_start", "not true or false"}},
		{"model:\n  temperature: warm\n", []string{"model.temperature", "not a number"}},
		{"model: fast\n", []string{"line 1", "model", "a section of keys"}},
		{"server:\n  addr: [a, b]\n", []string{"server.addr (CHATPLAY_SERVER_ADDR)", "a single value, not a list"}},
		{"model:\n  allowed:\n    a: b\n", []string{"model.allowed", "a list"}},
		{"server:\n  addr: \":1\"\n  addr: \":2\"\n", []string{"line 3", "server.addr", "twice"}},
		{"server:\n\taddr: x\n", []string{"line 2", "not valid YAML"}},
	}
	for _, tt := range tests {
		path := writeFile(t, tt.file)
		_, err := loadConfig(path, true, env(nil))
		if err == nil {
			t.Errorf("file %q loaded", tt.file)
			continue
		}
		for _, want := range tt.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("file %q: error %q, want it to say %q", tt.file, err, want)
			}
		}
		for _, goType := range []string{"main.", "time.Duration", "type ", "int64", "float64", "[]string", "unmarshal"} {
			if strings.Contains(err.Error(), goType) {
				t.Errorf("file %q: error %q shows a Go type (%q)", tt.file, err, goType)
			}
		}
	}
}

// A config file decodes every kind of value the config has; null leaves the
// default.
func TestConfigFileValues(t *testing.T) {
	path := writeFile(t, "server:\n  addr: \":9090\"\n  shutdown_timeout: 3s\nmodel:\n  allowed: [a, b]\n  temperature: 0.5\n  default:\n"+
		"database:\n  migrate_on_start: false\nlimits:\n  tokens_per_day: 5\n")
	cfg, err := loadConfig(path, true, env(map[string]string{"CHATPLAY_AUTH_JWT_SECRET": strings.Repeat("k", 40)}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != ":9090" || cfg.Server.ShutdownTimeout != 3*time.Second || !reflect.DeepEqual(cfg.Model.Allowed, []string{"a", "b"}) ||
		cfg.Model.Temperature != 0.5 || cfg.Model.Default != defaultConfig().Model.Default || cfg.Database.MigrateOnStart || cfg.Limits.TokensPerDay != 5 {
		t.Fatalf("cfg = %+v", cfg)
	}
}

// server.addr needs a port after a colon; the error says so, and what to write.
func TestServerAddrWithoutColon(t *testing.T) {
	for addr, want := range map[string]string{
		"8080":      `write ":8080"`,
		"localhost": "host:port",
	} {
		_, err := loadConfig("", false, env(map[string]string{"CHATPLAY_SERVER_ADDR": addr}))
		if err == nil || !strings.Contains(err.Error(), "server.addr (CHATPLAY_SERVER_ADDR)") || !strings.Contains(err.Error(), "no colon") ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("server.addr %q: error %v, want one explaining the missing colon and %q", addr, err, want)
		}
	}
	for _, addr := range []string{":8080", "127.0.0.1:8080", "[::1]:8080"} {
		if _, err := loadConfig("", false, env(map[string]string{"CHATPLAY_SERVER_ADDR": addr})); err != nil {
			t.Errorf("server.addr %q: %v", addr, err)
		}
	}
}
