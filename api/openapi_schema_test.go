package api

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
)

// The OpenAPI document's schemas name the same fields as the types the
// handlers encode and decode: a field added to one and not the other fails
// here.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	doc := openAPIDocument()
	schemas := dig(doc, "components", "schemas")
	paths := dig(doc, "paths")
	body := func(path, method string) obj {
		return dig(paths, path, method, "requestBody", "content", "application/json", "schema")
	}
	response := func(path, method, status string) obj {
		return dig(paths, path, method, "responses", status, "content", "application/json", "schema")
	}
	for _, tt := range []struct {
		name   string
		schema obj
		typ    any
	}{
		{"Room", dig(schemas, "Room"), RoomResponse{}},
		{"User", dig(schemas, "User"), UserResponse{}},
		{"Identity", dig(schemas, "Identity"), IdentityResponse{}},
		{"LinkCode", dig(schemas, "LinkCode"), LinkCodeResponse{}},
		{"POST /identities/link body", body("/api/v1/identities/link", "post"), linkRequest{}},
		{"Message", dig(schemas, "Message"), MessageResponse{}},
		{"Goal", dig(schemas, "Goal"), GoalResponse{}},
		{"Scenario", dig(schemas, "Scenario"), ScenarioResponse{}},
		{"GET /scenarios answer", response("/api/v1/scenarios", "get", "200"), ScenarioList{}},
		{"Feedback", dig(schemas, "Feedback"), FeedbackResponse{}},
		{"Feedback item", dig(schemas, "Feedback", "properties", "items", "items"), engine.FeedbackItem{}},
		{"HintBody", dig(schemas, "HintBody"), HintBody{}},
		{"Hint", dig(schemas, "HintBody", "properties", "hint"), HintResponse{}},
		{"Hint line", dig(schemas, "HintBody", "properties", "hint", "properties", "lines", "items"), HintLine{}},
		{"TranslationBody", dig(schemas, "TranslationBody"), TranslationBody{}},
		{"Translation", dig(schemas, "TranslationBody", "properties", "translation"), TranslationResponse{}},
		{"POST /rooms/{id}/hint body", body("/api/v1/rooms/{id}/hint", "post"), languageRequest{}},
		{"POST translate body", body("/api/v1/rooms/{id}/messages/{message_id}/translate", "post"), languageRequest{}},
		{"POST /rooms body", body("/api/v1/rooms", "post"), roomRequest{}},
		{"PATCH /rooms/{id} body", body("/api/v1/rooms/{id}", "patch"), roomRequest{}},
		{"PATCH /auth/me body", body("/api/v1/auth/me", "patch"), updateMeRequest{}},
		{"GET /meta answer", response("/api/v1/meta", "get", "200"), MetaBody{}},
		{"Readiness", dig(schemas, "Readiness"), readiness{}},
		{"Report", dig(schemas, "Report"), ReportResponse{}},
		{"ReportBody", dig(schemas, "ReportBody"), ReportBody{}},
		{"Report goal", dig(schemas, "Report", "properties", "goals", "items"), engine.ReportGoal{}},
		{"Report mistake", dig(schemas, "Report", "properties", "mistakes", "items"), engine.ReportMistake{}},
		{"Report word", dig(schemas, "Report", "properties", "vocabulary", "items"), engine.VocabularyItem{}},
		{"GET /reports answer", response("/api/v1/reports", "get", "200"), ReportList{}},
		{"VocabularyEntry", dig(schemas, "VocabularyEntry"), VocabularyEntryResponse{}},
		{"GET /vocabulary answer", response("/api/v1/vocabulary", "get", "200"), VocabularyList{}},
		{"Component", dig(schemas, "Component"), Component{}},
	} {
		var documented []string
		for k := range dig(tt.schema, "properties") {
			documented = append(documented, k)
		}
		slices.Sort(documented)
		if want := jsonFields(reflect.TypeOf(tt.typ)); !slices.Equal(documented, want) {
			t.Errorf("%s: documented %v, the %T fields are %v", tt.name, documented, tt.typ, want)
		}
	}
}

// jsonFields returns the JSON names of a struct type's fields, sorted.
func jsonFields(typ reflect.Type) []string {
	var names []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// dig returns the object at keys inside o, nil when there is none.
func dig(o obj, keys ...string) obj {
	for _, k := range keys {
		next, _ := o[k].(obj)
		if next == nil {
			return nil
		}
		o = next
	}
	return o
}
