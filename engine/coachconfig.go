package engine

import "time"

// CoachConfig shapes the learner's aids: the coach's corrections, hints and
// translations, each a structured model call beside the scene.
type CoachConfig struct {
	// Model is the model the aids use; "": the room's model.
	Model string
	// MaxTokens bounds each aid's answer (sent as max_tokens, and held in the
	// daily allowance until the call settles).
	MaxTokens int
	// Timeout bounds one aid's call; a coach that has not answered by then
	// leaves the line's feedback unavailable.
	Timeout time.Duration
}

// DefaultCoachConfig is the coach configuration used when config sets none.
func DefaultCoachConfig() CoachConfig {
	return CoachConfig{MaxTokens: 400, Timeout: 20 * time.Second}
}
