package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// TestEveryCallKeepsItsSurface plays one scene from three surfaces, with the
// coach, a hint, a translation and a report, and reads the usage: every
// model call is counted under the surface it was played or asked from and
// its kind.
func TestEveryCallKeepsItsSurface(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		env := newCoachEnv(t, db, nil)
		ctx := context.Background()
		room := env.coachedRoom(t, env.alice)
		turn := func(surface engine.Source, line, reply string) {
			t.Helper()
			env.fake.Enqueue(openaifake.Reply{Chunks: []string{reply}})
			env.fake.EnqueueKind("feedback", openaifake.JSON(coachAnswer(line)))
			res, err := env.eng.SendMessage(ctx, engine.TurnInput{UserID: env.alice.ID, RoomID: room.ID, Content: line, Source: surface}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if fb := res.WaitFeedback(ctx); fb == nil || fb.Status != engine.FeedbackReady {
				t.Fatalf("feedback on %q = %+v", line, fb)
			}
		}

		env.fake.Enqueue(openaifake.Reply{Chunks: []string{reportBot1}})
		if _, err := env.eng.OpenScene(ctx, env.alice.ID, room.ID, engine.SourceTelegram, nil); err != nil {
			t.Fatal(err)
		}
		turn(engine.SourceTelegram, reportLine1, reportBot2)
		turn(engine.SourceDiscord, reportLine2, "감사합니다.")

		env.fake.EnqueueKind("hint", hintAnswer(), hintAnswer())
		if _, err := env.eng.HintFrom(ctx, env.alice.ID, room.ID, engine.SourceDiscord, "en"); err != nil {
			t.Fatal(err)
		}
		if _, err := env.eng.HintFrom(ctx, env.alice.ID, room.ID, engine.SourceWeb, "en"); err != nil { // the web's
			t.Fatal(err)
		}
		last, err := env.eng.LastReply(ctx, env.alice.ID, room.ID)
		if err != nil {
			t.Fatal(err)
		}
		env.fake.EnqueueKind("translate", openaifake.JSON(map[string]any{"text": "Thank you."}))
		if _, err := env.eng.TranslateFrom(ctx, env.alice.ID, room.ID, last.ID, engine.SourceTelegram, "en"); err != nil {
			t.Fatal(err)
		}
		env.fake.EnqueueKind("report", reportAnswer())
		if _, err := env.eng.EndSceneFrom(ctx, env.alice.ID, room.ID, engine.SourceDiscord, "en"); err != nil {
			t.Fatal(err)
		}
		// An unknown surface is refused before anything is called.
		_, err = env.eng.HintFrom(ctx, env.alice.ID, room.ID, "irc", "en")
		wantCode(t, err, engine.CodeInvalid)
		_, err = env.eng.TranslateFrom(ctx, env.alice.ID, room.ID, last.ID, "", "en")
		wantCode(t, err, engine.CodeInvalid)
		_, err = env.eng.EndSceneFrom(ctx, env.alice.ID, room.ID, "irc", "en")
		wantCode(t, err, engine.CodeInvalid)

		usage, err := env.eng.ListUsage(ctx, env.alice.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, u := range usage {
			got[string(u.Surface)+"/"+string(u.Kind)] += u.Calls
		}
		want := map[string]int{
			"telegram/reply": 2, "telegram/feedback": 1, "telegram/translate": 1,
			"discord/reply": 1, "discord/feedback": 1, "discord/hint": 1, "discord/report": 1,
			"web/hint": 1,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("calls by surface and kind = %v, want %v (usage %+v)", got, want, usage)
		}
	})
}
