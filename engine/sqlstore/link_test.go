package sqlstore_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// TestMergeHandlesEveryUserColumn fails when a migration adds a column that
// refers to a user (user_id, owner_id) that LinkIdentity's merge does not
// declare how it handles: its rows would vanish with the merged user.
func TestMergeHandlesEveryUserColumn(t *testing.T) {
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var inSchema []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		col, _, _ := strings.Cut(sc.Text(), " ")
		if strings.HasSuffix(col, ".user_id") || strings.HasSuffix(col, ".owner_id") {
			inSchema = append(inSchema, col)
		}
	}
	var declared []string
	for col := range sqlstore.UserColumns {
		declared = append(declared, col)
	}
	slices.Sort(inSchema)
	slices.Sort(declared)
	if !slices.Equal(inSchema, declared) {
		t.Fatalf("user columns in %s:\n%v\nhandled by the merge (sqlstore.userColumns):\n%v", schemaFile, inSchema, declared)
	}
}

// userRowCounts returns how many rows of each user column name userID.
func userRowCounts(t *testing.T, db *sqlstore.DB, userID int64) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for col := range sqlstore.UserColumns {
		table, column, _ := strings.Cut(col, ".")
		n, err := sqlstore.BunDB(db).NewSelect().TableExpr(table).Where("? = ?", bun.Ident(column), userID).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		counts[col] = n
	}
	return counts
}

