package engine

import (
	"context"
	"strings"
	"time"
)

// The report's own bounds.
const (
	// reportMaxTokens bounds a report's answer (max_tokens, held in the
	// daily allowance until the call settles): room for 15 words, a few
	// mistakes and the summary in any language.
	reportMaxTokens = 2500
	// reportTimeout bounds a report's model call; its answer is longer than
	// any other aid's.
	reportTimeout = 90 * time.Second
	// reportTranscriptTokens is the most tokens of conversation (lines and
	// their feedback) a report's prompt shows: the newest that fit (and
	// never more than the room's own prompt window).
	reportTranscriptTokens = 6000
	// reportPageSize is how many messages a report reads from the store at a time.
	reportPageSize = 100
	// maxSceneRunes bounds the scene name a report keeps when the room has no title.
	maxSceneRunes = 80
)

// The speakers of a conversation as the aids' prompts give it.
const (
	speakerLearner = "learner"
	speakerPartner = "partner"
)

// Report is the end-of-scene report of a room: what the learner did in the
// scene, built by one structured model call from the conversation and its
// stored feedback, and stored for the learner to find again.
type Report struct {
	ID     int64
	RoomID int64 // 0 once the room is deleted: reports survive their room
	// ScenarioID is the scenario the room was made from; nil for a custom room.
	ScenarioID *string
	// Scene is the room's title at the time of the report.
	Scene string
	// Summary is a short summary of the scene, in Language.
	Summary string
	// Goals are the room's goals as stored when the report was made (not as
	// the model saw them), in order.
	Goals []ReportGoal
	// Mistakes are the learner's recurring mistakes, grouped by kind.
	Mistakes []ReportMistake
	// Vocabulary are the useful words and phrases of the scene.
	Vocabulary []VocabularyItem
	// NextSteps are one or two things to practise next, in Language.
	NextSteps []string
	// Language is the learner's language the report is written in (a code
	// of Languages).
	Language  string
	CreatedAt time.Time
}

// ReportGoal is a goal of the scene as the report shows it.
type ReportGoal struct {
	Text     string `json:"text"`
	Achieved bool   `json:"achieved"`
}

// ReportMistake is a recurring mistake of the learner: an example of it and
// the better phrasing, explained in the learner's language.
type ReportMistake struct {
	Kind        IssueKind `json:"kind"`
	Original    string    `json:"original"`
	Better      string    `json:"better"`
	Explanation string    `json:"explanation"`
}

// VocabularyItem is a useful word or phrase of a scene: the term in the
// room's language, its meaning in the learner's language, and the sentence
// of the scene it came from.
type VocabularyItem struct {
	Term    string `json:"term"`
	Meaning string `json:"meaning"`
	Example string `json:"example"`
}

// VocabularyEntry is a word of a report with the scene it came from.
type VocabularyEntry struct {
	VocabularyItem
	ID        int64 // the entry's id; pages of the list are cut by it
	ReportID  int64
	RoomID    int64  // 0 once the room is deleted
	Scene     string // the room's title at the time of the report
	CreatedAt time.Time
}

// EndSceneFrom builds the report of roomID's scene, asked for on surface,
// from the conversation and its stored feedback (one structured model call,
// kind "report", validated; counted in the ledger with surface, the daily
// allowance and the turn limit), stores it,
// and returns it, written in the learner's language of locale. The room
// stays (it can be reset to play again). A room with no learner line yet is
// invalid (reason empty_scene); another user's room is not_found; an answer
// of the model that cannot be used is model_unavailable, and nothing is
// stored.
//
// The report's goals are the room's goals as stored when the report is made,
// not the model's opinion. The conversation shown to the model is the newest
// that fits reportTranscriptTokens, feedback included; feedback the coach is
// still writing on the last line is not waited for.
func (e *Engine) EndSceneFrom(ctx context.Context, userID, roomID int64, surface Source, locale string) (*Report, error) {
	if !surface.Valid() {
		return nil, Invalid("source", "Unknown source.")
	}
	room, err := e.FindRoom(ctx, userID, roomID)
	if err != nil {
		return nil, err
	}
	conversation, err := e.reportConversation(ctx, room.ID)
	if err != nil {
		return nil, err
	}
	if !hasLearnerLine(conversation) {
		return nil, invalidBecause(ReasonEmptyScene, "room_id", "Say something in the scene before you end it.")
	}
	end, err := e.startAid(ctx, userID)
	if err != nil {
		return nil, err
	}
	defer end()
	goals := make([]ReportGoal, len(room.Goals))
	for i, g := range room.Goals {
		goals[i] = ReportGoal{Text: g.Text, Achieved: g.Achieved}
	}
	lang := LearnerLanguage(locale)
	ctx, done := e.aidContext(ctx, userID)
	defer done()
	var report *Report
	err = e.callAid(ctx, aidCall{kind: CallReport, surface: surface, userID: userID, room: room,
		messages: reportPrompt(room, lang, goals, conversation), schema: reportSchema,
		maxTokens: reportMaxTokens, timeout: reportTimeout,
		check: func(content string) (err error) {
			report, err = checkReport(content, conversation)
			return err
		}})
	if err != nil {
		return nil, err
	}
	report.RoomID, report.ScenarioID, report.Scene, report.Language, report.Goals = room.ID, room.ScenarioID, sceneName(room), lang, goals
	save, cancel := context.WithTimeout(context.WithoutCancel(ctx), aidSaveTimeout)
	defer cancel()
	if err := e.store.CreateReport(save, userID, report); err != nil {
		return nil, notFound(err, "Room") // deleted meanwhile; else internal
	}
	return report, nil
}

