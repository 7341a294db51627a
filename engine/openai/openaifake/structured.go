package openaifake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Structured requests are chat completions with a response_format JSON
// schema; the schema's name is their kind (feedback, hint, translate, …).
// A test scripts their answers by kind with Server.EnqueueKind or
// Server.KindDefault, good or bad:
//
//	srv.EnqueueKind("feedback", openaifake.JSON(map[string]any{"corrected": "…", "items": []any{}}))
//	srv.EnqueueKind("feedback", openaifake.InvalidJSON())        // not JSON at all
//	srv.EnqueueKind("feedback", openaifake.WrongShape())         // JSON of no chatplay schema
//	srv.EnqueueKind("feedback", openaifake.Truncated(v))         // cut by max_tokens
//	srv.EnqueueKind("feedback", openaifake.Reply{Status: 500})   // a failure
//	srv.EnqueueKind("hint", openaifake.Slow(openaifake.JSON(v), hold)) // held until hold.Release
//
// A structured answer is an ordinary Reply: its Chunks joined are the
// message content, so every other field (errors, holds, delays, usage)
// works as for a chat completion.

// JSON returns a reply whose content is v marshalled to JSON. It panics if v
// cannot be marshalled: a mistake in the test.
func JSON(v any) Reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("openaifake: JSON(%T): %v", v, err))
	}
	return Raw(string(b))
}

// Raw returns a reply whose content is exactly content.
func Raw(content string) Reply {
	return Reply{Chunks: []string{content}}
}

// EmptyObject is the answer to a structured request nothing was scripted
// for: the JSON object {}, valid JSON of no useful shape.
func EmptyObject(Request) Reply {
	return Raw("{}")
}

// InvalidJSON returns a reply that is not JSON: prose wrapped around a
// broken object, as a model that ignores the response format writes.
func InvalidJSON() Reply {
	return Raw(`Sure! Here is the feedback: {"corrected": "I went to the store, "items": [`)
}

// WrongShape returns a reply that is valid JSON but of no chatplay schema:
// an array where an object is expected, with unknown fields.
func WrongShape() Reply {
	return Raw(`[{"unexpected": true, "score": "ten"}]`)
}

// Truncated returns a reply whose content is the first half of v in JSON
// (cut between two characters), finished with "length", as when the answer
// hit max_tokens.
func Truncated(v any) Reply {
	full := JSON(v).Chunks[0]
	n := len(full) / 2
	for n > 0 && !utf8.RuneStart(full[n]) {
		n--
	}
	r := Raw(full[:n])
	r.FinishReason = "length"
	return r
}

// Slow returns r held before it is written until hold is released: an answer
// that takes as long as the test wants, with no clock involved.
func Slow(r Reply, hold *Hold) Reply {
	r.Hold = hold
	return r
}
