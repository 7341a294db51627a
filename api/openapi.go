package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/chatplay/chatplay/engine"
)

// The OpenAPI 3 document of the API, written by hand next to the router; a
// test checks that it and the router's route table list the same operations.

type obj = map[string]any

// themes returns the scenario themes' names.
func themes() []string {
	var out []string
	for _, t := range engine.Themes() {
		out = append(out, string(t))
	}
	return out
}

// ref points at a schema of components.schemas.
func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

// respRef points at a response of components.responses.
func respRef(name string) obj { return obj{"$ref": "#/components/responses/" + name} }

func jsonBody(schema obj) obj {
	return obj{"required": true, "content": obj{"application/json": obj{"schema": schema}}}
}

// jsonBodyOptional is a request body that may be left out.
func jsonBodyOptional(schema obj) obj {
	return obj{"required": false, "content": obj{"application/json": obj{"schema": schema}}}
}

// sources returns the surfaces a message or a model call comes from.
func sources() []string {
	var out []string
	for _, s := range engine.Sources() {
		out = append(out, string(s))
	}
	return out
}

// callKinds returns the kinds of model call of the usage ledger.
func callKinds() []string {
	var out []string
	for _, k := range engine.CallKinds() {
		out = append(out, string(k))
	}
	return out
}

// issueKinds returns the kinds of a feedback item, as the engine names them.
func issueKinds() []string {
	var kinds []string
	for _, k := range engine.IssueKinds() {
		kinds = append(kinds, string(k))
	}
	return kinds
}

func jsonResponse(desc string, schema obj) obj {
	return obj{"description": desc, "content": obj{"application/json": obj{"schema": schema}}}
}

// turnResponses are the answers of a chat turn: JSON, or an event stream.
func turnResponses() obj {
	return obj{
		"201": obj{"description": "The turn is complete (JSON), or the stream of events (Accept: text/event-stream): " +
			"message, reply_started, delta…, then reply or error; then, for a learner's line in a room with feedback on, " +
			"feedback ({message_id, feedback}: the coach's answer, ready or unavailable), sent when the coach is done, at most coach.timeout after the line; " +
			"then, in a room with goals, goals ({goals}: every goal of the room as it stands after the line).",
			"content": obj{
				"application/json":  obj{"schema": ref("Turn")},
				"text/event-stream": obj{"schema": obj{"type": "string"}},
			}},
		"404": respRef("NotFound"), "429": respRef("RateLimited"), "503": respRef("Unavailable"),
	}
}

func op(summary string, auth bool, body obj, responses obj, params ...obj) obj {
	o := obj{"summary": summary, "responses": responses}
	if body != nil {
		o["requestBody"] = body
	}
	if len(params) > 0 {
		o["parameters"] = params
	}
	if !auth {
		o["security"] = []obj{}
	}
	return o
}

func param(name, in, desc, typ string) obj {
	return obj{"name": name, "in": in, "description": desc, "required": in == "path", "schema": obj{"type": typ}}
}

var (
	roomID  = param("id", "path", "The room's id.", "integer")
	limitQ  = param("limit", "query", "Page size; clamped to the server's maximum.", "integer")
	noBody  = obj{"description": "Done."}
	errResp = func(desc string) obj { return jsonResponse(desc, ref("Error")) }
)

func str(desc string) obj { return obj{"type": "string", "description": desc} }

func object(required []string, props obj) obj {
	return obj{"type": "object", "required": required, "properties": props}
}