// sceneName is the name a report keeps of room's scene: its title, else the
// start of its situation.
func sceneName(room *Room) string {
	if t := strings.TrimSpace(room.Title); t != "" {
		return t
	}
	return truncateRunes(strings.Join(strings.Fields(room.Situation), " "), maxSceneRunes)
}

// hasLearnerLine reports whether conversation has a line of the learner's.
func hasLearnerLine(conversation []reportTurn) bool {
	for _, t := range conversation {
		if t.Speaker == speakerLearner {
			return true
		}
	}
	return false
}

// reportConversation returns the newest complete lines of roomID, oldest
// first, with the feedback items stored on the learner's lines, as many as
// fit reportTranscriptTokens (and the room's prompt window), counted as the
// engine counts a prompt.
func (e *Engine) reportConversation(ctx context.Context, roomID int64) ([]reportTurn, error) {
	budget := min(reportTranscriptTokens, e.maxHistoryTokens())
	var newest []*Message // newest first
	used := 0
	full := false
	for cursor := int64(0); !full; {
		page, err := e.store.ListMessages(ctx, roomID, cursor, reportPageSize)
		if err != nil {
			return nil, Internal(err)
		}
		if err := e.attachFeedback(ctx, page); err != nil {
			return nil, err
		}
		for _, m := range page {
			if m.Status != StatusComplete || strings.TrimSpace(m.Content) == "" {
				continue
			}
			cost := m.TokenCount + tokensPerMessage
			if m.Feedback != nil && m.Feedback.Status == FeedbackReady {
				for _, it := range m.Feedback.Items {
					cost += e.tokens.Count(it.Original+it.Better+it.Explanation) + tokensPerMessage
				}
			}
			if used+cost > budget {
				full = true
				break
			}
			used += cost
			newest = append(newest, m)
		}
		if len(page) < reportPageSize {
			break
		}
		cursor = page[len(page)-1].ID
	}
	out := make([]reportTurn, 0, len(newest))
	for i := len(newest) - 1; i >= 0; i-- {
		m := newest[i]
		t := reportTurn{Speaker: speakerPartner, Text: m.Content}
		if m.Role == RoleUser {
			t.Speaker = speakerLearner
			if m.Feedback != nil && m.Feedback.Status == FeedbackReady && len(m.Feedback.Items) > 0 {
				t.Feedback = m.Feedback.Items
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// ListReports returns userID's reports, newest first, paginated like
// ListRooms (Page, cursor of the next page; "" at the end).
func (e *Engine) ListReports(ctx context.Context, userID int64, p Page) ([]*Report, string, error) {
	before, limit, err := e.page(p)
	if err != nil {
		return nil, "", err
	}
	reports, err := e.store.ListReports(ctx, userID, before, limit+1)
	if err != nil {
		return nil, "", Internal(err)
	}
	reports, next := cutPage(reports, limit, func(r *Report) int64 { return r.ID })
	return reports, next, nil
}

// FindReport returns userID's report id, or not_found (another user's
// report included).
func (e *Engine) FindReport(ctx context.Context, userID, id int64) (*Report, error) {
	r, err := e.store.FindReport(ctx, userID, id)
	if err != nil {
		return nil, notFound(err, "Report")
	}
	return r, nil
}

// ListVocabulary returns the words of all of userID's reports, newest report
// first and each report's words in its order, paginated like ListRooms.
func (e *Engine) ListVocabulary(ctx context.Context, userID int64, p Page) ([]*VocabularyEntry, string, error) {
	before, limit, err := e.page(p)
	if err != nil {
		return nil, "", err
	}
	words, err := e.store.ListVocabulary(ctx, userID, before, limit+1)
	if err != nil {
		return nil, "", Internal(err)
	}
	words, next := cutPage(words, limit, func(w *VocabularyEntry) int64 { return w.ID })
	return words, next, nil
}

// AllGoalsAchieved reports whether goals has at least one goal and every
// one of them is achieved: the moment to invite the learner to end the scene.
func AllGoalsAchieved(goals []Goal) bool {
	if len(goals) == 0 {
		return false
	}
	for _, g := range goals {
		if !g.Achieved {
			return false
		}
	}
	return true
}

// AllGoalsAchieved is the package's AllGoalsAchieved, for surfaces that hold
// an Engine.
func (e *Engine) AllGoalsAchieved(goals []Goal) bool { return AllGoalsAchieved(goals) }
