package engine

import "context"

// Translation is a message put into the learner's language, cached per
// message and language.
type Translation struct {
	MessageID int64
	Language  string
	Text      string
}

// TranslateFrom returns messageID, a message of roomID, in locale (see
// LearnerLanguage), asked for on surface: from the cache when asked before
// (then it costs nothing and counts nothing), else by a model call of kind
// translate recorded with surface, counted like a hint, whose answer is
// cached per (message, language). Another user's room or message: not
// found. A reply still being written, or failed empty, is a conflict.
func (e *Engine) TranslateFrom(ctx context.Context, userID, roomID, messageID int64, surface Source, locale string) (*Translation, error) {
	if !surface.Valid() {
		return nil, Invalid("source", "Unknown source.")
	}
	room, err := e.FindRoom(ctx, userID, roomID)
	if err != nil {
		return nil, err
	}
	msg, err := e.store.FindMessage(ctx, room.ID, messageID)
	if err != nil {
		return nil, notFound(err, "Message")
	}
	lang := LearnerLanguage(locale)
	if t, err := e.store.FindTranslation(ctx, msg.ID, lang); err == nil {
		return t, nil
	} else if ErrorCode(err) != CodeNotFound {
		return nil, Internal(err)
	}
	if msg.Status == StatusPending || msg.Content == "" {
		return nil, &Error{Code: CodeConflict, Message: "This message has no text to translate yet."}
	}
	end, err := e.startAid(ctx, userID)
	if err != nil {
		return nil, err
	}
	defer end()
	ctx, done := e.aidContext(ctx, userID)
	defer done()
	t := &Translation{MessageID: msg.ID, Language: lang}
	err = e.callAid(ctx, aidCall{kind: CallTranslate, surface: surface, userID: userID, room: room,
		messages: translatePrompt(room, lang, msg.Content), schema: translateSchema,
		check: func(content string) (err error) {
			t.Text, err = checkTranslation(content)
			return err
		}})
	if err != nil {
		return nil, err
	}
	save, cancel := context.WithTimeout(context.WithoutCancel(ctx), aidSaveTimeout)
	defer cancel()
	if err := e.store.SaveTranslation(save, t); err != nil {
		if ErrorCode(err) == CodeNotFound {
			return nil, notFound(err, "Message") // deleted while it was translated
		}
		e.log.Warn("engine: cache translation", "message", msg.ID, "err", err)
	}
	return t, nil
}

// LastReply returns the newest complete assistant message of roomID, which
// userID must own (for a translation without a target), or not found.
func (e *Engine) LastReply(ctx context.Context, userID, roomID int64) (*Message, error) {
	room, err := e.FindRoom(ctx, userID, roomID)
	if err != nil {
		return nil, err
	}
	m, err := e.store.LastReply(ctx, room.ID)
	if err != nil {
		return nil, notFound(err, "Reply")
	}
	return m, nil
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
