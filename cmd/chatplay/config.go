package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of chatplay. config.yaml at the repository root
// documents each key; an environment variable CHATPLAY_<SECTION>_<KEY>
// overrides any key. Fields tagged secret:"true" are read only from the
// environment (or from the file named by the same variable with a _FILE
// suffix), never from a config file.
type Config struct {
	Server   ServerConfig   `yaml:"server"`
	Database DatabaseConfig `yaml:"database"`
	Model    ModelConfig    `yaml:"model"`
	Retry    RetryConfig    `yaml:"retry"`
	Limits   LimitsConfig   `yaml:"limits"`
	Coach    CoachConfig    `yaml:"coach"`
	Auth     AuthConfig     `yaml:"auth"`
	Telegram TelegramConfig `yaml:"telegram"`
	Discord  DiscordConfig  `yaml:"discord"`
	Metrics  MetricsConfig  `yaml:"metrics"`
	Admin    AdminConfig    `yaml:"admin"`
	Log      LogConfig      `yaml:"log"`
}

// ServerConfig is the HTTP listener. ReadHeaderTimeout bounds a request's
// headers, ReadTimeout the whole request (headers and body: a client
// trickling its body is cut off), IdleTimeout a kept-alive connection waiting
// for its next request. None bounds a response: a streamed reply keeps its
// own write deadline per event.
type ServerConfig struct {
	Addr              string        `yaml:"addr"`
	ShutdownTimeout   time.Duration `yaml:"shutdown_timeout"`
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	ReadTimeout       time.Duration `yaml:"read_timeout"`
	IdleTimeout       time.Duration `yaml:"idle_timeout"`
	// Surfaces are what this process serves: api, telegram, discord (serve
	// -only overrides it).
	Surfaces []string `yaml:"surfaces"`
}

// DatabaseConfig chooses the store.
type DatabaseConfig struct {
	URL            string `yaml:"url"`
	MigrateOnStart bool   `yaml:"migrate_on_start"`
	RoomLocks      string `yaml:"room_locks"`
	MaxRoomLocks   int    `yaml:"max_room_locks"`

	MaxIdleTime         time.Duration `yaml:"max_idle_time"`
	MaxLifetime         time.Duration `yaml:"max_lifetime"`
	LeaseTTL            time.Duration `yaml:"lease_ttl"`
	LeaseRenew          time.Duration `yaml:"lease_renew"`
	PartialSaveInterval time.Duration `yaml:"partial_save_interval"`
}

// ModelConfig is the OpenAI-compatible model server and the prompt's shape.
type ModelConfig struct {
	BaseURL        string        `yaml:"base_url"`
	APIKey         string        `yaml:"api_key" secret:"true"`
	Default        string        `yaml:"default"`
	Allowed        []string      `yaml:"allowed"`
	Timeout        time.Duration `yaml:"timeout"`
	MaxReplyTokens int           `yaml:"max_reply_tokens"`
	ContextTokens  int           `yaml:"context_tokens"`
	Temperature    float64       `yaml:"temperature"`
	Tokenizer      string        `yaml:"tokenizer"`
	CachedRooms    int           `yaml:"cached_rooms"`
}

// RetryConfig bounds retries of transient model failures.
type RetryConfig struct {
	MaxAttempts int           `yaml:"max_attempts"`
	BaseDelay   time.Duration `yaml:"base_delay"`
	MaxDelay    time.Duration `yaml:"max_delay"`
	Deadline    time.Duration `yaml:"deadline"`
}

// LimitsConfig holds the engine's size and rate limits.
type LimitsConfig struct {
	MaxMessageChars   int   `yaml:"max_message_chars"`
	MaxTitleChars     int   `yaml:"max_title_chars"`
	MaxSituationChars int   `yaml:"max_situation_chars"`
	MaxRoleChars      int   `yaml:"max_role_chars"`
	MaxRoomsPerUser   int   `yaml:"max_rooms_per_user"`
	MaxPageSize       int   `yaml:"max_page_size"`
	TurnsPerMinute    int   `yaml:"turns_per_minute"`
	TokensPerDay      int64 `yaml:"tokens_per_day"`
}

// LogConfig shapes the structured log.
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// openAIURL is OpenAI's own API, which needs a key.
const openAIURL = "https://api.openai.com/v1"

