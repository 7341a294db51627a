package engine

import "time"

// Limits are every size and rate limit the engine enforces. Each is a config key.
type Limits struct {
	MaxMessageRunes   int // a chat message, in characters
	MaxTitleRunes     int
	MaxSituationRunes int
	MaxRoleRunes      int // user_role and bot_role
	MaxRoomsPerUser   int
	MaxPageSize       int // the largest page a list returns; larger requests are clamped
	DefaultPageSize   int
	TurnsPerMinute    int   // chat turns (messages, regenerations, openings) per user per minute; 0: no limit
	TokensPerDay      int64 // prompt + completion tokens per user per UTC day; 0: no limit
}

// DefaultLimits are the limits used when config sets none.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageRunes:   4000,
		MaxTitleRunes:     100,
		MaxSituationRunes: 1000,
		MaxRoleRunes:      200,
		MaxRoomsPerUser:   200,
		MaxPageSize:       100,
		DefaultPageSize:   20,
		TurnsPerMinute:    20,
		TokensPerDay:      200_000,
	}
}

// RetryPolicy bounds how the engine retries transient model failures.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, the first included
	BaseDelay   time.Duration // the first backoff; doubled each time, with jitter
	MaxDelay    time.Duration // the longest single backoff
	Deadline    time.Duration // the whole turn, every attempt and backoff included
}

// DefaultRetryPolicy is the retry policy used when config sets none.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, Deadline: 120 * time.Second}
}

// PromptConfig shapes the prompt sent to the model.
type PromptConfig struct {
	ContextTokens  int // the model's context window
	MaxReplyTokens int // reserved for the reply, and sent as max_tokens
	Temperature    float32
	// CachedRooms is how many rooms' history windows the engine keeps in
	// memory (0: none; every turn reads its history from the store).
	CachedRooms int
}

// DefaultPromptConfig is the prompt configuration used when config sets none.
func DefaultPromptConfig() PromptConfig {
	return PromptConfig{ContextTokens: 8192, MaxReplyTokens: 512, Temperature: 0.8, CachedRooms: 1000}
}
