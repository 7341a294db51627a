package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// readUntil reads w until an event for which stop is true (included), or
// until the watch ends. The context only guards against a hung test.
func readUntil(t *testing.T, w *engine.RoomWatch, stop func(engine.RoomEvent) bool) []engine.RoomEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []engine.RoomEvent
	for {
		ev, err := w.Next(ctx)
		if errors.Is(err, engine.ErrWatchEnded) {
			return out
		}
		if err != nil {
			t.Fatalf("watch: %v after %v", err, kindsOf(out))
		}
		out = append(out, ev)
		if stop(ev) {
			return out
		}
	}
}

func isKind(k engine.RoomEventKind) func(engine.RoomEvent) bool {
	return func(ev engine.RoomEvent) bool { return ev.Kind == k }
}

func kindsOf(evs []engine.RoomEvent) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, fmt.Sprintf("%s#%d", ev.Kind, ev.ID))
	}
	return out
}

// roomView is what a watcher shows of a room, built from events applied
// idempotently by message id.
type roomView struct {
	msgs     map[int64]string // id -> role/status/content
	feedback map[int64]engine.FeedbackStatus
	goals    string
	lastID   int64
}

func newRoomView() *roomView {
	return &roomView{msgs: map[int64]string{}, feedback: map[int64]engine.FeedbackStatus{}}
}

// apply applies ev, failing on an id that does not grow.
func (v *roomView) apply(t *testing.T, ev engine.RoomEvent) {
	t.Helper()
	if ev.ID != 0 && ev.Kind != engine.RoomEventReady {
		if ev.ID <= v.lastID {
			t.Fatalf("event %s#%d after #%d: ids must grow", ev.Kind, ev.ID, v.lastID)
		}
		v.lastID = ev.ID
	}
	switch ev.Kind {
	case engine.RoomEventMessage, engine.RoomEventReplyStarted, engine.RoomEventReply:
		m := ev.Message
		v.msgs[m.ID] = fmt.Sprintf("%s/%s/%s", m.Role, m.Status, m.Content)
		if m.Feedback != nil {
			v.feedback[m.ID] = m.Feedback.Status
		}
	case engine.RoomEventDelta:
		v.msgs[ev.MessageID] += ev.Delta
	case engine.RoomEventFeedback:
		v.feedback[ev.MessageID] = ev.Feedback.Status
	case engine.RoomEventGoals:
		v.goals = fmt.Sprint(ev.Goals)
	}
}

func (v *roomView) String() string {
	return fmt.Sprintf("msgs=%v feedback=%v", v.msgs, v.feedback)
}

// A watcher sees a turn played after it began, live: the learner's line,
// the reply started, every delta, the reply complete, each with a growing id.
func TestWatchRoomStreamsTurn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		ctx := context.Background()
		w, err := env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if ready := readUntil(t, w, isKind(engine.RoomEventReady)); len(ready) != 1 || ready[0].ID != 0 {
			t.Fatalf("a new room's watch starts with %v, want ready#0 alone", kindsOf(ready))
		}
		// The model holds its answer until the watcher has the reply's row,
		// as a real model's first token comes after it.
		hold := openaifake.NewHold()
		env.fake.Enqueue(openaifake.Reply{Chunks: []string{"어서 ", "오세요", "!"}, Hold: hold})
		done := make(chan *engine.TurnResult, 1)
		go func() {
			res, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "안녕하세요", Source: engine.SourceTelegram}, nil)
			if err != nil {
				t.Error(err)
			}
			done <- res
		}()
		evs := readUntil(t, w, isKind(engine.RoomEventReplyStarted))
		hold.Release()
		res := <-done
		evs = append(evs, readUntil(t, w, isKind(engine.RoomEventReply))...)
		var kinds []engine.RoomEventKind
		var text strings.Builder
		for _, ev := range evs {
			kinds = append(kinds, ev.Kind)
			if ev.Kind == engine.RoomEventDelta {
				if ev.MessageID != res.Reply.ID || ev.ID != 0 {
					t.Errorf("delta of message %d with id %d, want message %d and no id", ev.MessageID, ev.ID, res.Reply.ID)
				}
				text.WriteString(ev.Delta)
			}
		}
		want := []engine.RoomEventKind{engine.RoomEventMessage, engine.RoomEventReplyStarted,
			engine.RoomEventDelta, engine.RoomEventDelta, engine.RoomEventDelta, engine.RoomEventReply}
		if fmt.Sprint(kinds) != fmt.Sprint(want) {
			t.Fatalf("events %v, want %v", kindsOf(evs), want)
		}
		if evs[0].Message.ID != res.UserMessage.ID || evs[0].Message.Source != engine.SourceTelegram {
			t.Errorf("message event %+v, want the learner's line from telegram", evs[0].Message)
		}
		last := evs[len(evs)-1].Message
		if text.String() != "어서 오세요!" || last.Content != "어서 오세요!" || last.Status != engine.StatusComplete {
			t.Errorf("deltas %q, reply %q %s; want the reply complete", text.String(), last.Content, last.Status)
		}
		if !(evs[0].ID < evs[1].ID && evs[1].ID < evs[len(evs)-1].ID) {
			t.Errorf("ids %v do not grow", kindsOf(evs))
		}
	})
}

