package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func answerJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func item(kind, original, better string) map[string]any {
	return map[string]any{"kind": kind, "original": original, "better": better, "explanation": "because"}
}

func TestCheckFeedback(t *testing.T) {
	const line = "아메리카노 하나 줘."
	many := []any{}
	for range maxFeedbackItems + 1 {
		many = append(many, item("register", "줘", "주세요"))
	}
	tests := []struct {
		name      string
		content   string
		wantErr   bool
		wantItems int
	}{
		{"a correct line: no items, a note", answerJSON(t, map[string]any{"corrected": line, "items": []any{}, "note": "Perfect!"}), false, 0},
		{"one issue", answerJSON(t, map[string]any{"corrected": "아메리카노 하나 주세요.", "items": []any{item("register", "줘", "주세요")}, "note": "Almost."}), false, 1},
		{"unknown kind dropped, the rest kept", answerJSON(t, map[string]any{"corrected": "x", "items": []any{item("pronunciation", "줘", "주세요"), item("grammar", "줘", "주세요")}, "note": ""}), false, 1},
		{"an original not in the line is an invented mistake: dropped", answerJSON(t, map[string]any{"corrected": "x", "items": []any{item("grammar", "커피", "차")}, "note": ""}), false, 0},
		{"original == better: dropped", answerJSON(t, map[string]any{"corrected": "x", "items": []any{item("grammar", "줘", "줘")}, "note": ""}), false, 0},
		{"empty explanation: dropped", answerJSON(t, map[string]any{"corrected": "x", "items": []any{map[string]any{"kind": "grammar", "original": "줘", "better": "주세요", "explanation": ""}}, "note": ""}), false, 0},
		{"at most maxFeedbackItems", answerJSON(t, map[string]any{"corrected": "x", "items": many, "note": ""}), false, maxFeedbackItems},
		{"fragment at its cap", answerJSON(t, map[string]any{"corrected": "x", "items": []any{item("grammar", "줘", strings.Repeat("가", maxFragmentRunes))}, "note": ""}), false, 1},
		{"fragment over its cap: dropped", answerJSON(t, map[string]any{"corrected": "x", "items": []any{item("grammar", "줘", strings.Repeat("가", maxFragmentRunes+1))}, "note": ""}), false, 0},
		{"note at its cap", answerJSON(t, map[string]any{"corrected": "x", "items": []any{}, "note": strings.Repeat("n", maxNoteRunes)}), false, 0},
		{"note over its cap", answerJSON(t, map[string]any{"corrected": "x", "items": []any{}, "note": strings.Repeat("n", maxNoteRunes+1)}), true, 0},
		{"corrected over its cap", answerJSON(t, map[string]any{"corrected": strings.Repeat("c", maxCorrectedRunes+1), "items": []any{}, "note": ""}), true, 0},
		{"empty corrected", answerJSON(t, map[string]any{"corrected": " ", "items": []any{}, "note": ""}), true, 0},
		{"a control character", answerJSON(t, map[string]any{"corrected": "x\u0000", "items": []any{}, "note": ""}), true, 0},
		{"missing field", answerJSON(t, map[string]any{"corrected": "x", "note": ""}), true, 0},
		{"unknown field", answerJSON(t, map[string]any{"corrected": "x", "items": []any{}, "note": "", "score": 3}), true, 0},
		{"unknown field in an item", answerJSON(t, map[string]any{"corrected": "x", "items": []any{map[string]any{"kind": "grammar", "original": "줘", "better": "주세요", "explanation": "e", "why": 1}}, "note": ""}), true, 0},
		{"wrong type", `{"corrected": 5, "items": [], "note": ""}`, true, 0},
		{"null", `null`, true, 0},
		{"an array", `[{"unexpected": true}]`, true, 0},
		{"prose around JSON", `Sure! {"corrected": "x", "items": [], "note": ""}`, true, 0},
		{"text after JSON", `{"corrected": "x", "items": [], "note": ""} and more`, true, 0},
		{"two objects", `{"corrected": "x", "items": [], "note": ""}{}`, true, 0},
		{"empty", ``, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb, _, err := checkFeedback(tt.content, line, nil)
			if tt.wantErr {
				if !errors.Is(err, errBadAnswer) {
					t.Fatalf("checkFeedback = %+v, %v; want errBadAnswer", fb, err)
				}
				return
			}
			if err != nil || fb.Status != FeedbackReady || len(fb.Items) != tt.wantItems || fb.Items == nil {
				t.Fatalf("checkFeedback = %+v, %v; want ready with %d items", fb, err, tt.wantItems)
			}
		})
	}
}

