package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
)

// surfaceMessage is a message as the API answers it, with its source.
type surfaceMessage struct {
	ID        int64  `json:"id"`
	Role      string `json:"role"`
	Content   string `json:"content"`
	Status    string `json:"status"`
	ErrorCode string `json:"error_code"`
	Source    string `json:"source"`
}

// sseEvent is one Server-Sent Event: its id (empty when it has none), name
// and data.
type sseEvent struct {
	ID, Event, Data string
}

// roomEvents is an open GET /rooms/{id}/events stream, read by a goroutine
// into events (closed when the stream ends).
type roomEvents struct {
	events chan sseEvent
	err    error // why the stream ended; read after events is closed
}

// watchRoom opens the room's event stream with token, fails unless it is
// answered 200 text/event-stream, and closes it at the end of the test.
func (s *served) watchRoom(t *testing.T, token string, roomID int64) *roomEvents {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("http://%s/api/v1/rooms/%d/events", s.addr, roomID), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET events: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("GET /rooms/%d/events = %d %q %s, want 200 text/event-stream", roomID, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	w := &roomEvents{events: make(chan sseEvent, 64)}
	done := make(chan struct{}) // closed at the end of the test: nobody reads events any more
	go func() {
		defer close(w.events)
		r := bufio.NewReader(resp.Body)
		var ev sseEvent
		var data []string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				w.err = err
				return
			}
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch {
			case line == "":
				if ev.Event != "" || len(data) > 0 {
					ev.Data = strings.Join(data, "\n")
					select {
					case w.events <- ev:
					case <-done:
						return
					}
				}
				ev, data = sseEvent{}, nil
			case field == "": // a comment (": ping")
			case field == "id":
				ev.ID = value
			case field == "event":
				ev.Event = value
			case field == "data":
				data = append(data, value)
			}
		}
	}()
	t.Cleanup(func() { close(done); resp.Body.Close() })
	return w
}

// eventWait bounds how long a test waits for the next event of a stream.
const eventWait = 15 * time.Second

// next returns the stream's next event, failing the test when the stream
// ends or nothing comes within eventWait.
func (w *roomEvents) next(t *testing.T) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-w.events:
		if !ok {
			t.Fatalf("the room's event stream ended: %v", w.err)
		}
		return ev
	case <-time.After(eventWait):
		t.Fatalf("no room event within %s", eventWait)
	}
	return sseEvent{}
}

// decode decodes the event's data into v.
func (ev sseEvent) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(ev.Data), v); err != nil {
		t.Fatalf("event %s: %v in %s", ev.Event, err, ev.Data)
	}
}

// message decodes the message of a message, reply_started or reply event.
func (ev sseEvent) message(t *testing.T) surfaceMessage {
	t.Helper()
	var body struct {
		Message *surfaceMessage `json:"message"`
	}
	ev.decode(t, &body)
	if body.Message == nil {
		t.Fatalf("event %s carries no message: %s", ev.Event, ev.Data)
	}
	return *body.Message
}

// tgChat is a private Telegram chat with one user, through the fake.
type tgChat struct {
	api  *telegramfake.Server
	chat telegramfake.Chat
	from telegramfake.User
}

// send delivers a text message from the user and returns how many messages
// the bot had sent to the chat before it: what it answers comes after.
func (c *tgChat) send(text string) int {
	before := len(c.sent())
	c.api.PushUpdate(telegramfake.Update{Message: telegramfake.Text(c.chat, c.from, text)})
	return before
}

// press delivers the press of a button with data on the bot's message msgID
// and returns how many messages the bot had sent to the chat before it.
func (c *tgChat) press(msgID int, data string) int {
	before := len(c.sent())
	me := c.api.Me()
	c.api.PushUpdate(telegramfake.Update{CallbackQuery: &telegramfake.CallbackQuery{
		ID: "cb" + strconv.Itoa(msgID), From: c.from, ChatInstance: "7", Data: data,
		Message: &telegramfake.Message{MessageID: msgID, Chat: c.chat, From: &me, Text: "?"},
	}})
	return before
}

// sent returns the successful sendMessage calls to the chat, in order.
func (c *tgChat) sent() []telegramfake.Call {
	var out []telegramfake.Call
	for _, call := range c.api.Calls("sendMessage") {
		if call.Int("chat_id") == c.chat.ID && call.ErrorCode == 0 {
			out = append(out, call)
		}
	}
	return out
}