// A failed reply reaches the watcher as a reply with status failed and its
// error code.
func TestWatchRoomFailedReply(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, func(c *engine.Config) { c.Retry.MaxAttempts = 1 })
		room := env.newRoom(t, env.alice)
		ctx := context.Background()
		w, err := env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		readUntil(t, w, isKind(engine.RoomEventReady))
		env.fake.Enqueue(openaifake.Reply{Status: 400, ErrorMessage: "bad request"})
		if _, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "안녕", Source: engine.SourceWeb}, nil); err == nil {
			t.Fatal("the turn did not fail")
		}
		evs := readUntil(t, w, isKind(engine.RoomEventReply))
		last := evs[len(evs)-1]
		if last.Kind != engine.RoomEventReply || last.Message.Status != engine.StatusFailed || last.Message.ErrorCode == "" {
			t.Fatalf("events %v, last %+v; want a failed reply with its code", kindsOf(evs), last.Message)
		}
	})
}

// Another user's room is not found: no watch.
func TestWatchRoomOwnerOnly(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		_, err := env.eng.WatchRoom(context.Background(), env.bob.ID, room.ID, 0)
		wantCode(t, err, engine.CodeNotFound)
		_, err = env.eng.WatchRoom(context.Background(), env.alice.ID, room.ID, -1)
		wantCode(t, err, engine.CodeInvalid)
	})
}

// A watcher that joins while a reply streams gets reply_started with the
// text so far, then the deltas after it: joined, exactly the reply.
func TestWatchRoomJoinsStreamingReply(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		ctx := context.Background()
		hold := openaifake.NewHold()
		chunks := []string{"하나 ", "둘 ", "셋 ", "넷 ", "다섯"}
		env.fake.Enqueue(openaifake.Reply{Chunks: chunks, Hold: hold, HoldAfter: 2})
		first := newCollect()
		done := make(chan *engine.TurnResult, 1)
		go func() {
			res, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "세어 주세요", Source: engine.SourceWeb}, first.sink)
			if err != nil {
				t.Error(err)
			}
			done <- res
		}()
		<-hold.Reached()
		// The two deltas before the hold have reached the turn's sink, so
		// the broker: wait until the sink has them.
		for first.text() != "하나 둘 " {
			time.Sleep(time.Millisecond)
		}
		w, err := env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		before := readUntil(t, w, isKind(engine.RoomEventReady))
		hold.Release()
		res := <-done
		after := readUntil(t, w, isKind(engine.RoomEventReply))
		var started string
		var deltas strings.Builder
		for _, ev := range append(before, after...) {
			switch ev.Kind {
			case engine.RoomEventReplyStarted:
				started = ev.Message.Content
			case engine.RoomEventDelta:
				deltas.WriteString(ev.Delta)
			}
		}
		if started != "하나 둘 " || started+deltas.String() != res.Reply.Content {
			t.Fatalf("reply_started %q then deltas %q; want %q then the rest of %q", started, deltas.String(), "하나 둘 ", res.Reply.Content)
		}
	})
}

// A watcher that does not read while a long reply streams is dropped with
// a reload in place of what it had waiting, once RoomWatchBuffer events
// wait; the turn is not held up. A buffer's worth (the deltas and the
// reply) is delivered whole.
func TestWatchRoomSlowWatcherReloads(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		ctx := context.Background()
		for _, tc := range []struct {
			deltas int
			reload bool
		}{{engine.RoomWatchBuffer - 1, false}, {engine.RoomWatchBuffer + 1, true}} {
			w, err := env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			readUntil(t, w, isKind(engine.RoomEventReady))
			chunks := make([]string, tc.deltas)
			for i := range chunks {
				chunks[i] = "가"
			}
			hold := openaifake.NewHold()
			env.fake.Enqueue(openaifake.Reply{Chunks: chunks, Hold: hold})
			done := make(chan error, 1)
			go func() {
				_, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "길게", Source: engine.SourceWeb}, nil)
				done <- err
			}()
			readUntil(t, w, isKind(engine.RoomEventReplyStarted))
			hold.Release() // the watcher reads no more until the turn is over
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			// The turn's end is stored before it returns; wait until the
			// watcher has read it (or fell behind) before reading.
			evs := readUntil(t, w, func(ev engine.RoomEvent) bool { return ev.Kind == engine.RoomEventReply })
			w.Close()
			if tc.reload {
				if len(evs) != 1 || evs[0].Kind != engine.RoomEventReload {
					t.Fatalf("a watcher that fell behind got %d events (%v...), want reload alone", len(evs), kindsOf(evs[:min(len(evs), 3)]))
				}
				continue
			}
			if len(evs) != tc.deltas+1 || evs[len(evs)-1].Kind != engine.RoomEventReply {
				t.Fatalf("a watcher %d events behind got %d events (...%v), want every delta and the reply", tc.deltas+1, len(evs), kindsOf(evs[max(0, len(evs)-2):]))
			}
		}
	})
}

