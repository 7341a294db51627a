package engine

import "sync"

// aidCountsMax bounds how many system prompts' token counts the engine keeps.
// An aid's system prompt depends on the room (language, level, roles,
// goals) and the learner's language, not on the line, so a busy process
// sees a few hundred at most; past the bound the cache starts afresh.
const aidCountsMax = 512

// aidCounts keeps the token counts of aid system prompts, which are long
// (the instructions and the JSON schema's rules) and the same for every
// line of a room: counting one costs more than the rest of a coach call's
// CPU together.
type aidCounts struct {
	mu     sync.Mutex
	counts map[string]int
}

// count returns m's token count by count, from the cache for a system
// message.
func (a *aidCounts) count(m PromptMessage, count func(string) int) int {
	if m.Role != "system" {
		return count(m.Content)
	}
	a.mu.Lock()
	n, ok := a.counts[m.Content]
	a.mu.Unlock()
	if ok {
		return n
	}
	n = count(m.Content)
	a.mu.Lock()
	if a.counts == nil || len(a.counts) >= aidCountsMax {
		a.counts = make(map[string]int)
	}
	a.counts[m.Content] = n
	a.mu.Unlock()
	return n
}
