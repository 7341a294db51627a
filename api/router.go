// Package api is chatplay's HTTP surface: a Gin router with the JSON API under
// /api/v1, its OpenAPI document, the health endpoints, and whatever other
// surfaces mount on the same listener. Handlers decode, call the engine, and
// encode; the rules live in the engine.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// Deps are what the router serves.
type Deps struct {
	Engine *engine.Engine
	// Sessions keeps web sign-ins and refresh tokens (the sqlstore).
	Sessions engine.SessionStore
	// Ready reports whether the service can take traffic (the database answers).
	Ready func(ctx context.Context) error
	// Components, when set, returns the state of the service's other parts
	// (the model, the chat bots) by name, which /readyz shows beside the
	// database's. One that is not well makes the service "degraded", never
	// unready: only the database does.
	Components func() map[string]Component
	// Metrics, when set, counts every request the router answers.
	Metrics RequestObserver
	// MetricsHandler, when set, is served at GET /metrics (the Prometheus
	// metrics, when they are on this listener).
	MetricsHandler http.Handler
	Logger         *slog.Logger
	// Auth configures accounts, tokens, cookies, CORS and request limits.
	Auth Config
	// Routes are other surfaces' endpoints (a Telegram webhook, a Discord
	// interactions endpoint), mounted as they are, outside /api.
	Routes []Route
	// Now is the clock; time.Now by default.
	Now func() time.Time
}

// Route is an endpoint another surface mounts on the service's listener. Its
// Handler gets the request untouched: no API middleware runs before it.
type Route struct {
	Method  string
	Path    string // a Gin path, e.g. /telegram/webhook
	Handler http.Handler
}

// apiPrefix is the base path of the JSON API.
const apiPrefix = "/api/v1"

// NewRouter returns the HTTP handler of the whole service. It panics on an
// invalid Config (check it with Config.Validate first) or a Route that clashes
// with another.
func NewRouter(d Deps) *gin.Engine {
	r, _ := newRouter(d)
	return r
}

// newRouter returns the router of d and its handlers.
func newRouter(d Deps) (*gin.Engine, *handlers) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Engine == nil || d.Sessions == nil {
		panic("api: Deps.Engine and Deps.Sessions are required")
	}
	if err := d.Auth.Validate(); err != nil {
		panic("api: " + err.Error())
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(d.Auth.TrustedProxies); err != nil {
		panic("api: trusted proxies: " + err.Error())
	}
	h := newHandlers(d)
	if d.Metrics != nil { // first: it sees the status of a recovered panic
		r.Use(observeRequests(d.Metrics, d.Now))
	}
	r.Use(noSniff, gin.Recovery(), h.cors) // cors answers preflights, which match no route
	r.NoRoute(h.noRoute)

	r.GET("/healthz", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	r.GET("/readyz", readyz(d))
	if d.MetricsHandler != nil {
		r.GET("/metrics", gin.WrapH(d.MetricsHandler))
	}
	r.GET("/api/openapi.json", serveOpenAPI)

	v1 := r.Group(apiPrefix, h.limitBody)
	v1.GET("/meta", h.meta)
	v1.GET("/scenarios", h.listScenarios)
	auth := v1.Group("/auth")
	auth.POST("/signup", h.signup)
	auth.POST("/login", h.login)
	auth.POST("/refresh", h.refresh)

	user := v1.Group("", h.authenticate)
	user.POST("/auth/logout", h.logout)
	user.GET("/auth/me", h.me)
	user.PATCH("/auth/me", h.updateMe)
	user.DELETE("/auth/me", h.deleteMe)
	user.GET("/rooms", h.listRooms)
	user.POST("/rooms", h.createRoom)
	user.GET("/rooms/:id", h.getRoom)
	user.PATCH("/rooms/:id", h.updateRoom)
	user.DELETE("/rooms/:id", h.deleteRoom)
	user.GET("/rooms/:id/messages", h.listMessages)
	user.GET("/rooms/:id/events", h.roomEvents)
	user.POST("/rooms/:id/messages", h.sendMessage)
	user.POST("/rooms/:id/regenerate", h.regenerate)
	user.POST("/rooms/:id/reset", h.resetRoom)
	user.POST("/rooms/:id/open", h.openScene)
	user.POST("/rooms/:id/hint", h.hint)
	user.POST("/rooms/:id/messages/:message_id/translate", h.translate)
	user.POST("/rooms/:id/end", h.endScene)
	user.GET("/reports", h.listReports)
	user.GET("/reports/:id", h.getReport)
	user.GET("/vocabulary", h.listVocabulary)
	user.GET("/usage", h.usage)
	user.POST("/link-codes", h.createLinkCode)
	user.POST("/identities/link", h.linkIdentity)
	user.DELETE("/identities/:provider", h.unlinkIdentity)

	for _, rt := range d.Routes {
		r.Handle(rt.Method, rt.Path, gin.WrapH(rt.Handler))
	}
	return r, h
}
