package telegram

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
)

// scriptedReport is a report as the engine returns it, with model text full
// of markup characters (model output is untrusted).
func scriptedReport() *engine.Report {
	return &engine.Report{ID: 7, RoomID: 3, Scene: "Café <order> & pay", Language: "en",
		Summary: "You ordered a latte & paid by card. <b>Nice</b> pace.",
		Goals:   []engine.ReportGoal{{Text: "Order a latte", Achieved: true}, {Text: "Ask for the <Wi-Fi> password", Achieved: false}},
		Mistakes: []engine.ReportMistake{
			{Kind: engine.IssueNaturalness, Original: "I want", Better: "I'd like", Explanation: "More polite when <ordering>."},
			{Kind: engine.IssueGrammar, Original: "", Better: "a", Explanation: "Count nouns need an article & more."},
		},
		Vocabulary: []engine.VocabularyItem{
			{Term: "oat milk", Meaning: "귀리 우유", Example: "An oat-milk latte, please."},
			{Term: "<receipt>", Meaning: "영수증 & 계산서", Example: ""},
		},
		NextSteps: []string{"Ask for things politely: <could I…>", "Practise numbers & prices."},
		CreatedAt: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
}

// The report's format in each language: title, summary, goals ☑/☐ with the
// count, mistakes <s>old</s> → <b>better</b> with kind and explanation, words
// <b>term</b> — meaning with the example, next steps; the model's text
// escaped; valid Telegram HTML.
func TestReportMessageFormat(t *testing.T) {
	out := map[string][]string{}
	for _, l := range langs {
		msgs := reportMessages(l, scriptedReport(), MaxMessageLen)
		for _, m := range msgs {
			if _, err := telegramfake.ParseHTML(m); err != nil {
				t.Fatalf("%s: %v: %s", l, err, m)
			}
		}
		out[string(l)] = msgs
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the golden file shows the markup as sent
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	golden(t, "report_message", b.String())
}

// A report at its bounds (the longest summary, the most mistakes and words,
// each at its longest, in characters that count double in UTF-16) is split
// into several messages, each within Telegram's limit and valid HTML, cut
// only between lines: every line of the report is whole in one message.
func TestLongReportIsSplitBetweenLines(t *testing.T) {
	long := func(n int) string { return strings.Repeat("😀&", n) } // cut to n
	r := &engine.Report{Scene: long(100), Summary: strings.Repeat("A <long> summary & more. ", 200)}
	for i := 0; i < maxReportItems+3; i++ {
		r.Mistakes = append(r.Mistakes, engine.ReportMistake{Kind: engine.IssueRegister, Original: long(maxFragmentLen),
			Better: long(maxFragmentLen), Explanation: long(maxExplanationLen)})
		r.Vocabulary = append(r.Vocabulary, engine.VocabularyItem{Term: long(maxTermLen), Meaning: long(maxMeaningLen), Example: long(maxExampleLen)})
		r.NextSteps = append(r.NextSteps, long(maxNextStepLen))
	}
	for i := 0; i < engine.MaxRoomGoals; i++ {
		r.Goals = append(r.Goals, engine.ReportGoal{Text: strings.Repeat("<goal> & ", 20), Achieved: i%2 == 0})
	}
	msgs := reportMessages(langJa, r, MaxMessageLen)
	if len(msgs) < 3 {
		t.Fatalf("%d messages, want the report split into several", len(msgs))
	}
	for i, m := range msgs {
		text, err := telegramfake.ParseHTML(m)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if n := telegramfake.TextLen(text); n > MaxMessageLen || n != visibleLen(m) {
			t.Fatalf("message %d: %d units (visibleLen %d), limit %d", i, n, visibleLen(m), MaxMessageLen)
		}
		if strings.HasPrefix(m, "\n") {
			t.Fatalf("message %d begins with a blank line", i)
		}
	}
	all := strings.Join(msgs, "\n")
	for _, b := range reportBlocks(langJa, r) {
		found := 0
		for _, m := range msgs {
			if strings.Contains(m, strings.TrimLeft(b, "\n")) {
				found++
			}
		}
		if found == 0 {
			t.Fatalf("line %q is not whole in any message", b)
		}
	}
	if !strings.Contains(all, "<s>") || strings.Count(all, "<i>") != strings.Count(all, "</i>") {
		t.Fatalf("markup lost: %q", all[:200])
	}
}

// visibleLen counts as Telegram does once the HTML is parsed.
func TestVisibleLen(t *testing.T) {
	for _, s := range []string{"", "plain", "<b>bold</b> &amp; &lt;x&gt;", "😀<i>😀</i>", "a\n<s>b</s> → <b>c</b>"} {
		text, err := telegramfake.ParseHTML(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := visibleLen(s), telegramfake.TextLen(text); got != want {
			t.Errorf("visibleLen(%q) = %d, want %d", s, got, want)
		}
	}
}
