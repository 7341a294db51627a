package discord

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// The lines of the scene the report tests play.
const (
	repBot1  = "어서 오세요! 무엇을 드릴까요?"
	repLine1 = "라떼 하나 줘"
	repBot2  = "네, 따뜻한 라떼 드릴까요?"
	repLine2 = "네, 카드로 계산할게요."
	repBot3  = "감사합니다. 영수증 드릴까요?"
)

// repAnswer is a scripted report answer on the scene, its texts carrying
// markdown and mentions as a model might write them.
func repAnswer() openaifake.Reply {
	w := func(term, meaning, example string) map[string]string {
		return map[string]string{"term": term, "meaning": meaning, "example": example}
	}
	return openaifake.JSON(map[string]any{
		"summary": "You ordered a **warm** latte <@2000000000000000002> and paid by card.",
		"mistakes": []any{map[string]string{"kind": "register", "original": repLine1, "better": "라떼 하나 주세요",
			"explanation": "Use _polite_ speech with staff."}},
		"vocabulary": []any{w("라떼", "latte", repLine1), w("따뜻하다", "to be warm", repBot2), w("계산하다", "to pay", repLine2),
			w("드리다", "to give (humble)", repBot2), w("영수증", "receipt", repBot3)},
		"next_steps": []string{"Practise polite requests with 주세요."},
	})
}

// playScene makes p a room with two goals (feedback off: the goals-only
// check), plays it in its thread, the second line achieving the first goal,
// and returns the room and the thread.
func (e *env) playScene(t *testing.T, p person) (*engine.Room, string) {
	t.Helper()
	off := false
	r, err := e.eng.CreateRoom(context.Background(), e.user(t, p).ID, engine.RoomInput{Title: "Latte", Language: "ko",
		Situation: "a cafe in Seoul", UserRole: "customer", BotRole: "barista", Feedback: &off,
		Goals: []string{"order a latte", "ask for the receipt"}})
	if err != nil {
		t.Fatal(err)
	}
	e.model.Enqueue(openaifake.Reply{Chunks: []string{repBot1}})
	thread := e.enter(t, p, r)
	e.model.Enqueue(openaifake.Reply{Chunks: []string{repBot2}})
	e.model.EnqueueKind("goals", openaifake.JSON(map[string]any{"achieved_goals": []int64{}}))
	e.message(t, p, thread, repLine1)
	e.model.Enqueue(openaifake.Reply{Chunks: []string{repBot3}})
	e.model.EnqueueKind("goals", openaifake.JSON(map[string]any{"achieved_goals": []int64{r.Goals[0].ID}}))
	e.message(t, p, thread, repLine2)
	return r, thread
}

// command sends the slash command name (no options) for p in channel and
// returns it and the initial response.
func (e *env) command(t *testing.T, p person, name, channel, locale string) (map[string]any, map[string]any) {
	t.Helper()
	m := e.golden(t, "command_reset.json", p)
	set(t, m, "data.name", name)
	m["channel_id"], m["locale"] = channel, locale
	return m, e.sendOK(t, m)
}

// /end in the room's thread posts the report there as an embed (golden
// file): the model's text escaped, the labels in the learner's language.
// The report is stored, and /reports lists it with a menu that shows it, to
// its owner alone.
func TestEndPostsTheReport(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		_, thread := e.playScene(t, alice)
		e.model.EnqueueKind("report", repAnswer())
		m, endResp := e.command(t, alice, cmdEnd, thread, "en-US")
		token := m["token"].(string)
		orig, ok := e.fake.Message(token, "@original")
		if !ok || orig.Flags&int(discordgo.MessageFlagsEphemeral) != 0 || len(orig.Embeds) != 1 {
			t.Fatalf("response = %+v, want one public embed", orig)
		}
		embed := orig.Embeds[0].(map[string]any)
		if d := respData(t, endResp); ephemeral(d) {
			t.Error("the report in the thread is ephemeral")
		}
		if _, ok := embed["timestamp"].(string); !ok {
			t.Error("no timestamp")
		}
		delete(embed, "timestamp")
		got, _ := json.MarshalIndent(embed, "", "  ")
		got = append(got, '\n')
		path := filepath.Join("testdata", "report_embed.golden")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if want, err := os.ReadFile(path); err != nil || string(got) != string(want) {
			t.Errorf("embed differs from %s (run with -update and review):\n%s", path, got)
		}

		reps, _, err := e.eng.ListReports(context.Background(), e.user(t, alice).ID, engine.Page{})
		if err != nil || len(reps) != 1 {
			t.Fatalf("reports = %v, %v", reps, err)
		}
		rid := fmtID(reps[0].ID)

		// /reports: alice's list, with a menu.
		_, resp := e.command(t, alice, cmdReports, thread, "ko")
		lst := respData(t, resp)
		if c, _ := lst["content"].(string); !ephemeral(lst) || !strings.Contains(c, "내 리포트 (최신순):\n1. **Latte** · ") ||
			!strings.Contains(c, "🎯 1/2") {
			t.Fatalf("list = %v", lst)
		}
		menu := lst["components"].([]any)[0].(map[string]any)["components"].([]any)[0].(map[string]any)
		opt := menu["options"].([]any)[0].(map[string]any)
		if menu["custom_id"] != "room:report:" || opt["value"] != rid {
			t.Errorf("menu = %v", menu)
		}
		// Choosing it shows the report, to alice alone.
		d := e.pick(t, alice, rid)
		if embeds, _ := d["embeds"].([]any); !ephemeral(d) || len(embeds) != 1 ||
			!strings.HasPrefix(embeds[0].(map[string]any)["title"].(string), "📝 Report: Latte") {
			t.Errorf("shown = %v", d)
		}

		// BOLA: bob, choosing alice's report (or nonsense), is told there is
		// no such report; his list is empty.
		e.user(t, bob)
		for _, v := range []string{rid, "x", "-1"} {
			if d := e.pick(t, bob, v); d["content"] != text("en", msgNoReport) || d["embeds"] != nil && len(d["embeds"].([]any)) != 0 {
				t.Errorf("bob picking %s sees %v", v, d)
			}
		}
		_, resp = e.command(t, bob, cmdReports, testChannelID, "ja")
		if lst := respData(t, resp); lst["content"] != text("ja", msgReportsNone) || len(lst["components"].([]any)) != 0 {
			t.Errorf("bob's list = %v", lst)
		}
	})
}