func TestCheckHintAndTranslation(t *testing.T) {
	line := func(text string) map[string]any { return map[string]any{"text": text, "translation": "t"} }
	for _, tt := range []struct {
		content string
		lines   int // -1: refused
	}{
		{answerJSON(t, map[string]any{"lines": []any{line("아메리카노 주세요.")}}), 1},
		{answerJSON(t, map[string]any{"lines": []any{line("a"), line("b"), line("c")}}), maxHintLines},
		{answerJSON(t, map[string]any{"lines": []any{}}), -1},
		{answerJSON(t, map[string]any{"lines": []any{line(strings.Repeat("가", maxHintTextRunes))}}), 1},
		{answerJSON(t, map[string]any{"lines": []any{line(strings.Repeat("가", maxHintTextRunes+1))}}), -1},
		{answerJSON(t, map[string]any{"lines": []any{map[string]any{"text": "a", "translation": ""}}}), -1},
		{`{}`, -1},
		{`[{"unexpected": true, "score": "ten"}]`, -1},
	} {
		h, err := checkHint(tt.content)
		if tt.lines < 0 != (err != nil) || err == nil && len(h.Lines) != tt.lines {
			t.Errorf("checkHint(%.60s) = %+v, %v; want %d lines", tt.content, h, err, tt.lines)
		}
	}
	for content, ok := range map[string]bool{
		`{"text": "Would you like it hot?"}`:                                              true,
		answerJSON(t, map[string]any{"text": strings.Repeat("a", maxTranslationRunes)}):   true,
		answerJSON(t, map[string]any{"text": strings.Repeat("a", maxTranslationRunes+1)}): false,
		`{"text": ""}`:          false,
		`{}`:                    false,
		`{"text": "a", "x": 1}`: false,
		`"a"`:                   false,
	} {
		if _, err := checkTranslation(content); ok != (err == nil) {
			t.Errorf("checkTranslation(%.60s) = %v, want ok %v", content, err, ok)
		}
	}
}

// FuzzCheckFeedback feeds the validator arbitrary answers and lines: it
// never panics, and what it accepts keeps every rule.
func FuzzCheckFeedback(f *testing.F) {
	f.Add(`{"corrected":"a b","items":[{"kind":"grammar","original":"a","better":"c","explanation":"e"}],"note":"n"}`, "a b")
	f.Add(`{"corrected":"x","items":[],"note":""}`, "x")
	f.Add(`{"corrected":"x","items":[{"kind":"bogus","original":"","better":"","explanation":""}],"note":"\u0000"}`, "")
	f.Add(`[1,2]`, "line")
	f.Add(`{"corrected":"x","items":null,"note":"n"}`, "x")
	f.Add(`{"corrected":"x","items":[],"note":"","achieved_goals":[7,7,99,-1]}`, "x")
	open := []Goal{{ID: 7, Text: "order"}, {ID: 9, Text: "pay"}}
	f.Fuzz(func(t *testing.T, content, line string) {
		fb, achieved, err := checkFeedback(content, line, open)
		if err != nil {
			if !errors.Is(err, errBadAnswer) || fb != nil || achieved != nil {
				t.Fatalf("refusal = %+v, %v, %v", fb, achieved, err)
			}
			return
		}
		seen := map[int64]bool{}
		for _, id := range achieved {
			if id != 7 && id != 9 || seen[id] {
				t.Fatalf("achieved %v: not the open goals, once each", achieved)
			}
			seen[id] = true
		}
		if fb.Status != FeedbackReady || fb.Corrected == "" || fb.Items == nil || len(fb.Items) > maxFeedbackItems ||
			utf8.RuneCountInString(fb.Corrected) > maxCorrectedRunes || utf8.RuneCountInString(fb.Note) > maxNoteRunes {
			t.Fatalf("accepted %+v", fb)
		}
		for _, it := range fb.Items {
			if !it.Kind.Valid() || it.Original == "" || it.Original == it.Better || !strings.Contains(line, it.Original) ||
				it.Explanation == "" || utf8.RuneCountInString(it.Better) > maxFragmentRunes ||
				utf8.RuneCountInString(it.Explanation) > maxExplanationRunes || !utf8.ValidString(it.Explanation) {
				t.Fatalf("accepted item %+v of line %q", it, line)
			}
		}
	})
}
