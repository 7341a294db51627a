package api

import (
	"time"

	"github.com/gin-gonic/gin"
)

// RequestObserver counts the service's HTTP requests (the Prometheus metrics
// implement it).
type RequestObserver interface {
	// HTTPRequest is called once a request has been answered, with its
	// method, the route template it matched (e.g. /api/v1/rooms/:id; never
	// the path, which carries ids), its status and how long it took.
	HTTPRequest(method, route string, status int, took time.Duration)
}

// unmatchedRoute is the route of requests no route matched.
const unmatchedRoute = "unmatched"

// observeRequests returns the middleware reporting each request to o.
func observeRequests(o RequestObserver, now func() time.Time) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = unmatchedRoute
		}
		o.HTTPRequest(c.Request.Method, route, c.Writer.Status(), now().Sub(start))
	}
}