// pick sends p's choice of value in the /reports menu and returns the
// answer's data.
func (e *env) pick(t *testing.T, p person, value string) map[string]any {
	t.Helper()
	m := e.golden(t, "button.json", p) // locale en-US
	m["data"] = map[string]any{"component_type": 3, "custom_id": "room:report:", "values": []any{value}}
	resp := e.sendOK(t, m)
	if respType(resp) != int(discordgo.InteractionResponseChannelMessageWithSource) {
		t.Fatalf("pick answered %v", resp)
	}
	return respData(t, resp)
}

// /end in a DM shows the report to the learner alone; /end before any
// learner line says so, in the learner's language, and stores nothing.
func TestEndInADMAndEmpty(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r, _ := e.playScene(t, alice)
		dm := e.golden(t, "command_help_dm.json", alice)
		set(t, dm, "data.name", cmdEnd)
		dm["locale"] = "ja"
		e.model.EnqueueKind("report", repAnswer())
		resp := e.sendOK(t, dm)
		orig, _ := e.fake.Message(dm["token"].(string), "@original")
		if !ephemeral(respData(t, resp)) || len(orig.Embeds) != 1 ||
			!strings.HasPrefix(orig.Embeds[0].(map[string]any)["title"].(string), "📝 レポート：Latte") {
			t.Errorf("DM report = %+v", orig)
		}
		if err := e.eng.ResetRoom(context.Background(), e.user(t, alice).ID, r.ID); err != nil {
			t.Fatal(err)
		}
		dm = e.golden(t, "command_help_dm.json", alice)
		set(t, dm, "data.name", cmdEnd)
		dm["locale"] = "ko"
		resp = e.sendOK(t, dm)
		if got, _ := e.fake.Message(dm["token"].(string), "@original"); !ephemeral(respData(t, resp)) ||
			got.Content != reasonText[engine.ReasonEmptyScene]["ko"] || len(got.Embeds) != 0 {
			t.Errorf("empty scene answered %+v", got)
		}
		if reps, _, _ := e.eng.ListReports(context.Background(), e.user(t, alice).ID, engine.Page{}); len(reps) != 1 {
			t.Errorf("%d reports, want 1", len(reps))
		}
	})
}

// A report longer than an embed holds keeps within Discord's bounds: at
// most 25 fields of at most 1024 characters, 6000 in all, a last field
// saying that some was left out; a short one is whole.
func TestReportEmbedLimits(t *testing.T) {
	long := strings.Repeat("*word* ", 400)
	rep := &engine.Report{Scene: strings.Repeat("🎉", 300), Summary: long, CreatedAt: time.Now()}
	for range 40 {
		rep.Mistakes = append(rep.Mistakes, engine.ReportMistake{Kind: engine.IssueGrammar, Original: long, Better: long, Explanation: long})
		rep.Vocabulary = append(rep.Vocabulary, engine.VocabularyItem{Term: long, Meaning: long, Example: long})
		rep.Goals = append(rep.Goals, engine.ReportGoal{Text: long})
		rep.NextSteps = append(rep.NextSteps, long)
	}
	for _, lang := range []string{"en", "ko", "ja"} {
		e := reportEmbed(lang, rep)
		if len(e.Fields) > maxEmbedFields || embedUnits(e) > maxEmbedTotal || units(e.Title) > maxEmbedTitle || units(e.Description) > 4096 {
			t.Errorf("%s: %d fields, %d characters, title %d", lang, len(e.Fields), embedUnits(e), units(e.Title))
		}
		for _, f := range e.Fields {
			if units(f.Value) > maxEmbedFieldValue || units(f.Name) > maxEmbedFieldName || f.Value == "" {
				t.Errorf("%s: field %q has %d characters", lang, f.Name, units(f.Value))
			}
		}
		if last := e.Fields[len(e.Fields)-1]; last.Value != text(lang, msgReportCut) {
			t.Errorf("%s: last field = %+v, want the cut note", lang, last)
		}
	}
	short := &engine.Report{Scene: "Cafe", Summary: "Fine.", Goals: []engine.ReportGoal{{Text: "order", Achieved: true}},
		NextSteps: []string{"more"}}
	if e := reportEmbed("en", short); len(e.Fields) != 2 || e.Fields[0].Name != "🎯 Goals 1/1" || e.Fields[1].Value != "→ more" {
		t.Errorf("short report = %+v", e.Fields)
	}
}
