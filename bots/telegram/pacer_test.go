package telegram

import (
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestPacerSpacesCallsPerChat(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	p := newPacer(time.Second, c.now)
	for i, want := range []time.Duration{0, time.Second, 2 * time.Second} {
		if got := p.reserve(1); got != want {
			t.Fatalf("reserve %d = %v, want %v", i, got, want)
		}
	}
	if got := p.reserve(2); got != 0 {
		t.Fatalf("another chat waits %v", got)
	}
	c.t = c.t.Add(10 * time.Second)
	if got := p.reserve(1); got != 0 {
		t.Fatalf("after a pause: %v", got)
	}
	p.hold(1, 30*time.Second)
	if got := p.reserve(1); got != 30*time.Second {
		t.Fatalf("after a 429 hold: %v", got)
	}
}

func TestWizardsExpire(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	ws := newWizards(time.Minute, c.now)
	ws.put(1, 2, wizard{step: "situation", promptID: 9})
	if w := ws.get(1, 2); w == nil || w.step != "situation" {
		t.Fatalf("get = %+v", w)
	}
	if w := ws.get(1, 3); w != nil {
		t.Fatal("another user's wizard")
	}
	if w := ws.get(2, 2); w != nil {
		t.Fatal("another chat's wizard")
	}
	c.t = c.t.Add(2 * time.Minute)
	if w := ws.get(1, 2); w != nil {
		t.Fatal("an expired wizard")
	}
	ws.put(1, 2, wizard{})
	ws.drop(1, 2)
	if w := ws.get(1, 2); w != nil {
		t.Fatal("a dropped wizard")
	}
}
