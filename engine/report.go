package engine

import (
	"context"
	"time"
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
	ReportID  int64
	RoomID    int64  // 0 once the room is deleted
	Scene     string // the room's title at the time of the report
	CreatedAt time.Time
}

// EndScene builds the report of roomID's scene from the conversation and its
// stored feedback (one structured model call, kind "report", validated;
// counted in the ledger, the daily allowance and the turn limit), stores it,
// and returns it, written in the learner's language of locale. The room
// stays (it can be reset to play again). A room with no learner line yet is
// invalid (reason empty_scene); another user's room is not_found; an answer
// of the model that cannot be used is model_unavailable, and nothing is
// stored.
func (e *Engine) EndScene(ctx context.Context, userID, roomID int64, locale string) (*Report, error) {
	return e.endScene(ctx, userID, roomID, locale)
}

// ListReports returns userID's reports, newest first, paginated like
// ListRooms (Page, cursor of the next page; "" at the end).
func (e *Engine) ListReports(ctx context.Context, userID int64, p Page) ([]*Report, string, error) {
	return e.listReports(ctx, userID, p)
}

// FindReport returns userID's report id, or not_found (another user's
// report included).
func (e *Engine) FindReport(ctx context.Context, userID, id int64) (*Report, error) {
	return e.findReport(ctx, userID, id)
}

// ListVocabulary returns the words of all of userID's reports, newest first
// (by report, then in the report's order), paginated like ListRooms.
func (e *Engine) ListVocabulary(ctx context.Context, userID int64, p Page) ([]*VocabularyEntry, string, error) {
	return e.listVocabulary(ctx, userID, p)
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
