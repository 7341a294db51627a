package engine

import (
	"strconv"
	"testing"
	"unicode/utf8"
)

// An aid's system prompt is counted once and then read from the cache; other
// messages are counted every time; the cache never holds more than
// aidCountsMax prompts.
func TestAidCountsCacheSystemPrompts(t *testing.T) {
	var a aidCounts
	calls := 0
	count := func(s string) int { calls++; return utf8.RuneCountInString(s) }
	system := PromptMessage{Role: "system", Content: "You are a coach. 규칙을 지키세요."}
	for range 3 {
		if n := a.count(system, count); n != utf8.RuneCountInString(system.Content) {
			t.Fatalf("count = %d", n)
		}
	}
	if calls != 1 {
		t.Errorf("the system prompt was counted %d times, want once", calls)
	}
	line := PromptMessage{Role: "user", Content: "안녕하세요"}
	a.count(line, count)
	a.count(line, count)
	if calls != 3 {
		t.Errorf("counted %d times, want the user line counted each time (3)", calls)
	}
	for i := range 3 * aidCountsMax {
		a.count(PromptMessage{Role: "system", Content: "prompt " + strconv.Itoa(i)}, count)
		if len(a.counts) > aidCountsMax {
			t.Fatalf("%d prompts kept, more than %d", len(a.counts), aidCountsMax)
		}
	}
}
