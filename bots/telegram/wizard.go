package telegram

import (
	"sync"
	"time"

	"github.com/chatplay/chatplay/engine"
)

// wizard is a question the bot is waiting for a user to answer in a chat:
// the next step of /new, or the new value of a field for /edit. Wizards live
// in memory: a restart forgets them (the user starts the step again), which
// is all a half-made room is worth.
type wizard struct {
	promptID int // the bot's question, which a group answer must reply to

	// /new: the fields so far and the one asked now (a field name of
	// roomFields, "language" first); fixing when the one asked is a field the
	// engine refused, after which the room is created at once.
	step      string
	language  string
	level     string
	situation string
	userRole  string
	botRole   string
	scenario  string // the built-in scenario chosen; "": a scene of one's own
	fixing    bool

	// /edit: the room and the field asked for.
	room  int64
	field string

	expires time.Time
}

// input is the room the /new wizard w makes; locale is the user's own
// language, for a scenario's texts.
func (w *wizard) input(locale string) engine.RoomInput {
	if w.scenario != "" {
		return engine.RoomInput{ScenarioID: w.scenario, Language: w.language, Level: w.level, Locale: locale}
	}
	return engine.RoomInput{Language: w.language, Level: w.level, Situation: w.situation,
		UserRole: w.userRole, BotRole: w.botRole}
}

// wizardKey is a user in a chat.
type wizardKey struct{ chat, user int64 }

// wizards keeps each user's open wizard per chat, for ttl after its last step.
type wizards struct {
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	m     map[wizardKey]*wizard
	swept time.Time // when expired wizards were last dropped
}

func newWizards(ttl time.Duration, now func() time.Time) *wizards {
	return &wizards{ttl: ttl, now: now, m: make(map[wizardKey]*wizard)}
}

// get returns a copy of the user's open wizard in chat, or nil.
func (ws *wizards) get(chat, user int64) *wizard {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	w, ok := ws.m[wizardKey{chat, user}]
	if !ok {
		return nil
	}
	if ws.now().After(w.expires) {
		delete(ws.m, wizardKey{chat, user})
		return nil
	}
	cp := *w
	return &cp
}

// put opens or replaces the user's wizard in chat.
func (ws *wizards) put(chat, user int64, w wizard) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	now := ws.now()
	w.expires = now.Add(ws.ttl)
	ws.m[wizardKey{chat, user}] = &w
	if now.Sub(ws.swept) < time.Minute {
		return
	}
	ws.swept = now
	for k, old := range ws.m { // the map stays as small as the wizards in use
		if now.After(old.expires) {
			delete(ws.m, k)
		}
	}
}

// drop closes the user's wizard in chat.
func (ws *wizards) drop(chat, user int64) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	delete(ws.m, wizardKey{chat, user})
}
