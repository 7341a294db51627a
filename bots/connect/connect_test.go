package connect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The wait doubles from MinWait and stops at MaxWait.
func TestWait(t *testing.T) {
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, MaxWait, MaxWait}
	for i, w := range want {
		if got := Wait(i + 1); got != w {
			t.Errorf("Wait(%d) = %v, want %v", i+1, got, w)
		}
	}
	if Wait(1000) != MaxWait {
		t.Errorf("Wait(1000) = %v", Wait(1000))
	}
}

// Failures are retried with the backoff, logged each, and shown as
// Retrying; success makes the Link Connected.
func TestEstablishRetriesUntilConnected(t *testing.T) {
	var logs bytes.Buffer
	l := New("testbot", slog.New(slog.NewTextHandler(&logs, nil)))
	if l.State().Status != Starting {
		t.Fatalf("state = %+v", l.State())
	}
	var waits []time.Duration
	l.Sleep = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		if st := l.State(); st.Status != Retrying || st.Failures != len(waits) || !strings.Contains(st.Err, "refused") {
			t.Errorf("state while waiting = %+v", st)
		}
		return nil
	}
	tries := 0
	err := l.Establish(context.Background(), func(context.Context) error {
		tries++
		if tries <= 8 {
			return fmt.Errorf("dial: connection refused (%d)", tries)
		}
		return nil
	})
	if err != nil || tries != 9 {
		t.Fatalf("Establish = %v after %d tries", err, tries)
	}
	if fmt.Sprint(waits) != fmt.Sprint([]time.Duration{1e9, 2e9, 4e9, 8e9, 16e9, 32e9, MaxWait, MaxWait}) {
		t.Errorf("waits = %v", waits)
	}
	if st := l.State(); st.Status != Connected || st.Err != "" || st.Failures != 0 {
		t.Errorf("state = %+v", st)
	}
	select {
	case <-l.Ready():
	default:
		t.Error("Ready is not closed once connected")
	}
	if n := strings.Count(logs.String(), "cannot reach the platform"); n != 8 {
		t.Errorf("%d failures logged, want 8:\n%s", n, logs.String())
	}
}

// A permanent error stops the tries and disables the Link; an ended context
// stops them too.
func TestEstablishStops(t *testing.T) {
	l := New("testbot", slog.New(slog.DiscardHandler))
	refused := errors.New("401 unauthorized")
	if err := l.Establish(context.Background(), func(context.Context) error { return Permanent(refused) }); !errors.Is(err, refused) {
		t.Fatalf("Establish = %v", err)
	}
	if st := l.State(); st.Status != Disabled || st.Err != refused.Error() {
		t.Errorf("state = %+v", st)
	}

	ctx, cancel := context.WithCancel(context.Background())
	l = New("testbot", slog.New(slog.DiscardHandler))
	l.Sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }
	if err := l.Establish(ctx, func(context.Context) error { return errors.New("down") }); !errors.Is(err, context.Canceled) {
		t.Fatalf("Establish = %v", err)
	}
}
