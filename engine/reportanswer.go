package engine

import (
	"strings"
)

// The report's answer comes from the model: untrusted text, checked here
// before anything of it is stored or shown. Every limit is named.
const (
	// maxReportSummaryRunes bounds the report's summary.
	maxReportSummaryRunes = 1200
	// maxReportMistakes is the most mistakes a report lists; the model is
	// asked for at most as many, and further items are dropped.
	maxReportMistakes = 6
	// minReportVocabulary and maxReportVocabulary are how many words the
	// model is asked for. An answer with fewer than minReportVocabulary is
	// refused; words past maxReportVocabulary are dropped, and so is a bad
	// word (its example not in the conversation, a field empty or too long),
	// so a report can keep fewer good ones.
	minReportVocabulary = 5
	maxReportVocabulary = 15
	// maxTermRunes bounds a word's term.
	maxTermRunes = 100
	// maxMeaningRunes bounds a word's meaning.
	maxMeaningRunes = 300
	// maxExampleRunes bounds a word's example sentence.
	maxExampleRunes = 600
	// maxReportNextSteps is the most next steps a report lists (it lists
	// at least one); further ones are dropped.
	maxReportNextSteps = 2
	// maxNextStepRunes bounds a next step.
	maxNextStepRunes = 400
)

// reportAnswer is the JSON a report answers (see reportSchema).
type reportAnswer struct {
	Summary    *string           `json:"summary"`
	Mistakes   *[]ReportMistake  `json:"mistakes"`
	Vocabulary *[]VocabularyItem `json:"vocabulary"`
	NextSteps  *[]string         `json:"next_steps"`
}

// checkReport validates a report's answer content on a conversation (the
// one its prompt showed) and returns the report it makes: summary, mistakes,
// vocabulary and next steps (the rest is the caller's).
//
// The answer as a whole is refused when it is not one JSON object of the
// schema, when its summary is empty or breaks a limit, when it has fewer
// than minReportVocabulary words or no next step. A bad item is dropped: a
// mistake of an unknown kind, with an empty or over-long field, whose
// original is in no learner line or whose better is its original; a word
// with an empty or over-long field, a term said twice, or an example that is
// not in the conversation; an empty or over-long next step.
func checkReport(content string, conversation []reportTurn) (*Report, error) {
	var a reportAnswer
	if err := decodeStrict(content, &a); err != nil {
		return nil, err
	}
	if a.Summary == nil || a.Mistakes == nil || a.Vocabulary == nil || a.NextSteps == nil {
		return nil, badAnswer("a field is missing")
	}
	summary := strings.TrimSpace(*a.Summary)
	if summary == "" || !cleanText(summary, maxReportSummaryRunes) {
		return nil, badAnswer("summary is empty or not clean text")
	}
	if len(*a.Vocabulary) < minReportVocabulary {
		return nil, badAnswer("%d words, fewer than %d", len(*a.Vocabulary), minReportVocabulary)
	}
	inLine := func(s string, learnerOnly bool) bool {
		for _, t := range conversation {
			if (!learnerOnly || t.Speaker == speakerLearner) && strings.Contains(t.Text, s) {
				return true
			}
		}
		return false
	}
	r := &Report{Summary: summary, Mistakes: []ReportMistake{}, Vocabulary: []VocabularyItem{}, NextSteps: []string{}}
	for _, m := range *a.Mistakes {
		if len(r.Mistakes) == maxReportMistakes {
			break
		}
		m.Original, m.Better, m.Explanation = strings.TrimSpace(m.Original), strings.TrimSpace(m.Better), strings.TrimSpace(m.Explanation)
		switch {
		case !m.Kind.Valid(),
			m.Original == "" || m.Better == "" || m.Explanation == "",
			!cleanText(m.Original, maxFragmentRunes) || !cleanText(m.Better, maxFragmentRunes),
			!cleanText(m.Explanation, maxExplanationRunes),
			m.Original == m.Better,
			!inLine(m.Original, true):
			continue
		}
		r.Mistakes = append(r.Mistakes, m)
	}
	seen := map[string]bool{}
	for _, w := range *a.Vocabulary {
		if len(r.Vocabulary) == maxReportVocabulary {
			break
		}
		w.Term, w.Meaning, w.Example = strings.TrimSpace(w.Term), strings.TrimSpace(w.Meaning), strings.TrimSpace(w.Example)
		key := strings.ToLower(w.Term)
		switch {
		case w.Term == "" || w.Meaning == "" || w.Example == "",
			!cleanText(w.Term, maxTermRunes) || !cleanText(w.Meaning, maxMeaningRunes) || !cleanText(w.Example, maxExampleRunes),
			seen[key],
			!inLine(w.Example, false):
			continue
		}
		seen[key] = true
		r.Vocabulary = append(r.Vocabulary, w)
	}
	for _, s := range *a.NextSteps {
		if len(r.NextSteps) == maxReportNextSteps {
			break
		}
		if s = strings.TrimSpace(s); s != "" && cleanText(s, maxNextStepRunes) {
			r.NextSteps = append(r.NextSteps, s)
		}
	}
	if len(r.NextSteps) == 0 {
		return nil, badAnswer("no next step")
	}
	return r, nil
}
