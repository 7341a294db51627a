package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// GET /meta tells clients the server's own languages, models and limits, as
// configured, without signing in.
func TestMeta(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Parallel()
		ts := newServer(t, db, func(e *engine.Config, _ *api.Config) {
			e.Limits.MaxMessageRunes, e.Limits.MaxSituationRunes = 321, 654
			e.Models = engine.ModelPolicy{Default: "small", Choices: []string{"large"}}
		})
		var meta api.MetaBody
		ts.anon().must(http.StatusOK, "GET", "/api/v1/meta", nil).decode(t, &meta)
		if meta.Limits.Message != 321 || meta.Limits.Situation != 654 || meta.Limits.DisplayName != engine.MaxDisplayNameRunes {
			t.Errorf("limits = %+v", meta.Limits)
		}
		if meta.Models.Default != "small" || !slices.Equal(meta.Models.Allowed, []string{"large"}) {
			t.Errorf("models = %+v", meta.Models)
		}
		if !slices.Equal(meta.Languages, engine.LanguageCodes()) {
			t.Errorf("languages = %v", meta.Languages)
		}
	})
}
