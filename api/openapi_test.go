package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// The OpenAPI document and the router's real route table list the same
// operations: a route added to one and not the other fails here.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db)
		var doc struct {
			OpenAPI string                                `json:"openapi"`
			Paths   map[string]map[string]json.RawMessage `json:"paths"`
		}
		ts.anon().must(http.StatusOK, "GET", "/api/openapi.json", nil).decode(t, &doc)
		if !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Fatalf("openapi = %q", doc.OpenAPI)
		}
		var documented []string
		for path, ops := range doc.Paths {
			for method := range ops {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
		param := regexp.MustCompile(`:(\w+)`)
		var routed []string
		for _, r := range ts.router.Routes() {
			routed = append(routed, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
		}
		slices.Sort(documented)
		slices.Sort(routed)
		if !slices.Equal(documented, routed) {
			t.Errorf("OpenAPI and router differ:\ndocumented %v\nrouted     %v", documented, routed)
		}
		// Every $ref resolves.
		raw := ts.anon().do("GET", "/api/openapi.json", nil).body
		var full map[string]any
		json.Unmarshal(raw, &full)
		for _, m := range regexp.MustCompile(`"\$ref":"#/components/(\w+)/(\w+)"`).FindAllStringSubmatch(string(raw), -1) {
			if _, ok := full["components"].(map[string]any)[m[1]].(map[string]any)[m[2]]; !ok {
				t.Errorf("dangling $ref %s/%s", m[1], m[2])
			}
		}
	})
}

// Other surfaces' routes are mounted as they are, outside the API's rules.
func TestMountedRoutes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()

		ts := newServer(t, db)
		called := false
		cfg := ts.cfg
		router := api.NewRouter(api.Deps{Engine: ts.eng, Sessions: db, Auth: cfg, Routes: []api.Route{{
			Method: "POST", Path: "/telegram/webhook",
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true; w.WriteHeader(http.StatusAccepted) }),
		}}})
		rec := newRecorder()
		router.ServeHTTP(rec, newRequest("POST", "/telegram/webhook"))
		if rec.Code != http.StatusAccepted || !called {
			t.Fatalf("mounted route: %d, called %v", rec.Code, called)
		}
	})
}
