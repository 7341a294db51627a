package engine

import (
	"strings"
)

// Level is a CEFR level (A1 to C2): how well the learner knows the room's
// language, which shapes the bot's lines through the system prompt.
type Level string

// The CEFR levels, from beginner to mastery.
const (
	LevelA1 Level = "A1"
	LevelA2 Level = "A2"
	LevelB1 Level = "B1"
	LevelB2 Level = "B2"
	LevelC1 Level = "C1"
	LevelC2 Level = "C2"
)

// DefaultLevel is the level of a room that names none: independent, the
// middle of the scale.
const DefaultLevel = LevelB1

// levelGuide is what the system prompt tells the model about speaking to a
// learner at one level. Each field is one line of the prompt, written for the
// model in English whatever the room's language.
type levelGuide struct {
	Level Level
	Name  string // the CEFR name of the level
	// Vocabulary: which words to use.
	Vocabulary string
	// Sentences: how long and how complex a sentence may be.
	Sentences string
	// Idioms: idioms, slang and figures of speech.
	Idioms string
	// Lost: what to do when the learner seems not to understand.
	Lost string
}

// levelGuides is the per-level guidance of the system prompt, beginner
// first: the one place where it is written. It is product text: change it
// with care and regenerate the golden prompts (go test ./engine -run
// TestSystemPromptGolden -update), whose diff is what a reviewer reads.
var levelGuides = []levelGuide{
	{
		Level: LevelA1, Name: "beginner",
		Vocabulary: "Use only the most common everyday words, the kind taught in a first course. Name things plainly; no synonyms for variety.",
		Sentences:  "Keep every sentence very short (about five to eight words) and simple: one clause, present tense where possible, no subordinate clauses.",
		Idioms:     "Use no idioms, slang, abbreviations or figures of speech.",
		Lost:       "If the learner seems lost (a very short or off-topic answer, a question mark, words in another language), say the same thing again more simply, with even easier words, or offer two simple choices to answer with.",
	},
	{
		Level: LevelA2, Name: "elementary",
		Vocabulary: "Use common words about everyday life (shopping, food, family, directions, time). Avoid rare or technical words.",
		Sentences:  "Keep sentences short (about six to ten words). Join ideas only with simple words like and, but, because; use simple past and future forms.",
		Idioms:     "Avoid idioms and slang; at most a very common set phrase of the situation (a greeting, a thank-you).",
		Lost:       "If the learner seems lost, rephrase once with simpler words and a shorter sentence, or ask a yes/no question.",
	},
	{
		Level: LevelB1, Name: "intermediate",
		Vocabulary: "Use everyday vocabulary freely, and the words the situation needs even when less common.",
		Sentences:  "Use natural sentences of ordinary length, with some subordinate clauses and the usual tenses; keep each turn easy to follow.",
		Idioms:     "Use a few common idioms and set phrases where a native speaker naturally would, but no regional slang.",
		Lost:       "If the learner seems lost, rephrase the key point in other, simpler words, without repeating the whole turn.",
	},
	{
		Level: LevelB2, Name: "upper intermediate",
		Vocabulary: "Use a wide vocabulary, including precise and less frequent words that suit the situation.",
		Sentences:  "Speak at a natural native pace: complex sentences, varied structures and all tenses are fine.",
		Idioms:     "Use common idioms, phrasal expressions and light colloquial language as a native speaker would in this scene.",
		Lost:       "If the learner seems lost, clarify briefly in the scene's own terms, as one speaker would for another, then go on.",
	},
	{
		Level: LevelC1, Name: "advanced",
		Vocabulary: "Use rich, precise and idiomatic vocabulary, with the nuance and register the situation calls for.",
		Sentences:  "Speak as you would with a fluent speaker: complex, well-linked sentences, implication and humour are fine.",
		Idioms:     "Use idioms, colloquialisms and cultural references freely where they fit.",
		Lost:       "Rephrase only if the learner asks or clearly misunderstood; otherwise keep the native pace.",
	},
	{
		Level: LevelC2, Name: "proficient",
		Vocabulary: "Speak exactly as an educated native speaker would in this situation, with the full range of vocabulary, nuance and register.",
		Sentences:  "Make no allowance for a learner in sentence length or structure.",
		Idioms:     "Use idioms, slang, wordplay and cultural references as naturally as a native speaker would.",
		Lost:       "Do not simplify; answer a question about what you meant as a native speaker would.",
	},
}

// Levels returns the CEFR levels, beginner first.
func Levels() []Level {
	out := make([]Level, len(levelGuides))
	for i, g := range levelGuides {
		out[i] = g.Level
	}
	return out
}

// ParseLevel returns the level named by s ("b1", " B1 "), or false when s
// names none.
func ParseLevel(s string) (Level, bool) {
	l := Level(strings.ToUpper(strings.TrimSpace(s)))
	_, ok := guideOf(l)
	return l, ok
}

// Valid reports whether l is a CEFR level.
func (l Level) Valid() bool {
	_, ok := guideOf(l)
	return ok
}

// guideOf returns the guidance for l.
func guideOf(l Level) (levelGuide, bool) {
	for _, g := range levelGuides {
		if g.Level == l {
			return g, true
		}
	}
	return levelGuide{}, false
}

// levelCodes returns the levels as text, for messages.
func levelCodes() string {
	var codes []string
	for _, l := range Levels() {
		codes = append(codes, string(l))
	}
	return strings.Join(codes, ", ")
}
