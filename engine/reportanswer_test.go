package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// reportScene is the conversation the report answers are checked on.
var reportScene = []reportTurn{
	{Speaker: speakerPartner, Text: "어서 오세요! 뭐 드릴까요?"},
	{Speaker: speakerLearner, Text: "라떼 하나 줘."},
}

// reportJSON is a report answer with n words (each example in the scene),
// steps next steps and summary.
func reportJSON(summary string, n, steps int, mistakes []ReportMistake) string {
	words := make([]VocabularyItem, n)
	for i := range words {
		words[i] = VocabularyItem{Term: "단어" + strings.Repeat("+", i), Meaning: "word", Example: "라떼 하나 줘."}
	}
	nexts := make([]string, steps)
	for i := range nexts {
		nexts[i] = "practise"
	}
	if mistakes == nil {
		mistakes = []ReportMistake{}
	}
	b, _ := json.Marshal(map[string]any{"summary": summary, "mistakes": mistakes, "vocabulary": words, "next_steps": nexts})
	return string(b)
}

// checkReport at the edges of its named caps.
func TestCheckReportLimits(t *testing.T) {
	mistake := ReportMistake{Kind: IssueRegister, Original: "줘", Better: "주세요", Explanation: "polite"}
	many := make([]ReportMistake, maxReportMistakes+1)
	for i := range many {
		many[i] = mistake
	}
	tests := []struct {
		name                    string
		content                 string
		wantErr                 bool
		words, steps, nMistakes int
	}{
		{"fewest words", reportJSON("ok", minReportVocabulary, 1, nil), false, minReportVocabulary, 1, 0},
		{"one word too few", reportJSON("ok", minReportVocabulary-1, 1, nil), true, 0, 0, 0},
		{"most words", reportJSON("ok", maxReportVocabulary, 1, nil), false, maxReportVocabulary, 1, 0},
		{"words past the most dropped", reportJSON("ok", maxReportVocabulary+3, 1, nil), false, maxReportVocabulary, 1, 0},
		{"most next steps", reportJSON("ok", minReportVocabulary, maxReportNextSteps, nil), false, minReportVocabulary, maxReportNextSteps, 0},
		{"next steps past the most dropped", reportJSON("ok", minReportVocabulary, maxReportNextSteps+1, nil), false, minReportVocabulary, maxReportNextSteps, 0},
		{"no next step", reportJSON("ok", minReportVocabulary, 0, nil), true, 0, 0, 0},
		{"longest summary", reportJSON(strings.Repeat("가", maxReportSummaryRunes), minReportVocabulary, 1, nil), false, minReportVocabulary, 1, 0},
		{"summary too long", reportJSON(strings.Repeat("가", maxReportSummaryRunes+1), minReportVocabulary, 1, nil), true, 0, 0, 0},
		{"empty summary", reportJSON(" ", minReportVocabulary, 1, nil), true, 0, 0, 0},
		{"mistakes past the most dropped", reportJSON("ok", minReportVocabulary, 1, many), false, minReportVocabulary, 1, maxReportMistakes},
		{"a mistake not in a learner line dropped", reportJSON("ok", minReportVocabulary, 1, []ReportMistake{mistake, {Kind: IssueGrammar, Original: "뭐", Better: "무엇", Explanation: "the partner's"}}), false, minReportVocabulary, 1, 1},
		{"a missing field", `{"summary":"ok","mistakes":[],"vocabulary":[]}`, true, 0, 0, 0},
		{"an unknown field", `{"summary":"ok","mistakes":[],"vocabulary":[],"next_steps":["x"],"goals":[]}`, true, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := checkReport(tt.content, reportScene)
			if tt.wantErr {
				if !errors.Is(err, errBadAnswer) || r != nil {
					t.Fatalf("checkReport = %+v, %v; want errBadAnswer", r, err)
				}
				return
			}
			if err != nil || len(r.Vocabulary) != tt.words || len(r.NextSteps) != tt.steps || len(r.Mistakes) != tt.nMistakes {
				t.Fatalf("checkReport = %+v, %v; want %d words, %d steps, %d mistakes", r, err, tt.words, tt.steps, tt.nMistakes)
			}
		})
	}
	// The longest word, meaning and example pass; one more character drops the word.
	words := []VocabularyItem{
		{Term: strings.Repeat("a", maxTermRunes), Meaning: strings.Repeat("m", maxMeaningRunes), Example: "하나"},
		{Term: strings.Repeat("b", maxTermRunes+1), Meaning: "m", Example: "하나"},
		{Term: "c", Meaning: strings.Repeat("m", maxMeaningRunes+1), Example: "하나"},
		{Term: "d", Meaning: "m", Example: "not in the scene"},
		{Term: "A" + strings.Repeat("a", maxTermRunes-1), Meaning: "the same term", Example: "하나"},
	}
	b, _ := json.Marshal(map[string]any{"summary": "s", "mistakes": []any{}, "vocabulary": words, "next_steps": []string{"x"}})
	r, err := checkReport(string(b), reportScene)
	if err != nil || len(r.Vocabulary) != 1 || r.Vocabulary[0].Term != words[0].Term {
		t.Fatalf("checkReport = %+v, %v; want only the first word", r, err)
	}
}

// FuzzCheckReport checks that whatever the model answers, checkReport either
// refuses it or returns a report within every cap.
func FuzzCheckReport(f *testing.F) {
	f.Add(reportJSON("ok", minReportVocabulary, 1, nil), "라떼 하나 줘.")
	f.Add(reportJSON("ok", maxReportVocabulary+1, 3, []ReportMistake{{Kind: "bogus"}}), "x")
	f.Add(`{"summary":"\u0000","mistakes":null,"vocabulary":[],"next_steps":[]}`, "")
	f.Add(`[1]`, "line")
	f.Fuzz(func(t *testing.T, content, line string) {
		scene := []reportTurn{{Speaker: speakerLearner, Text: line}, {Speaker: speakerPartner, Text: "뭐 드릴까요?"}}
		r, err := checkReport(content, scene)
		if err != nil {
			if !errors.Is(err, errBadAnswer) || r != nil {
				t.Fatalf("refusal = %+v, %v", r, err)
			}
			return
		}
		if r.Summary == "" || utf8.RuneCountInString(r.Summary) > maxReportSummaryRunes || len(r.Mistakes) > maxReportMistakes ||
			len(r.Vocabulary) > maxReportVocabulary || len(r.NextSteps) == 0 || len(r.NextSteps) > maxReportNextSteps {
			t.Fatalf("accepted %+v", r)
		}
		for _, m := range r.Mistakes {
			if !m.Kind.Valid() || m.Original == "" || m.Original == m.Better || !strings.Contains(line, m.Original) {
				t.Fatalf("accepted mistake %+v of line %q", m, line)
			}
		}
		for _, w := range r.Vocabulary {
			if w.Term == "" || w.Meaning == "" || utf8.RuneCountInString(w.Term) > maxTermRunes ||
				!strings.Contains(line, w.Example) && !strings.Contains("뭐 드릴까요?", w.Example) {
				t.Fatalf("accepted word %+v", w)
			}
		}
	})
}
