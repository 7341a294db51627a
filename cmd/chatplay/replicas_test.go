package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

// Three replicas of the built binary on one PostgreSQL schema, with the fake
// model server and the fake Telegram Bot API: concurrent turns in shared
// rooms across the replicas keep each room's order and lose nothing;
// exactly one replica long-polls Telegram, and when it is killed another
// takes over within 15 s, every update answered exactly once; a replica
// killed mid-reply has its reply settled (failed, with the text streamed)
// within seconds, as another replica's API shows.
func TestThreeReplicas(t *testing.T) {
	if os.Getenv(sqlstoretest.PostgresURLEnv) == "" {
		t.Skip("several replicas need PostgreSQL: set " + sqlstoretest.PostgresURLEnv)
	}
	bin := buildBinary(t)
	db := sqlstoretest.Open(t, sqlstore.DialectPostgres)
	model := openaifake.New(t)
	hold := openaifake.NewHold()
	t.Cleanup(hold.Release)
	model.Default = func(req openaifake.Request) openaifake.Reply {
		if strings.HasPrefix(req.LastUserMessage(), "HOLD") { // streamed in part, then held
			// The second chunk comes after the partial-save interval
			// (100ms), so that the text so far is saved as it arrives.
			return openaifake.Reply{Chunks: []string{"Partial ", "reply", " never ends"}, ChunkDelay: 300 * time.Millisecond,
				Hold: hold, HoldAfter: 2}
		}
		reply := openaifake.Echo(req)
		reply.ChunkDelay = 20 * time.Millisecond // turns long enough to overlap
		return reply
	}
	tg := telegramfake.New(t)
	vars := map[string]string{
		"CHATPLAY_DATABASE_URL":                   sqlstoretest.URL(db),
		"CHATPLAY_DATABASE_MIGRATE_ON_START":      "false", // migrated once, above
		"CHATPLAY_MODEL_BASE_URL":                 model.URL(),
		"CHATPLAY_MODEL_API_KEY":                  "sk-test",
		"CHATPLAY_AUTH_JWT_SECRET":                strings.Repeat("replicas share this secret ", 2),
		"CHATPLAY_LIMITS_TURNS_PER_MINUTE":        "1000",
		"CHATPLAY_TELEGRAM_TOKEN":                 tg.Token(),
		"CHATPLAY_TELEGRAM_API_URL":               tg.URL(),
		"CHATPLAY_TELEGRAM_POLL_TIMEOUT":          "1s",
		"CHATPLAY_DATABASE_PARTIAL_SAVE_INTERVAL": "100ms",
		"CHATPLAY_SERVER_SHUTDOWN_TIMEOUT":        "5s",
	}
	var replicas []*replica
	for range 3 {
		replicas = append(replicas, startReplica(t, bin, vars))
	}

	t.Run("turns in shared rooms keep their order", func(t *testing.T) { playConcurrentTurns(t, replicas, model) })
	leader := telegramFailover(t, tg, replicas)
	var alive []*replica
	for _, r := range replicas {
		if r != replicas[leader] {
			alive = append(alive, r)
		}
	}
	t.Run("a reply cut by a crash is settled", func(t *testing.T) { crashMidReply(t, alive, hold) })
}

// playConcurrentTurns plays turns in three rooms of one user at once, each
// room's turns sent through all three replicas, then checks each room's
// history (every line sent is there once, each followed by its own reply)
// and what the model was asked: each turn of a room saw every earlier turn
// of it finished, none played beside another.
func playConcurrentTurns(t *testing.T, replicas []*replica, model *openaifake.Server) {
	token, _ := replicas[0].signupWithRoom(t)
	var rooms []int64
	for range 3 {
		var created struct {
			Room struct {
				ID int64 `json:"id"`
			} `json:"room"`
		}
		replicas[1].call(t, http.MethodPost, "/rooms", token, map[string]string{
			"language": "ko", "situation": "a shared table in a cafe", "user_role": "guest", "bot_role": "host",
		}, &created, http.StatusCreated)
		rooms = append(rooms, created.Room.ID)
	}
	const perRoom = 6
	var wg sync.WaitGroup
	for _, room := range rooms {
		for i := range perRoom {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp := replicas[i%3].postMessage(t, token, room, fmt.Sprintf("line %d of room %d", i, room), false)
				defer resp.Body.Close()
				if resp.StatusCode/100 != 2 {
					b, _ := io.ReadAll(resp.Body)
					t.Errorf("turn %d in room %d: %d %s", i, room, resp.StatusCode, b)
				}
			}()
		}
	}
	wg.Wait()
	for _, room := range rooms {
		msgs := replicas[2].history(t, token, room)
		seen := map[string]bool{}
		for j := 0; j+1 < len(msgs); j += 2 {
			user, reply := msgs[j], msgs[j+1]
			if user.Role != "user" || reply.Role != "assistant" || reply.Status != "complete" || reply.Content != "echo: "+user.Content {
				t.Fatalf("room %d, messages %d and %d: %+v then %+v; want a line and its own reply", room, j, j+1, user, reply)
			}
			seen[user.Content] = true
		}
		if len(msgs) != 2*perRoom || len(seen) != perRoom {
			t.Fatalf("room %d holds %d messages (%d lines), want %d lines each with its reply: %+v", room, len(msgs), len(seen), perRoom, msgs)
		}
		checkPrompts(t, model, room, perRoom)
	}
}

