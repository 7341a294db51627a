package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// /readyz is 503 only when the database does not answer; another component
// that is not well makes it degraded, still 200; each component shows.
func TestReadinessStates(t *testing.T) {
	well := map[string]api.Component{
		"model":    {Status: "ok"},
		"telegram": {Status: "connected"},
		"discord":  {Status: "not_configured"},
	}
	retrying := map[string]api.Component{
		"model":    {Status: "ok"},
		"telegram": {Status: "retrying", Error: "getMe: 502 Bad Gateway", Degraded: true},
		"discord":  {Status: "connected"},
	}
	down := func(ctx context.Context) error {
		return errors.New("dial tcp 10.0.0.5:5432: connection refused (password=hunter2)")
	}
	slow := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	tests := []struct {
		name       string
		ready      func(ctx context.Context) error
		components map[string]api.Component
		code       int
		status     string
		dbStatus   string
	}{
		{"all well", nil, well, http.StatusOK, "ready", "ok"},
		{"a bot retrying", nil, retrying, http.StatusOK, "degraded", "ok"},
		{"database down", down, well, http.StatusServiceUnavailable, "unavailable", "unavailable"},
		{"database down and a bot retrying", down, retrying, http.StatusServiceUnavailable, "unavailable", "unavailable"},
		{"database too slow", slow, well, http.StatusServiceUnavailable, "unavailable", "unavailable"},
	}
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ts := newServer(t, db)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ready := tt.ready
				if ready == nil {
					ready = db.Ping
				}
				router := api.NewRouter(api.Deps{Engine: ts.eng, Sessions: db, Auth: ts.cfg, Ready: ready,
					Components: func() map[string]api.Component { return tt.components }})
				rec := newRecorder()
				router.ServeHTTP(rec, newRequest("GET", "/readyz"))
				var doc struct {
					Status     string
					Components map[string]map[string]any
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
					t.Fatal(err)
				}
				if rec.Code != tt.code || doc.Status != tt.status || doc.Components["database"]["status"] != tt.dbStatus {
					t.Fatalf("/readyz = %d %s", rec.Code, rec.Body)
				}
				for name, want := range tt.components {
					got := doc.Components[name]
					if got["status"] != want.Status || (want.Error != "" && got["error"] != want.Error) {
						t.Errorf("component %s = %v, want %+v", name, got, want)
					}
					if _, ok := got["Degraded"]; ok {
						t.Errorf("component %s shows its internal flag: %v", name, got)
					}
				}
				if tt.dbStatus != "ok" && (doc.Components["database"]["error"] == "" || contains(rec.Body.String(), "hunter2", "10.0.0.5")) {
					t.Errorf("the database's error must be short and say nothing of its address or credentials: %s", rec.Body)
				}
			})
		}
	})
}

// contains reports whether s contains any of subs.
func contains(s string, subs ...string) bool {
	return slices.ContainsFunc(subs, func(sub string) bool { return strings.Contains(s, sub) })
}
