package api

// The OpenAPI paths and schemas of scenes' ends: the end-of-scene report,
// the reports and the vocabulary list.

// scenesPaths are the paths of reports and the vocabulary list.
func scenesPaths() obj {
	reportID := param("id", "path", "The report's id.", "integer")
	cursor := param("cursor", "query", "next_cursor of the previous page.", "string")
	return obj{
		"/api/v1/rooms/{id}/end": obj{"post": op("End the room's scene: a report of it (summary, goals, recurring mistakes, useful words, next steps) "+
			"written in the caller's own language from the conversation and its feedback, stored. One model call, counted like a turn and in the daily allowance. "+
			"The room stays: reset it to play the scene again.", true, nil,
			obj{"201": jsonResponse("The report.", ref("ReportBody")), "400": errResp("The learner has not said anything yet (reason empty_scene)."),
				"404": respRef("NotFound"), "409": errResp("A reply is still being written in the room (reason busy)."), "429": respRef("RateLimited"),
				"502": errResp("The model refused the request."), "503": respRef("Unavailable")}, roomID)},
		"/api/v1/reports": obj{"get": op("The caller's end-of-scene reports, newest first.", true, nil,
			obj{"200": jsonResponse("A page.", object([]string{"reports", "next_cursor"}, obj{"reports": obj{"type": "array", "items": ref("Report")}, "next_cursor": str("")}))},
			limitQ, cursor)},
		"/api/v1/reports/{id}": obj{"get": op("One report.", true, nil,
			obj{"200": jsonResponse("The report.", ref("ReportBody")), "404": respRef("NotFound")}, reportID)},
		"/api/v1/vocabulary": obj{"get": op("The words and phrases of all the caller's reports, newest first, each with its scene; "+
			"with format=tsv, all of them as a file to import into Anki: one word a line, front (term) TAB back (meaning) TAB example, "+
			"tabs and line breaks inside a field turned into spaces.", true, nil,
			obj{"200": obj{"description": "A page (JSON), or the whole list (format=tsv, as an attachment).", "content": obj{
				"application/json": obj{"schema": object([]string{"vocabulary", "next_cursor"}, obj{
					"vocabulary": obj{"type": "array", "items": ref("VocabularyEntry")}, "next_cursor": str("")})},
				"text/tab-separated-values": obj{"schema": obj{"type": "string"}}}},
				"400": respRef("Invalid")},
			limitQ, cursor, obj{"name": "format", "in": "query", "description": "json (the default) or tsv.", "required": false,
				"schema": obj{"type": "string", "enum": []string{"json", "tsv"}}})},
	}
}

// scenesSchemas are the schemas of reports and the vocabulary list.
func scenesSchemas() obj {
	roomRef := obj{"type": "integer", "nullable": true, "description": "The room of the scene; null once the room is deleted (reports outlive it)."}
	item := object([]string{"term", "meaning", "example"}, obj{
		"term": str("The word or phrase, in the room's language."), "meaning": str("Its meaning, in the learner's language."),
		"example": str("The sentence of the scene it came from.")})
	report := object([]string{"id", "room_id", "scenario_id", "scene", "summary", "goals", "mistakes", "vocabulary", "next_steps", "language", "created_at"}, obj{
		"id": obj{"type": "integer"}, "room_id": roomRef,
		"scenario_id": obj{"type": "string", "nullable": true, "description": "The built-in scenario of the scene; null for a custom room."},
		"scene":       str("The room's title when the report was made."),
		"summary":     str("A short summary of the scene, in the learner's language."),
		"goals": obj{"type": "array", "description": "The room's goals as stored when the report was made.", "items": object([]string{"text", "achieved"}, obj{
			"text": str(""), "achieved": obj{"type": "boolean"}})},
		"mistakes": obj{"type": "array", "description": "The learner's recurring mistakes, grouped by kind.", "items": object([]string{"kind", "original", "better", "explanation"}, obj{
			"kind": obj{"type": "string", "enum": issueKinds()}, "original": str("An example, as the learner wrote it."),
			"better": str("The better phrasing."), "explanation": str("Why, in the learner's language.")})},
		"vocabulary": obj{"type": "array", "description": "Useful words and phrases of the scene (5 to 15).", "items": item},
		"next_steps": obj{"type": "array", "description": "One or two things to practise next.", "items": str("")},
		"language":   str("The learner's language the report is written in."),
		"created_at": obj{"type": "string", "format": "date-time"}})
	entry := object([]string{"term", "meaning", "example", "report_id", "room_id", "scene", "created_at"}, obj{
		"term": str("In the room's language."), "meaning": str("In the learner's language."), "example": str("The sentence of the scene it came from."),
		"report_id": obj{"type": "integer"}, "room_id": roomRef, "scene": str("The room's title when the report was made."),
		"created_at": obj{"type": "string", "format": "date-time"}})
	return obj{"Report": report, "ReportBody": object([]string{"report"}, obj{"report": ref("Report")}), "VocabularyEntry": entry}
}
