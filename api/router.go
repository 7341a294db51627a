// Package api is chatplay's HTTP surface: a Gin router with the JSON API and
// the health endpoints. Handlers decode, call the engine, and encode.
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
	// Ready reports whether the service can take traffic (the database answers).
	Ready  func(ctx context.Context) error
	Logger *slog.Logger
}

// NewRouter returns the HTTP handler of the whole service.
func NewRouter(d Deps) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/healthz", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	r.GET("/readyz", func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if d.Ready != nil {
			if err := d.Ready(ctx); err != nil {
				d.Logger.Warn("api: not ready", "err", err)
				c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
				return
			}
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	})
	return r
}
