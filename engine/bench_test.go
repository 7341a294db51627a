package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// instantModel answers at once with a fixed two-delta reply: what remains of a
// turn's cost is the engine's own (database, tokenizer, prompt).
type instantModel struct{}

func (instantModel) Stream(_ context.Context, _ engine.ModelRequest, onDelta func(string)) (engine.ModelResult, error) {
	onDelta("네, 아메리카노 ")
	onDelta("한 잔 나왔습니다.")
	return engine.ModelResult{FinishReason: "stop", PromptTokens: 500, CompletionTokens: 12, UsageReported: true}, nil
}

// Complete answers no structured request: the benchmarks time chat turns.
func (instantModel) Complete(context.Context, engine.StructuredRequest) (engine.StructuredResult, error) {
	return engine.StructuredResult{}, &engine.ModelError{Kind: engine.ModelBadRequest, Err: errors.New("instantModel answers no structured request")}
}

// BenchmarkChatTurn measures the engine's cost per chat turn with an instant
// model, in rooms with 10, 1,000 and 10,000 prior messages.
//
//	go test ./engine -run '^$' -bench ChatTurn -benchmem
//
// (with CHATPLAY_TEST_POSTGRES_URL set for the PostgreSQL rows).
func BenchmarkChatTurn(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects() {
		for _, prior := range []int{10, 1000, 10000} {
			b.Run(fmt.Sprintf("%s/prior=%d", dialect, prior), func(b *testing.B) {
				benchTurns(b, sqlstoretest.Open(b, dialect), prior, engine.DefaultPromptConfig().CachedRooms)
			})
		}
	}
}

// BenchmarkChatTurnUncached is BenchmarkChatTurn with no history cache: every
// turn reads its history window from the database, as the first turn in a
// room after a start does.
func BenchmarkChatTurnUncached(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects() {
		b.Run(fmt.Sprintf("%s/prior=1000", dialect), func(b *testing.B) {
			benchTurns(b, sqlstoretest.Open(b, dialect), 1000, 0)
		})
	}
}

func benchTurns(b *testing.B, db *sqlstore.DB, prior, cachedRooms int) {
	benchTurnsWith(b, db, prior, cachedRooms, instantModel{})
}

// benchTurnsWith times turns answered by model in a room with prior messages.
func benchTurnsWith(b *testing.B, db *sqlstore.DB, prior, cachedRooms int, model engine.Model) {
	ctx := context.Background()
	cfg := engine.DefaultConfig()
	cfg.Prompt.CachedRooms = cachedRooms
	cfg.Limits.TurnsPerMinute = 0     // the in-memory limiter is not what is measured
	cfg.Limits.TokensPerDay = 1 << 50 // checked every turn, never reached
	eng := engine.New(cfg, engine.Deps{Store: db, Model: model, Tokens: mustTokenizer(b)})
	email := fmt.Sprintf("bench.%d@example.com", userSeq.Add(1))
	u := &engine.User{Email: &email}
	if err := db.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	room, err := eng.CreateRoom(ctx, u.ID, cafe())
	if err != nil {
		b.Fatal(err)
	}
	tok := mustTokenizer(b)
	for i := range prior {
		role := engine.RoleUser
		if i%2 == 1 {
			role = engine.RoleAssistant
		}
		text := fmt.Sprintf("이전 메시지 %d번: 커피와 케이크에 대한 대화", i)
		m := &engine.Message{RoomID: room.ID, Role: role, Content: text, Status: engine.StatusComplete, Source: engine.SourceWeb, TokenCount: tok.Count(text)}
		if err := db.CreateMessage(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	in := engine.TurnInput{UserID: u.ID, RoomID: room.ID, Content: "따뜻한 아메리카노 한 잔 주세요.", Source: engine.SourceWeb}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for b.Loop() {
		if _, err := eng.SendMessage(ctx, in, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

// coachingModel is instantModel whose structured calls answer at once with
// valid feedback: the coach runs in full (reservation, call, ledger row,
// stored feedback) beside every turn.
type coachingModel struct{ instantModel }

func (coachingModel) Complete(context.Context, engine.StructuredRequest) (engine.StructuredResult, error) {
	return engine.StructuredResult{Content: `{"corrected":"따뜻한 아메리카노 한 잔 주세요.","items":[],"note":"Perfect!"}`,
		FinishReason: "stop", PromptTokens: 400, CompletionTokens: 20, UsageReported: true}, nil
}

// BenchmarkFirstDelta measures the time from SendMessage to the reply's
// first delta at the surface, in a room with feedback off and on (the coach
// then runs beside the reply), reported as first-delta-ns/op, and the
// process's CPU per turn, the coach's included, as cpu-ns/op:
//
//	go test ./engine -run '^$' -bench FirstDelta -benchtime 2000x
//
// (with CHATPLAY_TEST_POSTGRES_URL set for the PostgreSQL rows). Between
// turns the coach is waited for, off the clock, so that each turn starts
// alike.
func BenchmarkFirstDelta(b *testing.B) {
	for _, dialect := range sqlstoretest.Dialects() {
		for _, feedback := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/feedback=%v", dialect, feedback), func(b *testing.B) {
				benchFirstDelta(b, sqlstoretest.Open(b, dialect), feedback)
			})
		}
	}
}

func benchFirstDelta(b *testing.B, db *sqlstore.DB, feedback bool) {
	ctx := context.Background()
	cfg := engine.DefaultConfig()
	cfg.Limits.TurnsPerMinute = 0
	cfg.Limits.TokensPerDay = 1 << 50
	eng := engine.New(cfg, engine.Deps{Store: db, Model: coachingModel{}, Tokens: mustTokenizer(b)})
	defer eng.Close(ctx)
	email := fmt.Sprintf("bench.%d@example.com", userSeq.Add(1))
	u := &engine.User{Email: &email}
	if err := db.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	in := cafe()
	in.Feedback = &feedback
	room, err := eng.CreateRoom(ctx, u.ID, in)
	if err != nil {
		b.Fatal(err)
	}
	turn := engine.TurnInput{UserID: u.ID, RoomID: room.ID, Content: "따뜻한 아메리카노 한 잔 주세요.", Source: engine.SourceWeb, Locale: "en"}
	var total time.Duration
	b.ResetTimer()
	cpu := processCPU() // the coach's work included: each turn's is waited for
	for i := 0; i < b.N; i++ {
		var first time.Duration
		start := time.Now()
		res, err := eng.SendMessage(ctx, turn, func(ev engine.Event) {
			if ev.Kind == engine.EventDelta && first == 0 {
				first = time.Since(start)
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		total += first
		b.StopTimer()
		if fb := res.WaitFeedback(ctx); feedback && fb.Status != engine.FeedbackReady {
			b.Fatalf("feedback = %+v", fb)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "first-delta-ns/op")
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}
