package telegram

import (
	"slices"
	"sync"
	"testing"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// observed records what Config.Observe is told.
type observed struct {
	mu   sync.Mutex
	seen []string
}

func (o *observed) observe(kind, outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen = append(o.seen, kind+" "+outcome)
}

func (o *observed) take() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := o.seen
	o.seen = nil
	slices.Sort(out)
	return out
}

// Each update is reported once with its kind and outcome: a command handled,
// its second delivery a duplicate, a line of text handled.
func TestObserveUpdates(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		obs := &observed{}
		e := newEnv(t, db, envOptions{bot: func(c *Config) { c.Observe = obs.observe }})
		u := telegramfake.Update{UpdateID: 7000, Message: telegramfake.Text(aliceDM, alice, "/help")}
		e.api.PushUpdates(u, u)
		e.waitHandled(7000, 2)
		if got := obs.take(); !slices.Equal(got, []string{"command duplicate", "command handled"}) {
			t.Fatalf("observed %q", got)
		}
		e.send(aliceDM, alice, "hello") // no room yet: the bot says how to make one
		if got := obs.take(); !slices.Equal(got, []string{"message handled"}) {
			t.Fatalf("observed %q", got)
		}
	})
}
