package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// MetaBody is what a client needs to know before it builds a form: the
// languages a room can be played in, the CEFR levels it may be set to, the
// models it may choose and the length limits the server enforces.
type MetaBody struct {
	Languages    []string   `json:"languages"`
	Levels       []string   `json:"levels"`        // beginner first
	DefaultLevel string     `json:"default_level"` // a new room's level when none is chosen
	Models       MetaModels `json:"models"`
	Limits       MetaLimits `json:"limits"`
}

// MetaModels are the default model and the others a room may choose.
type MetaModels struct {
	Default string   `json:"default"`
	Allowed []string `json:"allowed"`
}

// MetaLimits are the server's length caps, in characters, and its largest page.
type MetaLimits struct {
	Message     int `json:"message"`
	Title       int `json:"title"`
	Situation   int `json:"situation"`
	Role        int `json:"role"`
	DisplayName int `json:"display_name"`
	PageSize    int `json:"page_size"`
	Goal        int `json:"goal"`  // one goal of a room
	Goals       int `json:"goals"` // how many goals a room may have
}

// meta answers GET /api/v1/meta, from the engine's configuration.
func (h *handlers) meta(c *gin.Context) {
	cfg := h.eng.Config()
	allowed := cfg.Models.Choices
	if allowed == nil {
		allowed = []string{}
	}
	var levels []string
	for _, l := range engine.Levels() {
		levels = append(levels, string(l))
	}
	c.JSON(http.StatusOK, MetaBody{
		Languages:    engine.LanguageCodes(),
		Levels:       levels,
		DefaultLevel: string(engine.DefaultLevel),
		Models:       MetaModels{Default: cfg.Models.Default, Allowed: allowed},
		Limits: MetaLimits{Message: cfg.Limits.MaxMessageRunes, Title: cfg.Limits.MaxTitleRunes,
			Situation: cfg.Limits.MaxSituationRunes, Role: cfg.Limits.MaxRoleRunes,
			DisplayName: engine.MaxDisplayNameRunes, PageSize: cfg.Limits.MaxPageSize,
			Goal: engine.MaxGoalRunes, Goals: engine.MaxRoomGoals},
	})
}
