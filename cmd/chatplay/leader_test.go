package main

import (
	"context"
	"log/slog"
	"testing"

	"github.com/chatplay/chatplay/bots/connect"
)

// fakeLeadership grants and takes away the lead as the test says.
type fakeLeadership struct {
	grant    chan context.CancelFunc // the test receives the way to take the lead away
	resigned chan struct{}
}

func (f *fakeLeadership) Lead(ctx context.Context) (context.Context, func(), error) {
	lead, cancel := context.WithCancel(ctx)
	select {
	case f.grant <- cancel:
	case <-ctx.Done():
		cancel()
		return nil, nil, ctx.Err()
	}
	return lead, func() { cancel(); f.resigned <- struct{}{} }, nil
}

// leadBot is a bot that runs until its context ends.
type leadBot struct{ running chan struct{} }

func (b *leadBot) Run(ctx context.Context) error {
	close(b.running)
	<-ctx.Done()
	return nil
}
func (b *leadBot) State() connect.State { return connect.State{Status: connect.Connected} }

// A led bot runs only while its replica leads: standby at first, a new bot
// running at each lead, cancelled (and the lead resigned) when it is lost,
// standby again in between; Run returns when its context ends.
func TestLedRunner(t *testing.T) {
	elect := &fakeLeadership{grant: make(chan context.CancelFunc), resigned: make(chan struct{}, 1)}
	bots := make(chan *leadBot, 2)
	r := newLedRunner(elect, func() (runner, error) {
		b := &leadBot{running: make(chan struct{})}
		bots <- b
		return b, nil
	}, slog.New(slog.DiscardHandler))
	if st := r.State(); st.Status != statusStandby {
		t.Fatalf("before the lead: %q, want standby", st.Status)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	for term := range 2 {
		lose := <-elect.grant
		b := <-bots
		<-b.running
		if st := r.State(); st.Status != connect.Connected {
			t.Fatalf("term %d, leading: %q, want the bot's state", term, st.Status)
		}
		lose() // the lead's connection failed
		<-elect.resigned
	}
	<-elect.grant // a third lead, then the service stops
	b := <-bots
	<-b.running
	cancel()
	<-elect.resigned
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if st := r.State(); st.Status != statusStandby {
		t.Fatalf("after Run: %q, want standby", st.Status)
	}
}
