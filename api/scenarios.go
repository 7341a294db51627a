package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"

	"github.com/chatplay/chatplay/engine"
)

// ScenarioResponse is a built-in scenario in the learner's own language.
type ScenarioResponse struct {
	ID          string   `json:"id"`
	Theme       string   `json:"theme"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Situation   string   `json:"situation"`
	UserRole    string   `json:"user_role"`
	BotRole     string   `json:"bot_role"`
	Goals       []string `json:"goals"`
	Levels      []string `json:"levels"` // beginner first
}

// ScenarioList is the scenario gallery, in Locale.
type ScenarioList struct {
	Locale    string             `json:"locale"` // the language of the texts: ko, en or ja
	Scenarios []ScenarioResponse `json:"scenarios"`
}

func newScenarioResponse(s *engine.Scenario, locale string) ScenarioResponse {
	t := s.In(locale)
	levels := make([]string, len(t.Levels))
	for i, l := range t.Levels {
		levels[i] = string(l)
	}
	return ScenarioResponse{ID: t.ID, Theme: string(t.Theme), Title: t.Title, Description: t.Description, Situation: t.Situation,
		UserRole: t.UserRole, BotRole: t.BotRole, Goals: t.Goals, Levels: levels}
}

// listScenarios answers the built-in scenarios that suit ?level= and have
// ?theme= (both optional), in the learner's own language (see scenarioLocale).
func (h *handlers) listScenarios(c *gin.Context) {
	list, err := h.eng.ListScenarios(c.Query("level"), c.Query("theme"))
	if err != nil {
		h.abortWith(c, err)
		return
	}
	locale := h.scenarioLocale(c)
	out := ScenarioList{Locale: locale, Scenarios: make([]ScenarioResponse, len(list))}
	for i, s := range list {
		out.Scenarios[i] = newScenarioResponse(s, locale)
	}
	c.Header("Vary", "Accept-Language, Authorization, Cookie")
	c.JSON(http.StatusOK, out)
}

// interfaceLanguages are the engine's SupportedLocales as tags, English first:
// the fallback of the Accept-Language match.
var interfaceLanguages = []language.Tag{language.English, language.Korean, language.Japanese}

// scenarioLocale returns the interface language (ko, en or ja) a scenario
// list is written in: ?locale=, else the signed-in caller's stored locale
// (when the request carries a valid access token), else the best match of
// Accept-Language, else English.
func (h *handlers) scenarioLocale(c *gin.Context) string {
	if q := strings.TrimSpace(c.Query("locale")); q != "" {
		return engine.NormalizeLocale(q)
	}
	if id := h.signedInUser(c); id != 0 {
		if u, err := h.eng.FindUser(c.Request.Context(), id); err == nil {
			return engine.NormalizeLocale(u.Locale)
		}
	}
	if header := c.GetHeader("Accept-Language"); header != "" {
		tag, _ := language.MatchStrings(language.NewMatcher(interfaceLanguages), header)
		base, _ := tag.Base()
		return engine.NormalizeLocale(base.String())
	}
	return "en"
}

// signedInUser returns the id of the caller of a public route when the
// request carries a valid access token of an active sign-in (header or
// cookie), else 0. It never refuses the request.
func (h *handlers) signedInUser(c *gin.Context) int64 {
	raw := bearerToken(c.GetHeader("Authorization"))
	if raw == "" {
		raw, _ = c.Cookie(cookieAccess)
	}
	if raw == "" {
		return 0
	}
	id, sid, err := h.tokens.parseAccess(raw)
	if err != nil {
		return 0
	}
	sess, err := h.sessions.FindSession(c.Request.Context(), sid)
	if err != nil || sess.UserID != id || !sess.Active(h.now()) {
		return 0
	}
	return id
}

// GoalResponse is one goal of a room.
type GoalResponse struct {
	ID         int64      `json:"id"`
	Text       string     `json:"text"`
	Achieved   bool       `json:"achieved"`
	AchievedAt *time.Time `json:"achieved_at"`
	MessageID  *int64     `json:"message_id"` // the learner line that achieved it
}

func newGoalResponses(goals []engine.Goal) []GoalResponse {
	out := make([]GoalResponse, len(goals))
	for i, g := range goals {
		out[i] = GoalResponse{ID: g.ID, Text: g.Text, Achieved: g.Achieved, AchievedAt: g.AchievedAt, MessageID: g.MessageID}
	}
	return out
}

// scenarioRoomInput completes in, a room to create from body, with the
// scenario and goals fields: a room made from a scenario reads its texts in
// the caller's stored locale.
func (h *handlers) scenarioRoomInput(c *gin.Context, body roomRequest, in *engine.RoomInput) error {
	if body.Goals != nil {
		in.Goals = *body.Goals
	}
	if body.ScenarioID == nil || strings.TrimSpace(*body.ScenarioID) == "" {
		return nil
	}
	u, err := h.eng.FindUser(c.Request.Context(), userID(c))
	if err != nil {
		return err
	}
	in.ScenarioID, in.Locale = *body.ScenarioID, u.Locale
	return nil
}
