package engine

import (
	"context"
	"errors"
)

// errNotBuilt marks the practice-layer methods whose behaviour is not built yet.
var errNotBuilt = errors.New("not built yet")

// Translation is a message put into the learner's language, cached per
// message and language.
type Translation struct {
	MessageID int64
	Language  string
	Text      string
}

// Translate returns messageID, a message of roomID, in locale (see
// LearnerLanguage): from the cache when asked before (then it costs nothing
// and counts nothing), else by a model call of kind translate, counted like a
// hint, whose answer is cached per (message, language). Another user's room
// or message: not found.
func (e *Engine) Translate(ctx context.Context, userID, roomID, messageID int64, locale string) (*Translation, error) {
	return nil, Internal(errNotBuilt)
}

// LastReply returns the newest complete assistant message of roomID, which
// userID must own (for a translation without a target), or not found.
func (e *Engine) LastReply(ctx context.Context, userID, roomID int64) (*Message, error) {
	return nil, Internal(errNotBuilt)
}

// LearnerLanguage returns the supported language code (see Languages) of a
// learner's locale, a code or BCP 47 tag ("ko", "ko-KR", "es_ES", "zh-TW"),
// English when chatplay does not support it: the language explanations and
// translations are written in.
func LearnerLanguage(locale string) string {
	if code, ok := ParseLanguage(locale); ok {
		return code
	}
	return "en"
}
