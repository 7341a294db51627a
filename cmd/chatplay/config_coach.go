package main

import (
	"time"

	"github.com/chatplay/chatplay/engine"
)

// CoachConfig shapes the learner's aids (the coach's corrections, hints and
// translations): the `coach:` section of config.yaml.
type CoachConfig struct {
	// Model is the model the aids use; "": each room's own model.
	Model string `yaml:"model"`
	// MaxTokens bounds each aid's answer.
	MaxTokens int `yaml:"max_tokens"`
	// Timeout bounds one aid's model call; a coach that has not answered by
	// then leaves the line's feedback unavailable.
	Timeout time.Duration `yaml:"timeout"`
}

// defaultCoachConfig is the engine's default; config.yaml repeats it.
func defaultCoachConfig() CoachConfig {
	d := engine.DefaultCoachConfig()
	return CoachConfig{Model: d.Model, MaxTokens: d.MaxTokens, Timeout: d.Timeout}
}

// validate reports each bad key of the coach section through bad.
func (c CoachConfig) validate(model ModelConfig, bad func(key, format string, args ...any)) {
	if c.MaxTokens <= 0 || c.MaxTokens >= model.ContextTokens {
		bad("coach.max_tokens", "must be positive and less than model.context_tokens (%d)", model.ContextTokens)
	}
	if c.Timeout <= 0 {
		bad("coach.timeout", "must be positive")
	}
}

// engineCoach is the engine's coach configuration of c.
func (c CoachConfig) engineCoach() engine.CoachConfig {
	return engine.CoachConfig{Model: c.Model, MaxTokens: c.MaxTokens, Timeout: c.Timeout}
}