func openAPIDocument() obj {
	user := object([]string{"id", "email", "display_name", "locale", "created_at"}, obj{
		"id": obj{"type": "integer"}, "email": obj{"type": "string", "nullable": true}, "display_name": str(""),
		"locale": str("The learner's own language: a room language code (ko, en, ja, zh, es, fr or de)."), "created_at": obj{"type": "string", "format": "date-time"},
		"identities": obj{"type": "array", "items": ref("Identity"), "description": "The linked Telegram and Discord accounts, at most one each; only GET and PATCH /auth/me list them."}})
	identity := object([]string{"provider", "username", "linked_at"}, obj{
		"provider": obj{"type": "string", "enum": []string{"telegram", "discord"}}, "username": str("The name on the chat app."),
		"linked_at": obj{"type": "string", "format": "date-time", "nullable": true, "description": "When it was linked with a code."}})
	linkCode := object([]string{"code", "expires_at"}, obj{"code": str("Easy to type: ABCD-EFGH-JK, without 0, O, 1 or I."),
		"expires_at": obj{"type": "string", "format": "date-time"}})
	levels := []string{}
	for _, l := range engine.Levels() {
		levels = append(levels, string(l))
	}
	level := func(desc string) obj { return obj{"type": "string", "enum": levels, "description": desc} }
	room := object([]string{"id", "title", "language", "situation", "user_role", "bot_role", "model", "level", "feedback", "feedback_hidden", "scenario_id", "goals", "created_at", "updated_at"}, obj{
		"id": obj{"type": "integer"}, "title": str(""), "language": str("ko, en, ja, zh, es, fr or de"), "situation": str(""),
		"user_role": str(""), "bot_role": str(""), "model": obj{"type": "string", "nullable": true},
		"level":           level("The learner's CEFR level, which the bot speaks to."),
		"feedback":        obj{"type": "boolean", "description": "Whether the learner's lines get corrections."},
		"feedback_hidden": obj{"type": "boolean", "description": "Whether corrections are shown behind a button rather than at once."},
		"scenario_id":     obj{"type": "string", "nullable": true, "description": "The built-in scenario the room was made from; null for a custom room."},
		"goals":           obj{"type": "array", "items": ref("Goal"), "description": "The scene's goals, in order."},
		"created_at":      obj{"type": "string", "format": "date-time"}, "updated_at": obj{"type": "string", "format": "date-time"}})
	goal := object([]string{"id", "text", "achieved", "achieved_at", "message_id"}, obj{
		"id": obj{"type": "integer"}, "text": str(""), "achieved": obj{"type": "boolean", "description": "Never undone, except by a reset of the room."},
		"achieved_at": obj{"type": "string", "format": "date-time", "nullable": true},
		"message_id":  obj{"type": "integer", "nullable": true, "description": "The learner's line that achieved it; null while open or when that message is gone."}})
	levelList := obj{"type": "array", "items": level("")}
	scenario := object([]string{"id", "theme", "title", "description", "situation", "user_role", "bot_role", "goals", "levels"}, obj{
		"id": str("Stable, kebab-case: the scenario_id of POST /rooms."), "theme": obj{"type": "string", "enum": themes()},
		"title": str(""), "description": str("One line."), "situation": str(""), "user_role": str("The learner's part."),
		"bot_role": str("The bot's part."), "goals": obj{"type": "array", "items": str("A concrete task.")},
		"levels": levelList})
	feedback := object([]string{"status", "corrected", "items", "note"}, obj{
		"status":    obj{"type": "string", "enum": []string{"pending", "ready", "unavailable"}, "description": "pending while the coach works; unavailable when it could not answer."},
		"corrected": str("The corrected line; the line itself when it was fine; empty until ready."),
		"items": obj{"type": "array", "description": "The issues found; empty when the line is fine.", "items": object([]string{"kind", "original", "better", "explanation"}, obj{
			"kind":        obj{"type": "string", "enum": issueKinds()},
			"original":    str("The fragment as the learner wrote it."),
			"better":      str("What a native speaker would say."),
			"explanation": str("Why, in the learner's own language.")})},
		"note": str("A short note in the learner's own language: praise for a fine line, a pointer when it was not in the room's language.")})
	message := object([]string{"id", "room_id", "role", "content", "status", "source", "token_count", "created_at", "feedback"}, obj{
		"id": obj{"type": "integer"}, "room_id": obj{"type": "integer"}, "role": obj{"type": "string", "enum": []string{"user", "assistant"}},
		"content": str(""), "status": obj{"type": "string", "enum": []string{"pending", "complete", "failed"}},
		"error_code": str("Why a failed reply failed."), "source": str("web, telegram or discord"),
		"token_count": obj{"type": "integer"}, "created_at": obj{"type": "string", "format": "date-time"},
		"feedback": obj{"allOf": []obj{ref("Feedback")}, "nullable": true, "description": "The coach's feedback on a user message in a room with feedback on; null otherwise."}})
	language := jsonBodyOptional(object(nil, obj{"language": str("The language to write in: a room language (ko, en, ja, zh, es, fr or de) or a BCP 47 tag of one; the caller's locale (PATCH /auth/me) when absent.")}))
	roomInput := object(nil, obj{"title": str(""), "language": str(""), "situation": str(""), "user_role": str(""),
		"bot_role": str(""), "model": str("Empty: the default model."),
		"level":           str("A CEFR level, A1 to C2, in any case; B1 when a room is created without one."),
		"feedback":        obj{"type": "boolean", "description": "Corrections of the learner's lines; on when a room is created without it."},
		"feedback_hidden": obj{"type": "boolean", "description": "Show corrections behind a button; off when a room is created without it."},
		"scenario_id": str("POST only: make the room from this built-in scenario (GET /api/v1/scenarios). Situation, roles and goals then come from it, " +
			"in the caller's own language (locale), and must be left out; the title defaults to the scenario's, the level to B1 or the scenario's nearest."),
		"goals": obj{"type": "array", "maxItems": engine.MaxRoomGoals, "items": obj{"type": "string", "maxLength": engine.MaxGoalRunes},
			"description": "The room's goals, one line each. On PATCH, they replace the room's goals, all open again ([] removes them)."}})
	createRoom := object([]string{"language"}, roomInput["properties"].(obj))
	createRoom["description"] = "A custom room needs situation, user_role and bot_role; a room made from scenario_id takes them from the scenario."

	doc := obj{
		"openapi": "3.0.3",
		"info": obj{"title": "chatplay API", "version": "1",
			"description": "Role-play conversations with a language model. Authenticate with `Authorization: Bearer <access_token>`, " +
				"or with the HttpOnly cookies set at sign-in plus the X-CSRF-Token header (the chatplay_csrf cookie's value) on unsafe methods."},
		"servers":  []obj{{"url": "/"}},
		"security": []obj{{"bearer": []string{}}},
		"paths": obj{
			"/healthz": obj{"get": op("The process is up.", false, nil, obj{"200": noBody})},
			"/readyz": obj{"get": op("Each component's state: the database (pinged), the model (its last call), the Telegram and Discord bots (their connection). "+
				"503 (unavailable) only when the database does not answer; degraded (200) when another component is not well.", false, nil,
				obj{"200": jsonResponse("Ready or degraded.", ref("Readiness")), "503": jsonResponse("The database does not answer.", ref("Readiness"))})},
			"/metrics": obj{"get": op("Prometheus metrics, in the text exposition format; served here when metrics.enabled is on and metrics.addr is empty.", false, nil,
				obj{"200": obj{"description": "The metrics.", "content": obj{"text/plain": obj{"schema": obj{"type": "string"}}}}})},
			"/api/openapi.json": obj{"get": op("This document.", false, nil, obj{"200": noBody})},
			"/api/v1/auth/signup": obj{"post": op("Create an account and sign in.", false,
				jsonBody(object([]string{"email", "password"}, obj{"email": str(""), "password": str("8 to 128 characters, not a common password."),
					"display_name": str(""), "locale": str("The interface language: ko, en or ja (others become en).")})),
				obj{"201": jsonResponse("Signed in; the auth cookies are set.", ref("Auth")), "400": respRef("Invalid"), "409": errResp("The email is taken."), "429": respRef("RateLimited"),
					"503": errResp("Every password-hashing slot is busy: try again after Retry-After.")})},
			"/api/v1/auth/login": obj{"post": op("Sign in.", false,
				jsonBody(object([]string{"email", "password"}, obj{"email": str(""), "password": str("")})),
				obj{"200": jsonResponse("Signed in; the auth cookies are set.", ref("Auth")), "400": respRef("Invalid"), "401": respRef("Unauthenticated"),
					"429": respRef("RateLimited"), "503": errResp("Every password-hashing slot is busy: try again after Retry-After.")})},
			"/api/v1/auth/refresh": obj{"post": op("Trade a refresh token (body or cookie) for new tokens; a reused one ends its sign-in.", false,
				obj{"required": false, "content": obj{"application/json": obj{"schema": object(nil, obj{"refresh_token": str("")})}}},
				obj{"200": jsonResponse("New tokens.", ref("Auth")), "401": respRef("Unauthenticated")})},
			"/api/v1/auth/logout": obj{"post": op("End this sign-in: its access and refresh tokens stop working at once.", true, nil,
				obj{"204": noBody, "401": respRef("Unauthenticated")})},
			"/api/v1/auth/me": obj{
				"get": op("The caller's account.", true, nil, obj{"200": jsonResponse("The account.", object([]string{"user"}, obj{"user": ref("User")})), "401": respRef("Unauthenticated")}),
				"patch": op("Change the account's settings: the learner's own language, in which explanations and translations are written.", true,
					jsonBody(object([]string{"locale"}, obj{"locale": str("A room language (ko, en, ja, zh, es, fr or de), or a BCP 47 tag of one.")})),
					obj{"200": jsonResponse("The account.", object([]string{"user"}, obj{"user": ref("User")})), "400": respRef("Invalid"), "401": respRef("Unauthenticated")}),
				"delete": op("Delete the account and everything it owns.", true, jsonBody(object([]string{"password"}, obj{"password": str("")})),
					obj{"204": noBody, "400": respRef("Invalid"), "401": respRef("Unauthenticated"), "429": respRef("RateLimited"),
						"503": errResp("Every password-hashing slot is busy: try again after Retry-After.")}),
			},
			"/api/v1/rooms": obj{
				"get": op("The caller's rooms, newest first.", true, nil,
					obj{"200": jsonResponse("A page.", object([]string{"rooms", "next_cursor"}, obj{"rooms": obj{"type": "array", "items": ref("Room")}, "next_cursor": str("")}))},
					limitQ, param("cursor", "query", "next_cursor of the previous page.", "string")),
				"post": op("Create a room.", true, jsonBody(createRoom),
					obj{"201": jsonResponse("The room.", ref("RoomBody")), "400": respRef("Invalid"), "409": errResp("Too many rooms.")}),
			},
			"/api/v1/rooms/{id}": obj{
				"get":    op("One room.", true, nil, obj{"200": jsonResponse("The room.", ref("RoomBody")), "404": respRef("NotFound")}, roomID),
				"patch":  op("Change some of a room's fields.", true, jsonBody(roomInput), obj{"200": jsonResponse("The room.", ref("RoomBody")), "400": respRef("Invalid"), "404": respRef("NotFound")}, roomID),
				"delete": op("Delete a room and its conversation.", true, nil, obj{"204": noBody, "404": respRef("NotFound")}, roomID),
			},
			"/api/v1/rooms/{id}/messages": obj{
				"get": op("A page of the conversation, oldest first.", true, nil,
					obj{"200": jsonResponse("A page.", object([]string{"messages", "next_cursor"}, obj{"messages": obj{"type": "array", "items": ref("Message")}, "next_cursor": str("The before of the older page.")})), "404": respRef("NotFound")},
					roomID, limitQ, param("before", "query", "next_cursor of the newer page.", "string")),
				"post": op("Send a message and get the reply (JSON, or streamed with Accept: text/event-stream).", true,
					jsonBody(object([]string{"content"}, obj{"content": str("")})), turnResponses(), roomID),
			},
			"/api/v1/rooms/{id}/events": obj{"get": op("Follow the room's events as they happen, wherever the turn is played (Server-Sent Events). "+
				"Resume with the Last-Event-ID header (or last_event_id): the stored events after it are replayed from the database (of several events of one message, "+
				"the newest, with the message as it stands), then ready (id: the room's newest event id; data {last_event_id}), then the live events. "+
				"message, reply_started (content: the text so far) and reply (complete, or failed with error_code) carry {message} and an id; "+
				"delta carries {message_id, text} and no id; feedback {message_id, feedback} and goals {goals} an id. "+
				"reload ({}) ends the stream: the client fell behind, asked for an id no longer kept (at most 500 events are replayed), or the history changed "+
				"(a reset, a regeneration, the room deleted): re-read the history and reconnect without an id. A comment line ': ping' comes after 15 s of silence.", true, nil,
				obj{"200": obj{"description": "The stream of the room's events.", "content": obj{"text/event-stream": obj{"schema": obj{"type": "string"}}}},
					"400": respRef("Invalid"), "404": respRef("NotFound")},
				roomID, param("last_event_id", "query", "The id to resume after, when the Last-Event-ID header cannot be set.", "integer"),
				param("Last-Event-ID", "header", "The id to resume after (0 or none: no replay).", "integer"))},
			"/api/v1/rooms/{id}/regenerate": obj{"post": op("Replace the last reply (streamed like a message).", true, nil, turnResponses(), roomID)},
			"/api/v1/rooms/{id}/open":       obj{"post": op("Have the bot open an empty room's scene in character (streamed like a message).", true, nil, turnResponses(), roomID)},
			"/api/v1/rooms/{id}/hint": obj{"post": op("One or two lines the learner could say next, in the room's language and level, each translated. "+
				"A model call: it counts as a turn for the rate limit and its tokens in the daily allowance; nothing is stored.", true, language,
				obj{"200": jsonResponse("The hint.", ref("HintBody")), "400": respRef("Invalid"), "404": respRef("NotFound"), "429": respRef("RateLimited"),
					"502": errResp("The model refused the request."), "503": respRef("Unavailable")}, roomID)},
			"/api/v1/rooms/{id}/messages/{message_id}/translate": obj{"post": op("A message of the room in the learner's language. "+
				"Cached per message and language: asked again, it costs nothing; a new one counts like a hint.", true, language,
				obj{"200": jsonResponse("The translation.", ref("TranslationBody")), "400": respRef("Invalid"), "404": respRef("NotFound"), "429": respRef("RateLimited"),
					"502": errResp("The model refused the request."), "503": respRef("Unavailable")},
				roomID, param("message_id", "path", "The message's id.", "integer"))},
			"/api/v1/rooms/{id}/reset": obj{"post": op("Clear the conversation, keep the room.", true, nil, obj{"204": noBody, "404": respRef("NotFound")}, roomID)},
			"/api/v1/scenarios": obj{"get": op("The built-in scenarios, in the learner's own language: ?locale=, else the signed-in caller's locale "+
				"(when a valid access token is sent), else Accept-Language, else English.", false, nil,
				obj{"200": jsonResponse("The scenarios, in the library's order.", object([]string{"locale", "scenarios"}, obj{
					"locale": str("The language of the texts: ko, en or ja."), "scenarios": obj{"type": "array", "items": ref("Scenario")}})),
					"400": respRef("Invalid")},
				param("level", "query", "Only scenarios that suit this CEFR level.", "string"),
				param("theme", "query", "Only this theme: "+strings.Join(themes(), ", ")+".", "string"),
				param("locale", "query", "The language of the texts (ko, en or ja; a BCP 47 tag; others read in English).", "string"))},
			"/api/v1/meta": obj{"get": op("The room languages and levels, the models a room may choose and the server's length limits (characters).", false, nil,
				obj{"200": jsonResponse("What forms need to know.", object([]string{"languages", "levels", "default_level", "models", "limits"}, obj{
					"languages":     obj{"type": "array", "items": str("A language code: ko, en, ja, …")},
					"levels":        obj{"type": "array", "items": level("")},
					"default_level": level("A new room's level when none is chosen."),
					"models":        object([]string{"default", "allowed"}, obj{"default": str(""), "allowed": obj{"type": "array", "items": str("")}}),
					"limits": object(nil, obj{"message": obj{"type": "integer"}, "title": obj{"type": "integer"}, "situation": obj{"type": "integer"},
						"role": obj{"type": "integer"}, "display_name": obj{"type": "integer"}, "page_size": obj{"type": "integer"},
						"goal": obj{"type": "integer"}, "goals": obj{"type": "integer", "description": "How many goals a room may have."}}),
				}))})},
			"/api/v1/usage": obj{"get": op("The caller's token use by UTC day, model, surface and kind of call, on every surface of the account.", true, nil,
				obj{"200": jsonResponse("Usage, newest day first, then by model, surface and kind.", object([]string{"days", "usage"}, obj{"days": obj{"type": "integer"},
					"usage": obj{"type": "array", "items": object(nil, obj{"day": str("YYYY-MM-DD"), "model": str(""),
						"surface": obj{"type": "string", "enum": sources(), "description": "Where the calls were played from."},
						"kind":    obj{"type": "string", "enum": callKinds(), "description": "What the calls were for."},
						"calls":   obj{"type": "integer"}, "prompt_tokens": obj{"type": "integer"}, "completion_tokens": obj{"type": "integer"}})}}))},
				param("days", "query", "How many days back, today included (default 30).", "integer"))},
			"/api/v1/link-codes": obj{"post": op("A one-time code (10 minutes) that links a Telegram or Discord account to this one: send /link CODE to the bot. A new code replaces the older one.", true, nil,
				obj{"201": jsonResponse("The code.", ref("LinkCode")), "401": respRef("Unauthenticated"), "409": errResp("Not a web account.")})},
			"/api/v1/identities/link": obj{"post": op("Link the chat account whose bot gave the code (/link without a code): its rooms, history, reports and usage join this account.", true,
				jsonBody(object([]string{"code"}, obj{"code": str("The code the bot gave, as shown (ABCD-EFGH-JK); case, spaces and dashes do not matter.")})),
				obj{"200": jsonResponse("The linked identity.", object([]string{"identity"}, obj{"identity": ref("Identity")})),
					"400": errResp("The code is wrong, expired or used (reason link_code)."), "401": respRef("Unauthenticated"),
					"409": errResp("The chat account is linked to another account (identity_linked_elsewhere), or this account has one of that app already (provider_linked)."),
					"429": respRef("RateLimited")})},
			"/api/v1/identities/{provider}": obj{"delete": op("Unlink the account's identity of a chat app: it becomes a chat-only user again; the rooms stay here.", true, nil,
				obj{"204": noBody, "400": respRef("Invalid"), "401": respRef("Unauthenticated"), "404": respRef("NotFound")},
				obj{"name": "provider", "in": "path", "required": true, "schema": obj{"type": "string", "enum": []string{"telegram", "discord"}}})},
		},
		"components": obj{
			"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
			"schemas": obj{
				"User": user, "Identity": identity, "LinkCode": linkCode, "Room": room, "Message": message, "Feedback": feedback, "Goal": goal, "Scenario": scenario,
				"HintBody": object([]string{"hint"}, obj{"hint": object([]string{"lines"}, obj{"lines": obj{"type": "array", "items": object([]string{"text", "translation"}, obj{
					"text": str("In the room's language, at its level."), "translation": str("In the learner's language.")})}})}),
				"TranslationBody": object([]string{"translation"}, obj{"translation": object([]string{"text", "language"}, obj{
					"text": str(""), "language": str("The language of text: ko, en, ja, zh, es, fr or de.")})}),
				"RoomBody": object([]string{"room"}, obj{"room": ref("Room")}),
				"Readiness": object([]string{"status", "components"}, obj{
					"status": obj{"type": "string", "enum": []string{StatusReady, StatusDegraded, StatusUnavailable}},
					"components": obj{"type": "object", "description": "By name: database, model, telegram, discord.",
						"additionalProperties": ref("Component")}}),
				"Component": object([]string{"status"}, obj{
					"status": str("database: ok or unavailable; model: ok, untested, failing or not_configured; " +
						"telegram and discord: connected, starting, retrying, disabled or not_configured."),
					"error": str("Why the component is not well: short, free of secrets (a model error kind, a bot's last connection error)."),
					"shards": object([]string{"owned", "count"}, obj{
						"owned": obj{"type": "array", "items": obj{"type": "integer"}, "description": "The shards of the Discord gateway this replica runs (their leases are its own)."},
						"count": obj{"type": "integer", "description": "discord.shard_count."}})}),
				"Turn": object([]string{"reply"}, obj{"message": ref("Message"), "reply": ref("Message")}),
				"Auth": object([]string{"user", "access_token", "token_type", "expires_in", "refresh_token"}, obj{
					"user": ref("User"), "access_token": str("A JWT, about 15 minutes of life."), "token_type": str("Bearer"),
					"expires_in": obj{"type": "integer"}, "refresh_token": str("Opaque; single use.")}),
				"Error": object([]string{"error"}, obj{"error": object([]string{"code", "message"}, obj{
					"code":    str("invalid, bad_request, unauthenticated, forbidden, not_found, conflict, too_large, rate_limited, model_unavailable, model_rejected, model_not_configured, unavailable, internal"),
					"message": str("Safe to show."), "field": str("With invalid: the input at fault."),
					"reason": str("Refines the code: required, too_long, bad_text, too_many, room_limit, busy, scene_started, email_taken, empty_scene.")})}),
			},
			"responses": obj{
				"Invalid":         errResp("Invalid input; error.field names it."),
				"Unauthenticated": errResp("No valid credentials."),
				"NotFound":        errResp("Absent, or not the caller's."),
				"RateLimited":     errResp("Over a limit; Retry-After says when to try again."),
				"Unavailable":     errResp("The model or the service is unavailable."),
			},
		},
	}
	for k, v := range scenesPaths() {
		doc["paths"].(obj)[k] = v
	}
	schemas := doc["components"].(obj)["schemas"].(obj)
	for k, v := range scenesSchemas() {
		schemas[k] = v
	}
	return doc
}

var openAPIJSON = sync.OnceValue(func() []byte {
	b, err := json.Marshal(openAPIDocument())
	if err != nil {
		panic(err)
	}
	return b
})

// serveOpenAPI answers the OpenAPI document.
func serveOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", openAPIJSON())
}
