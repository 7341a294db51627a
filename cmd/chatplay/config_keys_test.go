package main

import (
	"slices"
	"testing"
)

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"", "abc", 3},
		{"modle", "model", 1},            // a swap is one edit
		{"databse", "database", 1},       // a letter missing
		{"TEMPRATURE", "TEMPERATURE", 1}, // a letter missing
		{"kitten", "sitting", 3},         // the classic
		{"한국어", "한국", 1},                 // letters, not bytes
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := editDistance(tt.b, tt.a); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}

// unknownEnv warns about CHATPLAY_ variables that are no setting, suggesting
// the nearest within suggestDistance (at its edge: maxSuggestDistance edits
// suggest, one more does not), and leaves every real one alone.
func TestUnknownEnv(t *testing.T) {
	tests := []struct {
		environ []string
		want    []string
	}{
		{[]string{"CHATPLAY_MODEL_TEMPRATURE=0.2"}, []string{"CHATPLAY_MODEL_TEMPRATURE: unknown; did you mean CHATPLAY_MODEL_TEMPERATURE?"}},
		{[]string{"CHATPLAY_DATABASE_ULR=x"}, []string{"CHATPLAY_DATABASE_ULR: unknown; did you mean CHATPLAY_DATABASE_URL?"}},
		{[]string{"CHATPLAY_MODEL_APIKEY=x"}, []string{"CHATPLAY_MODEL_APIKEY: unknown; did you mean CHATPLAY_MODEL_API_KEY?"}},
		// maxSuggestDistance (3) edits away from CHATPLAY_LIMITS_MAX_PAGE_SIZE: still suggested; 4: not.
		{[]string{"CHATPLAY_LIMITS_MAX_PAGE_SIXXX=1"}, []string{"CHATPLAY_LIMITS_MAX_PAGE_SIXXX: unknown; did you mean CHATPLAY_LIMITS_MAX_PAGE_SIZE?"}},
		{[]string{"CHATPLAY_LIMITS_MAX_PAGE_XXXXX=1"}, []string{"CHATPLAY_LIMITS_MAX_PAGE_XXXXX: unknown, ignored (config.yaml lists every setting; its variable is CHATPLAY_<SECTION>_<KEY>)"}},
		{[]string{"CHATPLAY_DATABASE_URL=x", "CHATPLAY_MODEL_API_KEY_FILE=/k", "CHATPLAY_TELEGRAM_TOKEN=t", "CHATPLAY_TEST_POSTGRES_URL=p",
			"CHATPLAYER=x", "PATH=/bin", "OPENAI_API_KEY=k", "CHATPLAY_LOG_LEVEL"}, nil},
		{[]string{"CHATPLAY_DATABASE_URL_FILE=/u"}, []string{"CHATPLAY_DATABASE_URL_FILE: unknown; only secrets are read from a file: set CHATPLAY_DATABASE_URL itself"}},
	}
	for _, tt := range tests {
		if got := unknownEnv(tt.environ); !slices.Equal(got, tt.want) {
			t.Errorf("unknownEnv(%q) = %q, want %q", tt.environ, got, tt.want)
		}
	}
}

// Every setting's variable is known: a key added to Config is never warned
// about.
func TestKnownEnvCoversEveryKey(t *testing.T) {
	known := knownEnv()
	for _, name := range []string{"CHATPLAY_SERVER_ADDR", "CHATPLAY_AUTH_JWT_SECRET", "CHATPLAY_AUTH_JWT_SECRET_FILE",
		"CHATPLAY_DISCORD_APPLICATION_ID", "CHATPLAY_TELEGRAM_WEBHOOK_SECRET_FILE", "CHATPLAY_LOG_FORMAT"} {
		if !slices.Contains(known, name) {
			t.Errorf("%s is not known", name)
		}
	}
}
