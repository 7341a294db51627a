package api

import (
	"time"

	"github.com/chatplay/chatplay/engine"
)

// UserResponse is a user as the API shows it: never a password hash.
type UserResponse struct {
	ID          int64     `json:"id"`
	Email       *string   `json:"email"`
	DisplayName string    `json:"display_name"`
	Locale      string    `json:"locale"`
	CreatedAt   time.Time `json:"created_at"`
	// Identities are the linked chat-platform accounts; only GET and PATCH
	// /auth/me list them.
	Identities *[]IdentityResponse `json:"identities,omitempty"`
}

func newUserResponse(u *engine.User) UserResponse {
	return UserResponse{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Locale: u.Locale, CreatedAt: u.CreatedAt}
}

// AuthResponse answers signup, login and refresh. RefreshToken is also set as
// an HttpOnly cookie; API clients keep it from the body.
type AuthResponse struct {
	User         UserResponse `json:"user"`
	AccessToken  string       `json:"access_token"`
	TokenType    string       `json:"token_type"` // Bearer
	ExpiresIn    int          `json:"expires_in"` // seconds
	RefreshToken string       `json:"refresh_token"`
}

// UserBody wraps a user.
type UserBody struct {
	User UserResponse `json:"user"`
}

// RoomResponse is a room as its owner sees it.
type RoomResponse struct {
	ID        int64   `json:"id"`
	Title     string  `json:"title"`
	Language  string  `json:"language"`
	Situation string  `json:"situation"`
	UserRole  string  `json:"user_role"`
	BotRole   string  `json:"bot_role"`
	Model     *string `json:"model"`
	Level     string  `json:"level"`    // A1 … C2
	Feedback  bool    `json:"feedback"` // whether the learner's lines get corrections
	// FeedbackHidden: the corrections are shown behind a button (a marker
	// that does not tell a fine line from a corrected one) rather than at once.
	FeedbackHidden bool `json:"feedback_hidden"`
	// ScenarioID is the built-in scenario the room was made from; null: custom.
	ScenarioID *string        `json:"scenario_id"`
	Goals      []GoalResponse `json:"goals"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

func newRoomResponse(r *engine.Room) RoomResponse {
	return RoomResponse{ID: r.ID, Title: r.Title, Language: r.Language, Situation: r.Situation, UserRole: r.UserRole,
		BotRole: r.BotRole, Model: r.Model, Level: string(r.Level), Feedback: r.Feedback, FeedbackHidden: r.FeedbackHidden,
		ScenarioID: r.ScenarioID, Goals: newGoalResponses(r.Goals), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// RoomBody wraps a room.
type RoomBody struct {
	Room RoomResponse `json:"room"`
}

// RoomList is a page of rooms; NextCursor is "" on the last page.
type RoomList struct {
	Rooms      []RoomResponse `json:"rooms"`
	NextCursor string         `json:"next_cursor"`
}

// MessageResponse is one message of a conversation.
type MessageResponse struct {
	ID         int64     `json:"id"`
	RoomID     int64     `json:"room_id"`
	Role       string    `json:"role"`
	Content    string    `json:"content"`
	Status     string    `json:"status"`
	ErrorCode  string    `json:"error_code,omitempty"`
	Source     string    `json:"source"`
	TokenCount int       `json:"token_count"`
	CreatedAt  time.Time `json:"created_at"`
	// Feedback is the coach's feedback on a user message in a room with
	// feedback on; null for replies and in rooms with feedback off.
	Feedback *FeedbackResponse `json:"feedback"`
}

func newMessageResponse(m *engine.Message) *MessageResponse {
	if m == nil {
		return nil
	}
	return &MessageResponse{ID: m.ID, RoomID: m.RoomID, Role: string(m.Role), Content: m.Content, Status: string(m.Status),
		ErrorCode: string(m.ErrorCode), Source: string(m.Source), TokenCount: m.TokenCount, CreatedAt: m.CreatedAt,
		Feedback: newFeedbackResponse(m.Feedback)}
}

// MessageList is a page of a conversation, oldest first; NextCursor leads to
// the older page ("" at the start of the conversation).
type MessageList struct {
	Messages   []*MessageResponse `json:"messages"`
	NextCursor string             `json:"next_cursor"`
}

// TurnResponse answers a chat turn: the user's message (absent for a
// regeneration or an opening) and the complete reply.
type TurnResponse struct {
	Message *MessageResponse `json:"message,omitempty"`
	Reply   *MessageResponse `json:"reply"`
}

// UsageRow is one day's token use with one model, from one surface, for
// one kind of call.
type UsageRow struct {
	Day              string `json:"day"`
	Model            string `json:"model"`
	Surface          string `json:"surface"`
	Kind             string `json:"kind"`
	Calls            int    `json:"calls"`
	PromptTokens     int64  `json:"prompt_tokens"`
	CompletionTokens int64  `json:"completion_tokens"`
}

// UsageBody is the caller's usage, newest day first.
type UsageBody struct {
	Days  int        `json:"days"`
	Usage []UsageRow `json:"usage"`
}