// texts returns what the chat shows of the bot's messages sent after the
// first `since`, as last edited.
func (c *tgChat) texts(since int) []string {
	var out []string
	for _, call := range c.sent()[since:] {
		m, _ := c.api.Message(c.chat.ID, call.MessageID())
		out = append(out, m.Text)
	}
	return out
}

// waitText waits until one of the bot's messages sent after the first
// `since` satisfies ok, as last edited, and returns its id and text.
func (c *tgChat) waitText(t *testing.T, since int, what string, ok func(text string) bool) (int, string) {
	t.Helper()
	var id int
	var text string
	c.api.WaitFor(t, what, func([]telegramfake.Call) bool {
		sent := c.sent()
		for _, call := range sent[min(since, len(sent)):] {
			m, _ := c.api.Message(c.chat.ID, call.MessageID())
			if ok(m.Text) {
				id, text = call.MessageID(), m.Text
				return true
			}
		}
		return false
	}, "sendMessage", "editMessageText")
	return id, text
}

// discordPerson is who sends the interactions of a discordClient.
type discordPerson struct{ id, username, global string }

// discordClient sends signed interactions to serve's interactions endpoint,
// as Discord does, from one member of one guild.
type discordClient struct {
	s     *served
	api   *discordfake.Server
	appID string
	priv  ed25519.PrivateKey
	guild string
	who   discordPerson
	seq   atomic.Int64
}

// command returns an application command interaction named name with
// options, used in channel ch.
func (d *discordClient) command(ch discordfake.Channel, name string, options []any) map[string]any {
	id := strconv.FormatInt(d.seq.Add(1), 10)
	channel := map[string]any{"id": ch.ID, "type": ch.Type, "guild_id": ch.GuildID, "name": ch.Name}
	if ch.ParentID != "" {
		channel["parent_id"], channel["owner_id"] = ch.ParentID, ch.OwnerID
	}
	if options == nil {
		options = []any{}
	}
	return map[string]any{
		"id": id, "token": "token-" + id, "application_id": d.appID, "type": 2, "version": 1, "locale": "en-US",
		"app_permissions": "2248473465835073", "guild_id": d.guild, "guild_locale": "en-US",
		"channel_id": ch.ID, "channel": channel,
		"member": map[string]any{"permissions": "2248473465835073", "roles": []any{}, "joined_at": "2026-01-02T03:04:05.123000+00:00",
			"user": map[string]any{"id": d.who.id, "username": d.who.username, "global_name": d.who.global, "discriminator": "0"}},
		"data": map[string]any{"id": "1250000000000000001", "name": name, "type": 1, "options": options},
	}
}

// send posts the interaction, signed, and returns its initial response
// (the HTTP answer), failing unless it is 200.
func (d *discordClient) send(t *testing.T, in map[string]any) map[string]any {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, "http://"+d.s.addr+"/discord/interactions", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(d.priv, append([]byte(ts), body...))))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &out) != nil {
		t.Fatalf("interaction /%v = %d %s, want 200 and a response", in["data"].(map[string]any)["name"], resp.StatusCode, data)
	}
	return out
}

// answer returns what the user sees of an interaction's answer: its initial
// response's content when that was a message, else (a deferral) the first
// of its messages (the original response, edited, or a followup) for which
// ok holds, once there is one.
func (d *discordClient) answer(t *testing.T, in, initial map[string]any, what string, ok func(content string) bool) string {
	t.Helper()
	if typ, _ := initial["type"].(float64); typ == 4 { // CHANNEL_MESSAGE_WITH_SOURCE
		data, _ := initial["data"].(map[string]any)
		content, _ := data["content"].(string)
		if !ok(content) {
			t.Fatalf("%s: the answer is %q", what, content)
		}
		return content
	}
	token := in["token"].(string)
	var content string
	d.api.WaitFor(t, what, func([]discordfake.Call) bool {
		for _, m := range d.api.Messages(token) {
			if ok(m.Content) {
				content = m.Content
				return true
			}
		}
		return false
	})
	return content
}

// ephemeral reports whether an interaction's answer is seen only by its
// user: the initial response's flags, or the deferral's.
func ephemeral(initial map[string]any) bool {
	data, _ := initial["data"].(map[string]any)
	flags, _ := data["flags"].(float64)
	return int(flags)&64 != 0
}