// Events are numbered in commit order even as the coach's writes race the
// next turn: a watcher that resumes after any id it saw, replayed from the
// store, ends up showing the room exactly as one that never left.
func TestWatchRoomResumesAfterAnyID(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		in := cafe()
		in.Feedback = nil // on: the coach writes beside each turn
		in.Goals = []string{"greet", "order"}
		room, err := env.eng.CreateRoom(context.Background(), env.alice.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		live, err := env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer live.Close()
		readUntil(t, live, isKind(engine.RoomEventReady))
		const turns = 4
		var results []*engine.TurnResult
		for i := range turns {
			res, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: fmt.Sprintf("줄 %d", i), Source: engine.SourceWeb}, nil)
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, res)
		}
		for _, res := range results {
			res.WaitFeedback(ctx)
			res.WaitGoals(ctx)
		}
		// The live watcher's view once everything is settled.
		head, err := env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		ready := readUntil(t, head, isKind(engine.RoomEventReady))
		head.Close()
		final := ready[len(ready)-1].ID
		var seen []engine.RoomEvent
		view := newRoomView()
		for view.lastID < final {
			ev := readUntil(t, live, func(engine.RoomEvent) bool { return true })
			if len(ev) == 0 {
				t.Fatal("the live watch ended")
			}
			view.apply(t, ev[0])
			seen = append(seen, ev[0])
		}
		want := view.String()
		if len(view.msgs) != 2*turns || len(view.feedback) != turns {
			t.Fatalf("live view %s: want %d messages and %d feedbacks", want, 2*turns, turns)
		}
		// Resume after every id the live watcher saw, from its view then.
		for i, ev := range seen {
			if ev.ID == 0 {
				continue
			}
			v := newRoomView()
			for _, prev := range seen[:i+1] {
				v.apply(t, prev)
			}
			w, err := env.eng.WatchRoom(ctx, env.alice.ID, room.ID, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range readUntil(t, w, isKind(engine.RoomEventReady)) {
				v.apply(t, r)
			}
			w.Close()
			if got := v.String(); got != want {
				t.Fatalf("resumed after #%d: %s\nwant %s", ev.ID, got, want)
			}
		}
	})
}

// A watcher that asks for more than MaxReplayEvents, or for an id the room
// has not reached, gets reload.
func TestWatchRoomReplayBounded(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		ctx := context.Background()
		if _, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: "하나", Source: engine.SourceWeb}, nil); err != nil {
			t.Fatal(err)
		}
		w, err := env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if evs := readUntil(t, w, func(engine.RoomEvent) bool { return false }); len(evs) != 1 || evs[0].Kind != engine.RoomEventReload {
			t.Fatalf("after an id from the future: %v, want reload", kindsOf(evs))
		}
		// Without an id: no replay, ready with the newest id (the line,
		// the reply stored and settled: 3).
		w, err = env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if evs := readUntil(t, w, isKind(engine.RoomEventReady)); len(evs) != 1 || evs[0].ID != 3 {
			t.Fatalf("without an id: %v, want ready#3 alone", kindsOf(evs))
		}
		w.Close()
		// More than MaxReplayEvents behind: reload. Each goal change is an
		// event: replacing 5 goals makes up to 10.
		for i := 0; i*10 <= engine.MaxReplayEvents; i++ {
			goals := []string{fmt.Sprint("a", i), "b", "c", "d", "e"}
			if _, err := env.eng.UpdateRoom(ctx, env.alice.ID, room.ID, engine.RoomUpdate{Goals: &goals}); err != nil {
				t.Fatal(err)
			}
		}
		w, err = env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if evs := readUntil(t, w, func(engine.RoomEvent) bool { return false }); len(evs) != 1 || evs[0].Kind != engine.RoomEventReload {
			t.Fatalf("more than %d events behind: %v, want reload", engine.MaxReplayEvents, kindsOf(evs))
		}
	})
}

// TestWatchRoomEndsWithTheAccount: deleting an account ends the watches of
// its rooms with a reload (the rooms are gone), instead of leaving them
// open on rooms that will never change again.
func TestWatchRoomEndsWithTheAccount(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newEnv(t, db, nil)
		room := env.newRoom(t, env.alice)
		ctx := context.Background()
		w, err := env.eng.WatchRoom(ctx, env.alice.ID, room.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if evs := readUntil(t, w, isKind(engine.RoomEventReady)); len(evs) != 1 {
			t.Fatalf("before: %v, want ready alone", kindsOf(evs))
		}
		if err := env.eng.DeleteUser(ctx, env.alice.ID); err != nil {
			t.Fatal(err)
		}
		if evs := readUntil(t, w, func(engine.RoomEvent) bool { return false }); len(evs) != 1 || evs[0].Kind != engine.RoomEventReload {
			t.Fatalf("after the account was deleted: %v, want reload, then the end", kindsOf(evs))
		}
	})
}