// seedUser gives u one of everything a learner owns: a room with a
// message, its feedback and translation, a goal, a finished reply in the
// ledger (llm_calls, usage_daily), a report with a word, a token
// reservation, a turn start and a binding on provider.
func seedUser(t *testing.T, db *sqlstore.DB, u *engine.User, provider engine.Provider, scope string, tokens int) *engine.Room {
	t.Helper()
	ctx := context.Background()
	room := &engine.Room{OwnerID: u.ID, Title: "Coffee", Language: "ko", Level: "B1", Situation: "a cafe", UserRole: "customer", BotRole: "barista",
		Goals: []engine.Goal{{Text: "order"}}}
	if err := db.CreateRoom(ctx, room, 0); err != nil {
		t.Fatal(err)
	}
	line := &engine.Message{RoomID: room.ID, Role: engine.RoleUser, Content: "커피", Status: engine.StatusComplete, Source: engine.SourceTelegram}
	reply := &engine.Message{RoomID: room.ID, Role: engine.RoleAssistant, Status: engine.StatusPending, Source: engine.SourceTelegram}
	if err := db.CreateMessages(ctx, line, reply); err != nil {
		t.Fatal(err)
	}
	reply.Content, reply.Status = "네", engine.StatusComplete
	call := &engine.LLMCall{RoomID: room.ID, UserID: u.ID, Model: "m", PromptTokens: tokens, CompletionTokens: 1, Attempts: 1, Status: engine.StatusComplete}
	if err := db.FinishReply(ctx, reply, call); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateFeedback(ctx, &engine.Feedback{MessageID: line.ID, Status: engine.FeedbackPending, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveTranslation(ctx, &engine.Translation{MessageID: reply.ID, Language: "en", Text: "yes"}); err != nil {
		t.Fatal(err)
	}
	rep := &engine.Report{RoomID: room.ID, Scene: "Coffee", Language: "ko", Summary: "ok", Vocabulary: []engine.VocabularyItem{{Term: "커피", Meaning: "coffee"}}}
	if err := db.CreateReport(ctx, u.ID, rep); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC()
	res := &engine.TokenReservation{UserID: u.ID, Day: at.Format("2006-01-02"), Tokens: 5, CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
	if err := db.ReserveTokens(ctx, res, func(int64) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.NewTurnLimiter(100, time.Minute).AllowTurn(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.SetBinding(ctx, &engine.Binding{Provider: provider, Scope: scope, UserID: u.ID, RoomID: room.ID}); err != nil {
		t.Fatal(err)
	}
	return room
}

func TestLinkIdentityMovesEverything(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		email := "web@example.com"
		acct := &engine.User{Email: &email, DisplayName: "web", Locale: "en"}
		if err := db.CreateUser(ctx, acct); err != nil {
			t.Fatal(err)
		}
		bot, _, err := db.EnsureIdentityUser(ctx, &engine.Identity{Provider: engine.ProviderTelegram, Subject: "42", Username: "tg"}, &engine.User{DisplayName: "tg", Locale: "en"})
		if err != nil {
			t.Fatal(err)
		}
		seedUser(t, db, acct, engine.ProviderDiscord, "thread-1", 100)
		botRoom := seedUser(t, db, bot, engine.ProviderTelegram, "chat-1", 20)
		before, botBefore := userRowCounts(t, db, acct.ID), userRowCounts(t, db, bot.ID)

		id, err := db.LinkIdentity(ctx, acct.ID, engine.ProviderTelegram, "42", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if id.UserID != acct.ID || id.LinkedAt == nil {
			t.Fatalf("linked identity = %+v", id)
		}
		after := userRowCounts(t, db, acct.ID)
		for col := range sqlstore.UserColumns {
			want := before[col] + botBefore[col]
			switch col {
			case "usage_daily.user_id": // same day and model: one row, summed
				want = before[col]
			case "auth_sessions.user_id", "link_codes.user_id":
				want = before[col]
			}
			if after[col] != want {
				t.Errorf("%s rows of the account = %d, want %d (account had %d, bot user %d)", col, after[col], want, before[col], botBefore[col])
			}
		}
		if _, err := db.FindUserByID(ctx, bot.ID); err == nil {
			t.Error("the bot-only user still exists")
		}
		usage, err := db.ListUsage(ctx, acct.ID, "2000-01-01")
		if err != nil {
			t.Fatal(err)
		}
		if len(usage) != 1 || usage[0].Calls != 2 || usage[0].PromptTokens != 120 || usage[0].CompletionTokens != 2 {
			t.Errorf("usage = %+v, want one row of 2 calls, 120 prompt and 2 completion tokens", usage)
		}
		room, err := db.FindRoom(ctx, acct.ID, botRoom.ID)
		if err != nil || len(room.Goals) != 1 {
			t.Fatalf("the bot user's room as the account's: %+v, %v", room, err)
		}
		msgs, err := db.ListMessages(ctx, botRoom.ID, 0, 10)
		if err != nil || len(msgs) != 2 {
			t.Fatalf("messages = %d, %v", len(msgs), err)
		}
		if fb, err := db.FindFeedback(ctx, msgs[1].ID); err != nil || fb.MessageID != msgs[1].ID {
			t.Errorf("feedback after the merge: %v", err)
		}
		if tr, err := db.FindTranslation(ctx, msgs[0].ID, "en"); err != nil || tr.Text != "yes" {
			t.Errorf("translation after the merge: %v", err)
		}
		if b, err := db.FindBinding(ctx, engine.ProviderTelegram, "chat-1", acct.ID); err != nil || b.RoomID != botRoom.ID {
			t.Errorf("binding after the merge: %+v, %v", b, err)
		}
		vocab, err := db.ListVocabulary(ctx, acct.ID, 0, 10)
		if err != nil || len(vocab) != 2 {
			t.Errorf("vocabulary after the merge: %d words, %v", len(vocab), err)
		}

		// Linking again changes nothing.
		again, err := db.LinkIdentity(ctx, acct.ID, engine.ProviderTelegram, "42", time.Now())
		if err != nil || !again.LinkedAt.Equal(*id.LinkedAt) {
			t.Fatalf("second link: %+v, %v", again, err)
		}
		if got := userRowCounts(t, db, acct.ID); !mapsEqual(got, after) {
			t.Errorf("a second link changed the account's rows: %v, was %v", got, after)
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestRedeemLinkCodeOnce redeems one code from many goroutines at once:
// exactly one links, the others find the code used.
func TestRedeemLinkCodeOnce(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		email := "race@example.com"
		acct := &engine.User{Email: &email, DisplayName: "web", Locale: "en"}
		if err := db.CreateUser(ctx, acct); err != nil {
			t.Fatal(err)
		}
		const n = 8
		for i := range n {
			if _, _, err := db.EnsureIdentityUser(ctx, &engine.Identity{Provider: engine.ProviderDiscord, Subject: fmt.Sprint(i)}, &engine.User{DisplayName: "d", Locale: "en"}); err != nil {
				t.Fatal(err)
			}
		}
		at := time.Now().UTC()
		if err := db.CreateLinkCode(ctx, &engine.LinkCode{Hash: "h", From: engine.LinkParty{UserID: acct.ID}, CreatedAt: at, ExpiresAt: at.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  = make([]error, n)
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = db.RedeemLinkCode(ctx, "h", engine.LinkParty{Provider: engine.ProviderDiscord, Subject: fmt.Sprint(i)}, at)
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case engine.AsError(err).Reason != engine.ReasonLinkCode:
				t.Errorf("a losing redemption: %v", err)
			}
		}
		ids, err := db.ListIdentities(ctx, acct.ID)
		if won != 1 || err != nil || len(ids) != 1 {
			t.Fatalf("%d redemptions won, the account has %d identities (%v); want exactly one", won, len(ids), err)
		}
	})
}
