package api

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// MinSecretBytes is the shortest JWT signing secret accepted (HS256's key size).
const MinSecretBytes = 32

// Cookie secure modes: when the auth cookies carry the Secure attribute.
const (
	CookieSecureAuto   = "auto"   // when the request came over TLS (or X-Forwarded-Proto says https)
	CookieSecureAlways = "always" // always: the site is served only over HTTPS
	CookieSecureNever  = "never"  // never: plain-HTTP development only
)

// Config is the API's account, token, cookie, CORS and request-size settings.
type Config struct {
	JWTSecret  []byte        // HS256 key, at least MinSecretBytes
	Issuer     string        // the iss claim issued and required
	Audience   string        // the aud claim issued and required
	AccessTTL  time.Duration // life of an access token
	RefreshTTL time.Duration // life of a sign-in: its refresh tokens end with it
	// CookieSecure is CookieSecureAuto, CookieSecureAlways or CookieSecureNever.
	CookieSecure string
	// AllowedOrigins are the browser origins (scheme://host[:port]) CORS
	// allows, with credentials; none by default.
	AllowedOrigins []string
	// TrustedProxies are the proxies whose X-Forwarded-For names the client
	// IP; none by default (the peer address is the client).
	TrustedProxies []string
	// LoginAttemptsPerAccount is how many failed logins an account takes per
	// LoginWindow; LoginAttemptsPerIP how many logins and signups one IP may
	// try per LoginWindow. 0: no limit.
	LoginAttemptsPerAccount int
	LoginAttemptsPerIP      int
	LoginWindow             time.Duration
	// MaxBodyBytes caps every request body; a larger one gets 413.
	MaxBodyBytes int64
}

// DefaultConfig returns the settings config.yaml documents, without a secret.
func DefaultConfig() Config {
	return Config{
		Issuer: "chatplay", Audience: "chatplay-api",
		AccessTTL: 15 * time.Minute, RefreshTTL: 30 * 24 * time.Hour,
		CookieSecure:            CookieSecureAuto,
		LoginAttemptsPerAccount: 5, LoginAttemptsPerIP: 20, LoginWindow: 15 * time.Minute,
		MaxBodyBytes: 64 << 10,
	}
}

// Validate checks c, naming the first setting at fault.
func (c Config) Validate() error {
	var errs []error
	if len(c.JWTSecret) < MinSecretBytes {
		errs = append(errs, fmt.Errorf("the JWT secret must be at least %d bytes, it is %d", MinSecretBytes, len(c.JWTSecret)))
	}
	if c.Issuer == "" || c.Audience == "" {
		errs = append(errs, errors.New("the JWT issuer and audience must be set"))
	}
	if c.AccessTTL <= 0 || c.RefreshTTL <= c.AccessTTL {
		errs = append(errs, errors.New("the access TTL must be positive and shorter than the refresh TTL"))
	}
	switch c.CookieSecure {
	case CookieSecureAuto, CookieSecureAlways, CookieSecureNever:
	default:
		errs = append(errs, fmt.Errorf("cookie secure mode %q: want auto, always or never", c.CookieSecure))
	}
	for _, o := range c.AllowedOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			errs = append(errs, fmt.Errorf("CORS origin %q: want scheme://host[:port]", o))
		}
	}
	if c.LoginAttemptsPerAccount < 0 || c.LoginAttemptsPerIP < 0 || c.LoginWindow <= 0 {
		errs = append(errs, errors.New("login limits must be 0 (none) or more, over a positive window"))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, errors.New("the body cap must be at least 1024 bytes"))
	}
	return errors.Join(errs...)
}
