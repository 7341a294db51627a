package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"time"

	"github.com/chatplay/chatplay/api"
)

// AuthConfig is the web API's accounts, tokens, cookies, CORS and request
// limits. JWTSecret is a secret: from CHATPLAY_AUTH_JWT_SECRET or _FILE only.
type AuthConfig struct {
	JWTSecret               string        `yaml:"jwt_secret" secret:"true"`
	JWTIssuer               string        `yaml:"jwt_issuer"`
	JWTAudience             string        `yaml:"jwt_audience"`
	AccessTTL               time.Duration `yaml:"access_ttl"`
	RefreshTTL              time.Duration `yaml:"refresh_ttl"`
	DevMode                 bool          `yaml:"dev_mode"`
	CookieSecure            string        `yaml:"cookie_secure"`
	CORSAllowedOrigins      []string      `yaml:"cors_allowed_origins"`
	TrustedProxies          []string      `yaml:"trusted_proxies"`
	LoginAttemptsPerAccount int           `yaml:"login_attempts_per_account"`
	LoginAttemptsPerIP      int           `yaml:"login_attempts_per_ip"`
	LoginWindow             time.Duration `yaml:"login_window"`
	LoginTrackedKeys        int           `yaml:"login_tracked_keys"`
	HashSlots               int           `yaml:"hash_slots"`
	MaxBodyBytes            int64         `yaml:"max_body_bytes"`
}

// defaultAuthConfig returns the auth defaults, which are the API's.
func defaultAuthConfig() AuthConfig {
	d := api.DefaultConfig()
	return AuthConfig{
		JWTIssuer: d.Issuer, JWTAudience: d.Audience, AccessTTL: d.AccessTTL, RefreshTTL: d.RefreshTTL,
		CookieSecure: d.CookieSecure, LoginAttemptsPerAccount: d.LoginAttemptsPerAccount,
		LoginAttemptsPerIP: d.LoginAttemptsPerIP, LoginWindow: d.LoginWindow, LoginTrackedKeys: d.LoginTrackedKeys,
		HashSlots: d.HashSlots, MaxBodyBytes: d.MaxBodyBytes,
	}
}

// apiConfig returns the API's Config of a, with secret as the signing key.
func (a AuthConfig) apiConfig(secret []byte) api.Config {
	return api.Config{
		JWTSecret: secret, Issuer: a.JWTIssuer, Audience: a.JWTAudience, AccessTTL: a.AccessTTL, RefreshTTL: a.RefreshTTL,
		CookieSecure: a.CookieSecure, AllowedOrigins: a.CORSAllowedOrigins, TrustedProxies: a.TrustedProxies,
		LoginAttemptsPerAccount: a.LoginAttemptsPerAccount, LoginAttemptsPerIP: a.LoginAttemptsPerIP,
		LoginWindow: a.LoginWindow, LoginTrackedKeys: a.LoginTrackedKeys, HashSlots: a.HashSlots, MaxBodyBytes: a.MaxBodyBytes,
	}
}

// validate checks the auth section (the secret's presence is checked by
// jwtSecret, at serve time: other commands need none).
func (a AuthConfig) validate(bad func(key, format string, args ...any)) {
	if a.JWTSecret != "" && len(a.JWTSecret) < api.MinSecretBytes {
		bad("auth.jwt_secret", "must be at least %d bytes (e.g. openssl rand -base64 48), it is %d", api.MinSecretBytes, len(a.JWTSecret))
	}
	if a.JWTIssuer == "" || a.JWTAudience == "" {
		bad("auth.jwt_issuer", "auth.jwt_issuer and auth.jwt_audience must be set")
	}
	if a.AccessTTL <= 0 || a.AccessTTL > 24*time.Hour {
		bad("auth.access_ttl", "must be positive and at most 24h")
	}
	if a.RefreshTTL <= a.AccessTTL {
		bad("auth.refresh_ttl", "must be longer than auth.access_ttl")
	}
	if !slices.Contains([]string{api.CookieSecureAuto, api.CookieSecureAlways, api.CookieSecureNever}, a.CookieSecure) {
		bad("auth.cookie_secure", "must be auto, always or never")
	}
	if a.LoginTrackedKeys < 1 {
		bad("auth.login_tracked_keys", "must be at least 1")
	}
	if a.HashSlots < 0 {
		bad("auth.hash_slots", "must be 0 (twice the CPUs) or more")
	}
	if err := a.apiConfig(make([]byte, api.MinSecretBytes)).Validate(); err != nil {
		bad("auth", "%v", err)
	}
}

// jwtSecret returns the JWT signing key. Without one, it refuses to start,
// unless auth.dev_mode is on or the service listens only on loopback: then it
// generates a random key for this run and says so loudly.
func jwtSecret(cfg Config, log *slog.Logger) ([]byte, error) {
	if cfg.Auth.JWTSecret != "" {
		return []byte(cfg.Auth.JWTSecret), nil
	}
	if !cfg.Auth.DevMode && !loopbackAddr(cfg.Server.Addr) {
		return nil, errors.New("auth.jwt_secret: set CHATPLAY_AUTH_JWT_SECRET (or CHATPLAY_AUTH_JWT_SECRET_FILE) to a random string of at least 32 bytes, e.g. $(openssl rand -base64 48): the service listens on " + cfg.Server.Addr + ", beyond this machine")
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key) // never fails
	log.Warn(fmt.Sprintf("DEVELOPMENT MODE: no JWT secret set, using a random one for this run only: every sign-in ends when the process stops. "+
		"Set CHATPLAY_AUTH_JWT_SECRET (at least %d bytes) for real use.", api.MinSecretBytes))
	return key, nil
}

// loopbackAddr reports whether a listen address is reachable only from this
// machine (localhost, 127.0.0.0/8, ::1).
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