// defaultConfig returns the built-in defaults; config.yaml repeats them.
func defaultConfig() Config {
	return Config{
		Server: ServerConfig{Addr: "127.0.0.1:8080", ShutdownTimeout: 25 * time.Second, ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, Surfaces: slices.Clone(allSurfaces)},
		Database: DatabaseConfig{URL: "sqlite:data/chatplay.db", MigrateOnStart: true, RoomLocks: roomLocksAuto, MaxRoomLocks: 64,
			MaxIdleTime: 5 * time.Minute, MaxLifetime: 30 * time.Minute,
			LeaseTTL: 4 * time.Second, LeaseRenew: time.Second, PartialSaveInterval: 2 * time.Second},
		Model: ModelConfig{BaseURL: openAIURL, Default: "gpt-4o-mini", Timeout: 60 * time.Second,
			MaxReplyTokens: 512, ContextTokens: 8192, Temperature: 0.8, Tokenizer: "o200k_base", CachedRooms: 1000},
		Retry: RetryConfig{MaxAttempts: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, Deadline: 120 * time.Second},
		Limits: LimitsConfig{MaxMessageChars: 4000, MaxTitleChars: 100, MaxSituationChars: 1000, MaxRoleChars: 200,
			MaxRoomsPerUser: 200, MaxPageSize: 100, TurnsPerMinute: 20, TokensPerDay: 200000},
		Coach:    defaultCoachConfig(),
		Auth:     defaultAuthConfig(),
		Telegram: defaultTelegramConfig(),
		Discord:  defaultDiscordConfig(),
		Metrics:  MetricsConfig{Enabled: true},
		Log:      LogConfig{Level: "info", Format: "text"},
	}
}

// loadConfig reads the YAML file at path (skipped when path is "" or, for the
// default path, missing), then the environment, then validates the result.
func loadConfig(path string, mustExist bool, getenv func(string) string) (Config, error) {
	cfg := defaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			if err := decodeYAML(data, &cfg); err != nil {
				return cfg, inFile(path, err)
			}
		case errors.Is(err, os.ErrNotExist) && !mustExist:
		default:
			return cfg, fmt.Errorf("config: %w", err)
		}
	}
	if err := applyEnv(reflect.ValueOf(&cfg).Elem(), "CHATPLAY", "", getenv); err != nil {
		return cfg, err
	}
	if cfg.Model.APIKey == "" {
		cfg.Model.APIKey = getenv("OPENAI_API_KEY") // the variable every OpenAI tool knows
	}
	return cfg, cfg.validate()
}

// inFile prefixes err, or each error err joins, with the config file's name.
func inFile(path string, err error) error {
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	var errs []error
	for _, e := range joined.Unwrap() {
		errs = append(errs, fmt.Errorf("config file %s: %w", path, e))
	}
	return errors.Join(errs...)
}

// refuseSecrets fails when a secret field was set from a file.
func refuseSecrets(v reflect.Value, prefix string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f, key := t.Field(i), yamlKey(t.Field(i))
		if prefix != "" {
			key = prefix + "." + key
		}
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)) {
			if err := refuseSecrets(v.Field(i), key); err != nil {
				return err
			}
			continue
		}
		if f.Tag.Get("secret") == "true" && !v.Field(i).IsZero() {
			return fmt.Errorf("%s is a secret: set it in the environment (%s), not in the config file", key, envName("CHATPLAY", key))
		}
	}
	return nil
}

// applyEnv overrides each field from CHATPLAY_<SECTION>_<KEY>, and secrets also
// from the file named by CHATPLAY_<SECTION>_<KEY>_FILE.
func applyEnv(v reflect.Value, prefix, path string, getenv func(string) string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := yamlKey(f)
		if path != "" {
			key = path + "." + key
		}
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Struct {
			if err := applyEnv(fv, prefix, key, getenv); err != nil {
				return err
			}
			continue
		}
		name := envName(prefix, key)
		val := getenv(name)
		if f.Tag.Get("secret") == "true" && val == "" {
			if file := getenv(name + "_FILE"); file != "" {
				data, err := os.ReadFile(file)
				if err != nil {
					return fmt.Errorf("%s_FILE: %w", name, err)
				}
				val = strings.TrimSpace(string(data))
			}
		}
		if val == "" {
			continue
		}
		if err := setField(fv, val); err != nil {
			return fmt.Errorf("%s (%s): %w", key, name, err)
		}
	}
	return nil
}

// setField parses s into a field of one of the config's kinds.
func setField(v reflect.Value, s string) error {
	switch {
	case v.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("not a duration like 30s or 2m: %q", s)
		}
		v.SetInt(int64(d))
		return nil
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("not true or false: %q", s)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("not a whole number: %q", s)
		}
		v.SetInt(n)
	case v.Kind() == reflect.Float64:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("not a number: %q", s)
		}
		v.SetFloat(x)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		var items []string
		for _, item := range strings.Split(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		v.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported kind %s", v.Kind())
	}
	return nil
}

func yamlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// envName returns the variable for a dotted key: model.api_key → CHATPLAY_MODEL_API_KEY.
func envName(prefix, key string) string {
	return prefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// validate checks every key, naming the first one at fault.
func (c Config) validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s (%s): %s", key, envName("CHATPLAY", key), fmt.Sprintf(format, args...)))
	}
	checkAddr(c.Server.Addr, bad)
	if c.Server.ShutdownTimeout <= 0 {
		bad("server.shutdown_timeout", "must be positive")
	}
	if !strings.HasPrefix(c.Database.URL, "sqlite:") && !strings.HasPrefix(c.Database.URL, "postgres://") && !strings.HasPrefix(c.Database.URL, "postgresql://") {
		bad("database.url", "must start with sqlite: or postgres://")
	}
	c.validateReplicas(bad)
	if c.Database.MaxIdleTime < 0 || c.Database.MaxLifetime < 0 || c.Database.PartialSaveInterval < 0 {
		bad("database.max_idle_time, max_lifetime, partial_save_interval", "must not be negative")
	}
	if c.Database.LeaseRenew <= 0 || c.Database.LeaseTTL <= c.Database.LeaseRenew {
		bad("database.lease_ttl", "must be longer than database.lease_renew, which must be positive")
	}
	if u, err := url.Parse(c.Model.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("model.base_url", "must be an http(s) URL, e.g. %s or http://localhost:11434/v1", openAIURL)
	}
	if strings.TrimSpace(c.Model.Default) == "" {
		bad("model.default", "must name a model")
	}
	positive := map[string]int64{
		"server.read_header_timeout": int64(c.Server.ReadHeaderTimeout), "server.read_timeout": int64(c.Server.ReadTimeout),
		"server.idle_timeout":    int64(c.Server.IdleTimeout),
		"model.max_reply_tokens": int64(c.Model.MaxReplyTokens), "model.context_tokens": int64(c.Model.ContextTokens),
		"model.timeout": int64(c.Model.Timeout), "retry.max_attempts": int64(c.Retry.MaxAttempts),
		"retry.base_delay": int64(c.Retry.BaseDelay), "retry.max_delay": int64(c.Retry.MaxDelay), "retry.deadline": int64(c.Retry.Deadline),
		"limits.max_message_chars": int64(c.Limits.MaxMessageChars), "limits.max_title_chars": int64(c.Limits.MaxTitleChars),
		"limits.max_situation_chars": int64(c.Limits.MaxSituationChars), "limits.max_role_chars": int64(c.Limits.MaxRoleChars),
		"limits.max_page_size": int64(c.Limits.MaxPageSize),
	}
	for _, key := range sortedKeys(positive) {
		if positive[key] <= 0 {
			bad(key, "must be positive")
		}
	}
	if c.Model.MaxReplyTokens >= c.Model.ContextTokens {
		bad("model.max_reply_tokens", "must be less than model.context_tokens (%d)", c.Model.ContextTokens)
	}
	if c.Model.Temperature < 0 || c.Model.Temperature > 2 {
		bad("model.temperature", "must be between 0 and 2")
	}
	if c.Model.CachedRooms < 0 {
		bad("model.cached_rooms", "must be 0 (no cache) or more")
	}
	if c.Limits.TurnsPerMinute < 0 || c.Limits.TokensPerDay < 0 || c.Limits.MaxRoomsPerUser < 0 {
		bad("limits", "turns_per_minute, tokens_per_day and max_rooms_per_user must be 0 (no limit) or more")
	}
	c.Coach.validate(c.Model, bad)
	c.Auth.validate(bad)
	if c.Telegram.Mode != "polling" && c.Telegram.Mode != "webhook" {
		bad("telegram.mode", "must be polling or webhook")
	}
	if c.Telegram.Token != "" && c.Telegram.Mode == "webhook" && (c.Telegram.WebhookURL == "" || c.Telegram.WebhookSecret == "") {
		bad("telegram.webhook_url", "webhook mode needs telegram.webhook_url and CHATPLAY_TELEGRAM_WEBHOOK_SECRET")
	}
	if c.Discord.Token != "" && c.Discord.ApplicationID == "" {
		bad("discord.application_id", "must be set with the Discord token")
	}
	if c.Discord.ShardCount < 1 {
		bad("discord.shard_count", "must be 1 or more")
	}
	c.validateOps(bad)
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "must be debug, info, warn or error")
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "must be text or json")
	}
	return errors.Join(errs...)
}

// checkAddr checks server.addr: host:port or :port. A value without a colon
// (a bare port or host name) is explained as such, since net.Listen's own
// message ("missing port in address") does not say what to write.
func checkAddr(addr string, bad func(key, format string, args ...any)) {
	const key = "server.addr"
	switch {
	case addr == "":
		bad(key, "must be set, e.g. :8080")
	case !strings.Contains(addr, ":"):
		if _, err := strconv.Atoi(addr); err == nil {
			bad(key, "%q has no colon: it must be host:port or :port; for port %s on every interface write \":%s\", on this machine only \"127.0.0.1:%s\"", addr, addr, addr, addr)
		} else {
			bad(key, "%q has no colon: it must be host:port or :port, e.g. %s:8080 or :8080", addr, addr)
		}
	default:
		if _, _, err := net.SplitHostPort(addr); err != nil {
			bad(key, "%q is not host:port or :port (an IPv6 host goes in brackets: [::1]:8080)", addr)
		}
	}
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
