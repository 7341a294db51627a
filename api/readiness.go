package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// Readiness statuses: of the service as a whole (/readyz's "status"), and
// of the database component.
const (
	StatusReady       = "ready"       // every component is well
	StatusDegraded    = "degraded"    // the service serves, but some component is not well
	StatusUnavailable = "unavailable" // the database does not answer: the service cannot serve
	StatusOK          = "ok"          // a component is well
)

// readyPingTimeout bounds /readyz's database ping: a database slower than
// this to answer a ping is not ready to serve turns either.
const readyPingTimeout = time.Second

// Component is one part of the service as /readyz shows it: its status
// ("ok", "connected", "retrying", "not_configured", …) and, when it is not
// well, a short reason free of secrets.
type Component struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// Shards, for a component split in shards (the Discord gateway), is the
	// part this replica runs; nil for the others.
	Shards *ComponentShards `json:"shards,omitempty"`
	// Degraded marks a component that is not well (a bot retrying, the model
	// failing): the service is then "degraded", still ready for traffic.
	Degraded bool `json:"-"`
}

// ComponentShards is the part of a component split in shards that one
// replica runs: its shards of all there are.
type ComponentShards struct {
	Owned []int `json:"owned"`
	Count int   `json:"count"`
}

// readiness is the /readyz document.
type readiness struct {
	Status     string               `json:"status"`
	Components map[string]Component `json:"components"`
}

// readyz answers the readiness document: 503 only when the database does
// not answer, the one thing the service cannot serve without; "degraded"
// (200) when another component is not well.
func readyz(d Deps) gin.HandlerFunc {
	return func(c *gin.Context) { answerReadiness(c, d) }
}

// answerReadiness checks each component of d and answers the document.
func answerReadiness(c *gin.Context, d Deps) {
	doc := readiness{Status: StatusReady, Components: map[string]Component{}}
	if d.Components != nil {
		for name, comp := range d.Components() {
			doc.Components[name] = comp
			if comp.Degraded {
				doc.Status = StatusDegraded
			}
		}
	}
	db := Component{Status: StatusOK}
	if d.Ready != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), readyPingTimeout)
		defer cancel()
		if err := d.Ready(ctx); err != nil {
			d.Logger.Warn("api: database not ready", "err", err)
			db = Component{Status: StatusUnavailable, Error: "the database does not answer", Degraded: true}
			if errors.Is(err, context.DeadlineExceeded) {
				db.Error = "the database did not answer within " + readyPingTimeout.String()
			}
			doc.Status = StatusUnavailable
		}
	}
	doc.Components["database"] = db
	code := http.StatusOK
	if doc.Status == StatusUnavailable {
		code = http.StatusServiceUnavailable
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(code, doc)
}
