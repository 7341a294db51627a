package engine

import (
	"context"
	"slices"
	"strings"
	"time"
)

// MaxRoomGoals is the most goals a room may have.
const MaxRoomGoals = 5

// MaxGoalRunes is the longest goal, in characters.
const MaxGoalRunes = 200

// Goal is one concrete task of a room's scene ("order an oat-milk latte"),
// open until a learner line achieves it. An achieved goal stays achieved until
// the room is reset.
type Goal struct {
	ID         int64
	Text       string
	Achieved   bool
	AchievedAt *time.Time // nil while open
	MessageID  *int64     // the learner line that achieved it; nil while open, or when that message is gone
}

// GoalStore keeps the goals of rooms, in their order.
type GoalStore interface {
	// ReplaceGoals replaces the goals of ownerID's room roomID by texts, in
	// order and all open, in one transaction, and returns them; a room that
	// is not ownerID's is ErrNotFound.
	ReplaceGoals(ctx context.Context, ownerID, roomID int64, texts []string) ([]Goal, error)
	// AchieveGoals marks the open goals of roomID among ids as achieved at at
	// by messageID, when messageID is a message of roomID (otherwise nothing
	// changes), and returns all the room's goals. Achieved goals and ids of
	// other rooms are left as they are.
	AchieveGoals(ctx context.Context, roomID int64, ids []int64, messageID int64, at time.Time) ([]Goal, error)
	// ResetGoals marks every goal of roomID open again.
	ResetGoals(ctx context.Context, roomID int64) error
}

// AchieveGoals marks the open goals of room roomID among goalIDs as achieved
// by the learner's line messageID, and returns the room's goals. It never
// un-achieves a goal, ignores ids that are not the room's, and changes nothing
// when messageID is not a message of the room (a reset removed it meanwhile).
// It is for the engine's coach, which has checked the room's owner already.
func (e *Engine) AchieveGoals(ctx context.Context, roomID int64, goalIDs []int64, messageID int64) ([]Goal, error) {
	goals, err := e.store.AchieveGoals(ctx, roomID, slices.Compact(slices.Sorted(slices.Values(goalIDs))), messageID, e.now().UTC())
	if err != nil {
		return nil, Internal(err)
	}
	return goals, nil
}

// normalizeGoals returns texts trimmed of surrounding white space, or nil
// for nil (no change).
func normalizeGoals(texts *[]string) *[]string {
	if texts == nil {
		return nil
	}
	out := make([]string, len(*texts))
	for i, t := range *texts {
		out[i] = strings.TrimSpace(t)
	}
	return &out
}

// validateGoals checks a room's goals, normalized: at most MaxRoomGoals, each
// present, one line and at most MaxGoalRunes characters.
func validateGoals(texts []string) error {
	if len(texts) > MaxRoomGoals {
		return invalidBecause(ReasonTooMany, "goals", "A room has at most %d goals.", MaxRoomGoals)
	}
	for _, t := range texts {
		if err := checkText("goals", t, MaxGoalRunes, true); err != nil {
			return err
		}
		if strings.ContainsAny(t, "\r\n") {
			return invalidBecause(ReasonBadText, "goals", "A goal is one line.")
		}
	}
	return nil
}

// openGoals returns the goals of texts, all open, ready to store.
func openGoals(texts []string) []Goal {
	goals := make([]Goal, len(texts))
	for i, t := range texts {
		goals[i] = Goal{Text: t}
	}
	return goals
}

// fromScenario returns in with the scenario it names applied: the situation
// and both roles from the scenario in the learner's locale, its goals in that
// locale, its title when in has none, and the suitable level nearest to
// DefaultLevel when in chooses none. A room made from a scenario takes none of
// those fields from in. Without a scenario, in is returned as it is.
func (e *Engine) fromScenario(in RoomInput) (RoomInput, error) {
	id := strings.TrimSpace(in.ScenarioID)
	if id == "" {
		in.ScenarioID = ""
		return in, nil
	}
	s, err := e.FindScenario(id)
	if err != nil {
		return in, Invalid("scenario_id", "There is no scenario %q.", truncateRunes(id, 64))
	}
	for _, f := range []struct {
		name string
		set  bool
	}{{"situation", in.Situation != ""}, {"user_role", in.UserRole != ""}, {"bot_role", in.BotRole != ""}, {"goals", len(in.Goals) > 0}} {
		if f.set {
			return in, Invalid(f.name, "A room made from a scenario takes its situation, roles and goals from it: leave %s out.", f.name)
		}
	}
	t := s.In(in.Locale)
	in.ScenarioID, in.Situation, in.UserRole, in.BotRole, in.Goals = s.ID, t.Situation, t.UserRole, t.BotRole, t.Goals
	if strings.TrimSpace(in.Title) == "" {
		in.Title = t.Title
	}
	if strings.TrimSpace(in.Level) == "" {
		in.Level = string(s.nearestLevel(DefaultLevel))
	}
	return in, nil
}
