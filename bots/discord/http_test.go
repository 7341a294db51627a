package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine/openai/openaifake"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
)

func TestSignature(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		_, wrongKey, _ := ed25519.GenerateKey(nil)

		// PING, signed, is answered with PONG.
		ping := e.golden(t, "ping.json", alice)
		body, _ := json.Marshal(ping)
		if status, resp := e.do(t, e.sign(t, body, e.priv)); status != http.StatusOK || respType(resp) != int(discordgo.InteractionResponsePong) {
			t.Fatalf("ping answered %d %v", status, resp)
		}

		m := e.golden(t, "command_room_new.json", alice)
		body, _ = json.Marshal(m)
		for name, req := range map[string]*http.Request{
			"a flipped body byte": func() *http.Request {
				r := e.sign(t, body, e.priv)
				flipped := append([]byte(nil), body...)
				flipped[len(flipped)/2] ^= 0x01
				r2 := e.sign(t, flipped, e.priv)
				r2.Header = r.Header // the signature of the original body
				return r2
			}(),
			"a flipped signature byte": func() *http.Request {
				r := e.sign(t, body, e.priv)
				sig := []byte(r.Header.Get("X-Signature-Ed25519"))
				if sig[0] == 'a' {
					sig[0] = 'b'
				} else {
					sig[0] = 'a'
				}
				r.Header.Set("X-Signature-Ed25519", string(sig))
				return r
			}(),
			"another timestamp": func() *http.Request {
				r := e.sign(t, body, e.priv)
				r.Header.Set("X-Signature-Timestamp", "1")
				return r
			}(),
			"a wrong key": e.sign(t, body, wrongKey),
			"rightly signed, but ten minutes old": func() *http.Request {
				ts := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
				r := e.sign(t, body, e.priv)
				r.Header.Set("X-Signature-Timestamp", ts)
				r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(e.priv, append([]byte(ts), body...))))
				return r
			}(),
			"no signature": func() *http.Request {
				r := e.sign(t, body, e.priv)
				r.Header.Del("X-Signature-Ed25519")
				return r
			}(),
			"no timestamp": func() *http.Request {
				r := e.sign(t, body, e.priv)
				r.Header.Del("X-Signature-Timestamp")
				return r
			}(),
		} {
			if status, _ := e.do(t, req); status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", name, status)
			}
		}
		e.idle()
		if calls := e.fake.Calls(); len(calls) != 0 {
			t.Errorf("refused requests made calls: %v", calls)
		}
		// Nothing happened: no user, no claim. The same interaction, rightly
		// signed, is then handled.
		if _, err := db.FindUserByID(context.Background(), 1); err == nil {
			t.Error("a refused request made a user")
		}
		resp := e.sendOK(t, m)
		if respType(resp) != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) { // the scene starts
			t.Fatalf("valid request answered %v", resp)
		}
		if n, _ := db.CountRooms(context.Background(), e.user(t, alice).ID); n != 1 {
			t.Errorf("%d rooms, want 1", n)
		}
	})
}

func TestDuplicateInteraction(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		m := e.golden(t, "command_room_new.json", alice)
		e.sendOK(t, m)
		before := len(e.fake.Calls()) // the scene's start
		if status, _ := e.send(t, m); status != http.StatusConflict {
			t.Errorf("repeated interaction answered %d, want 409", status)
		}
		e.idle()
		e.viaGateway(t, m) // and through the gateway: no callback
		if calls := e.fake.Calls()[before:]; len(calls) != 0 {
			t.Errorf("calls = %v", calls)
		}
		if n, _ := db.CountRooms(context.Background(), e.user(t, alice).ID); n != 1 {
			t.Errorf("%d rooms, want 1", n)
		}
	})
}

func TestGatewayInteraction(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		m := e.golden(t, "command_help_dm.json", alice) // a DM, locale ja
		e.viaGateway(t, m)
		calls := e.fake.Calls()
		if len(calls) != 1 || calls[0].Method != http.MethodPost || calls[0].Path != "/interactions/"+m["id"].(string)+"/"+m["token"].(string)+"/callback" {
			t.Fatalf("calls = %v", calls)
		}
		d := calls[0].JSON["data"].(map[string]any)
		if calls[0].JSON["type"] != float64(4) || !ephemeral(d) || d["content"] != text("ja", msgHelp) {
			t.Errorf("callback = %v", calls[0].JSON)
		}
		e.viaGateway(t, m) // delivered twice: answered once
		if n := len(e.fake.Calls()); n != 1 {
			t.Errorf("%d calls after a repeated delivery", n)
		}
	})
}

func TestEnterInDM(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		r := e.room(t, alice, "Cafe")
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"어서 ", "오세요!"}})
		m := e.golden(t, "command_help_dm.json", alice)
		m["data"] = map[string]any{"id": "1250000000000000001", "name": "room", "type": 1, "options": []any{
			map[string]any{"name": "enter", "type": 1, "options": []any{map[string]any{"name": "room", "type": 3, "value": fmtRoomID(r)}}}}}
		e.viaGateway(t, m)
		if got := e.shown(m["token"].(string)); got != "어서 오세요!" || e.lastReply(t, alice, r.ID).Content != got {
			t.Errorf("DM shows %q", got)
		}
		// Plain DM messages speak in the active room.
		e.model.Enqueue(openaifake.Reply{Chunks: []string{"네!"}})
		e.bot.onMessageCreate(e.bot.session, &discordgo.MessageCreate{Message: &discordgo.Message{ID: "1500000000000000002",
			ChannelID: "1000000000000000050", Content: "커피 주세요", Author: &discordgo.User{ID: alice.id, Username: alice.username}}})
		e.idle()
		if got := e.shown("1000000000000000050"); got != "네!" {
			t.Errorf("DM channel shows %q", got)
		}
	})
}

// A handler that is slow to answer is acknowledged in time with a deferral,
// and its answer then edits that deferral.
func TestSlowHandlerDeferredInTime(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		release := make(chan struct{})
		e.bot.ackAfter = 20 * time.Millisecond
		e.bot.beforeRoute = func(*discordgo.Interaction) { <-release }

		m := e.golden(t, "command_room_new.json", alice)
		status, resp := e.send(t, m) // answered while the handler waits
		if status != http.StatusOK || respType(resp) != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) ||
			!ephemeral(respData(t, resp)) {
			t.Fatalf("answered %d %v, want an ephemeral deferral", status, resp)
		}
		close(release)
		e.idle()
		if got := e.shown(m["token"].(string)); !strings.HasPrefix(got, "**Cafe in Seoul** 방을 만들었습니다.") {
			t.Errorf("the deferral shows %q", got)
		}
		if n, _ := db.CountRooms(context.Background(), e.user(t, alice).ID); n != 1 {
			t.Errorf("%d rooms, want 1", n)
		}
	})
}
