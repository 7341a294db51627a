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
	// LoginAttemptsPerAccount is how many failed password checks (login,
	// account deletion) one client address may make on one account per
	// LoginWindow: failures from one client never lock the account for
	// another (see throttle.go). LoginAttemptsPerIP is how many logins,
	// signups and password checks one address may try per LoginWindow.
	// 0: no limit.
	LoginAttemptsPerAccount int
	LoginAttemptsPerIP      int
	LoginWindow             time.Duration
	// LoginTrackedKeys bounds the memory of each login limiter: at most this
	// many (account, client) pairs and as many client addresses are kept; the
	// least recently attempted is forgotten first.
	LoginTrackedKeys int
	// HashSlots is how many password hashes (argon2id, 19 MiB each) may run
	// at once; a login, signup or password check finding none free gets 503
	// with Retry-After at once. 0: twice the CPUs.
	HashSlots int
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
		LoginTrackedKeys: 100000,
		MaxBodyBytes:     64 << 10,
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
	if c.LoginTrackedKeys < 1 {
		errs = append(errs, errors.New("the login limiters must keep at least 1 key"))
	}
	if c.HashSlots < 0 {
		errs = append(errs, errors.New("hash slots must be 0 (twice the CPUs) or more"))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, errors.New("the body cap must be at least 1024 bytes"))
	}
	return errors.Join(errs...)
}
