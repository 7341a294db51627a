package main

import (
	"strings"
	"testing"
	"time"
)

// The coach section: defaults from the engine, read from the file and the
// environment, handed to the engine, and refused at its edges by name.
func TestCoachConfig(t *testing.T) {
	cfg, err := loadConfig("", false, env(nil))
	if err != nil || cfg.Coach.Model != "" || cfg.Coach.MaxTokens != 400 || cfg.Coach.Timeout != 20*time.Second {
		t.Fatalf("default coach = %+v, %v; want the room's model, 400 tokens, 20s", cfg.Coach, err)
	}
	path := writeFile(t, "coach:\n  model: coach-mini\n  max_tokens: 300\n  timeout: 5s\n")
	cfg, err = loadConfig(path, true, env(map[string]string{"CHATPLAY_COACH_TIMEOUT": "7s"}))
	if err != nil || cfg.Coach.Model != "coach-mini" || cfg.Coach.MaxTokens != 300 || cfg.Coach.Timeout != 7*time.Second {
		t.Fatalf("coach from file and env = %+v, %v", cfg.Coach, err)
	}
	if ec := cfg.Coach.engineCoach(); ec.Model != "coach-mini" || ec.MaxTokens != 300 || ec.Timeout != 7*time.Second {
		t.Fatalf("engine coach = %+v", ec)
	}
	// max_tokens: positive and below model.context_tokens (8192 by default).
	for val, ok := range map[string]bool{"0": false, "-1": false, "1": true, "8191": true, "8192": false} {
		_, err := loadConfig("", false, env(map[string]string{"CHATPLAY_COACH_MAX_TOKENS": val}))
		if ok != (err == nil) || err != nil && !strings.Contains(err.Error(), "coach.max_tokens") {
			t.Errorf("coach.max_tokens=%s: %v", val, err)
		}
	}
	for val, ok := range map[string]bool{"0s": false, "-1s": false, "1ns": true} {
		_, err := loadConfig("", false, env(map[string]string{"CHATPLAY_COACH_TIMEOUT": val}))
		if ok != (err == nil) || err != nil && !strings.Contains(err.Error(), "coach.timeout") {
			t.Errorf("coach.timeout=%s: %v", val, err)
		}
	}
}
