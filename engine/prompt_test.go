package engine_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the code")

// goldenRoom is the scene the golden prompts are written for.
func goldenRoom(lang string, level engine.Level) *engine.Room {
	return &engine.Room{Title: "Coffee", Language: lang, Situation: "Ordering coffee at a small cafe on a rainy morning",
		UserRole: "customer", BotRole: "barista", Level: level, Feedback: true}
}

// TestSystemPromptGolden shows the whole system prompt for every level (in
// Korean) and for a few other languages: the reviewed text of the product.
// Regenerate with go test ./engine -run TestSystemPromptGolden -update, and
// read the diff.
func TestSystemPromptGolden(t *testing.T) {
	type golden struct {
		lang  string
		level engine.Level
	}
	var cases []golden
	for _, l := range engine.Levels() {
		cases = append(cases, golden{"ko", l})
	}
	cases = append(cases, golden{"ja", engine.LevelA1}, golden{"en", engine.LevelC2}, golden{"es", engine.LevelB2})
	for _, c := range cases {
		name := c.lang + "-" + string(c.level)
		t.Run(name, func(t *testing.T) {
			got := engine.SystemPrompt(goldenRoom(c.lang, c.level))
			path := filepath.Join("testdata", "prompt", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("system prompt differs from %s (run with -update and read the diff):\ngot:\n%s", path, got)
			}
		})
	}
}

// Every level has its own guidance in the prompt, in the room's language's
// name, and no two levels read the same.
func TestSystemPromptLevels(t *testing.T) {
	levels := engine.Levels()
	if want := []engine.Level{"A1", "A2", "B1", "B2", "C1", "C2"}; strings.Join(toStrings(levels), ",") != strings.Join(toStrings(want), ",") {
		t.Fatalf("Levels() = %v, want %v", levels, want)
	}
	seen := map[string]engine.Level{}
	for _, l := range levels {
		sys := engine.SystemPrompt(goldenRoom("ja", l))
		_, guide, ok := strings.Cut(sys, "The learner's level")
		if !ok {
			t.Fatalf("%s: no level guidance in the prompt:\n%s", l, sys)
		}
		if !strings.Contains(guide, "of Japanese is "+string(l)+" (") {
			t.Errorf("%s: the guidance does not name the level and language:\n%s", l, guide)
		}
		if other, dup := seen[guide]; dup {
			t.Errorf("levels %s and %s have the same guidance", other, l)
		}
		seen[guide] = l
	}
	// A room with no level (one built by hand) is spoken to at the default level.
	if got, want := engine.SystemPrompt(goldenRoom("ko", "")), engine.SystemPrompt(goldenRoom("ko", engine.DefaultLevel)); got != want {
		t.Errorf("a room with no level gets:\n%s\nwant the default level's prompt:\n%s", got, want)
	}
}

func TestParseLevel(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want engine.Level
		ok   bool
	}{
		{"A1", engine.LevelA1, true},
		{" b2 ", engine.LevelB2, true},
		{"c2", engine.LevelC2, true},
		{"", "", false},
		{"B3", "", false},
		{"A", "", false},
		{"intermediate", "", false},
	} {
		got, ok := engine.ParseLevel(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseLevel(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func toStrings(ls []engine.Level) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l)
	}
	return out
}