// checkPrompts checks the chat requests of room's turns: turn k (from 0) saw
// the k turns before it, each line with its finished reply, then its line.
func checkPrompts(t *testing.T, model *openaifake.Server, room int64, turns int) {
	t.Helper()
	suffix := fmt.Sprintf(" of room %d", room)
	seen := make([]bool, turns)
	for _, req := range model.Requests() {
		if req.ResponseFormat != nil || !strings.HasSuffix(req.LastUserMessage(), suffix) {
			continue // a coach call, or another room's turn
		}
		var convo []openaifake.Message
		for _, m := range req.Messages {
			if m.Role == "user" || m.Role == "assistant" {
				convo = append(convo, m)
			}
		}
		k := len(convo) / 2
		if len(convo)%2 != 1 || k >= turns || seen[k] {
			t.Fatalf("room %d: a turn saw %d lines and replies before its own (another turn's reply unfinished, or two turns at once): %+v", room, len(convo)-1, convo)
		}
		seen[k] = true
		for j := 0; j+1 < len(convo)-1; j += 2 {
			if convo[j+1].Content != "echo: "+convo[j].Content {
				t.Fatalf("room %d: turn %d saw %q answered %q", room, k, convo[j].Content, convo[j+1].Content)
			}
		}
	}
}

// telegramFailover finds the one replica that polls Telegram, checks that
// updates are answered once, kills it and checks that another takes over
// and answers the updates sent after the kill, each once. It returns the
// index of the killed replica.
func telegramFailover(t *testing.T, tg *telegramfake.Server, replicas []*replica) int {
	t.Helper()
	leader := -1
	deadline := time.Now().Add(15 * time.Second)
	for leader < 0 {
		var connected, standby []int
		for i, r := range replicas {
			switch r.telegramStatus(t) {
			case "connected":
				connected = append(connected, i)
			case "standby":
				standby = append(standby, i)
			}
		}
		if len(connected) > 1 {
			t.Fatalf("replicas %v all poll Telegram", connected)
		}
		if len(connected) == 1 && len(standby) == 2 {
			leader = connected[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no single Telegram leader: connected %v, standby %v", connected, standby)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := len(tg.Calls("getMe")); n != 1 {
		t.Fatalf("%d replicas set the Telegram bot up, want only the leader", n)
	}
	send := func(chats []int64) { // a user of each chat says hello: the bot answers that there is no room yet
		for _, chat := range chats {
			tg.PushUpdate(telegramfake.Update{Message: telegramfake.Text(telegramfake.Chat{ID: chat, Type: "private"},
				telegramfake.User{ID: chat, FirstName: "Mina", LanguageCode: "en"}, "hello there")})
		}
	}
	answered := func(chats []int64) {
		tg.WaitFor(t, fmt.Sprintf("an answer in each of chats %v", chats), func(calls []telegramfake.Call) bool {
			for _, chat := range chats {
				if countAnswers(calls, chat) == 0 {
					return false
				}
			}
			return true
		}, "sendMessage")
	}
	before, after := []int64{7001, 7002, 7003}, []int64{7004, 7005, 7006}
	send(before)
	answered(before)

	replicas[leader].kill(t)
	killed := time.Now()
	send(after)
	answered(after) // within telegramfake.WaitTimeout, 15 s
	t.Logf("Telegram failover: answers after the kill within %s", time.Since(killed).Round(100*time.Millisecond))
	// The new leader has fetched every update again from the last offset
	// the killed one confirmed; wait until it has confirmed them all.
	last := tg.NextUpdateID() - 1
	tg.WaitFor(t, "getUpdates confirming every update", func(calls []telegramfake.Call) bool {
		for _, c := range calls {
			if c.Int("offset") > last {
				return true
			}
		}
		return false
	}, "getUpdates")
	calls := tg.Calls("sendMessage")
	for _, chat := range append(before, after...) {
		if n := countAnswers(calls, chat); n != 1 {
			t.Errorf("chat %d got %d answers, want exactly 1", chat, n)
		}
	}
	standby, connected := 0, 0
	for i, r := range replicas {
		if i == leader {
			continue
		}
		switch r.telegramStatus(t) {
		case "standby":
			standby++
		case "connected":
			connected++
		}
	}
	if connected != 1 || standby != 1 {
		t.Errorf("after the failover: %d replicas connected and %d on standby, want 1 and 1", connected, standby)
	}
	return leader
}

// countAnswers counts the sendMessage calls to chat.
func countAnswers(calls []telegramfake.Call, chat int64) int {
	n := 0
	for _, c := range calls {
		if c.Method == "sendMessage" && c.Int("chat_id") == chat {
			n++
		}
	}
	return n
}

// crashMidReply starts a reply through alive[0], held by the model after
// its first chunks, kills alive[0] once alive[1] shows the partial text
// saved, and waits for alive[1] to show the reply failed with that text.
func crashMidReply(t *testing.T, alive []*replica, hold *openaifake.Hold) {
	doomed, witness := alive[0], alive[1]
	token, room := witness.signupWithRoom(t)
	resp := doomed.postMessage(t, token, room, "HOLD this reply", true)
	defer resp.Body.Close()
	<-hold.Reached()
	const partial = "Partial reply"
	waitHistory(t, witness, token, room, "the partial reply saved", func(msgs []apiMessage) bool {
		return len(msgs) == 2 && msgs[1].Status == "pending" && msgs[1].Content == partial
	})
	doomed.kill(t)
	killed := time.Now()
	waitHistory(t, witness, token, room, "the reply settled as failed with its text", func(msgs []apiMessage) bool {
		return len(msgs) == 2 && msgs[1].Status == "failed" && msgs[1].Content == partial
	})
	t.Logf("reply settled %s after the kill", time.Since(killed).Round(100*time.Millisecond))
}

// waitHistory polls the room's history through r until ok holds, for at
// most 15 s.
func waitHistory(t *testing.T, r *replica, token string, room int64, what string, ok func([]apiMessage) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		msgs := r.history(t, token, room)
		if ok(msgs) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: the room holds %+v", what, msgs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
