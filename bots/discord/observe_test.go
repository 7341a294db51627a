package discord

import (
	"slices"
	"sync"
	"testing"

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
	return out
}

// Each interaction is reported once with its kind and outcome, a repeated
// delivery as a duplicate.
func TestObserveInteractions(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		obs := &observed{}
		e.bot.cfg.Observe = obs.observe
		m := e.golden(t, "command_help_dm.json", alice)
		e.viaGateway(t, m)
		e.viaGateway(t, m) // delivered twice
		e.idle()
		if got := obs.take(); !slices.Equal(got, []string{"command handled", "command duplicate"}) {
			t.Fatalf("observed %q", got)
		}
	})
}
