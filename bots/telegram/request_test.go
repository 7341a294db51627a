package telegram

import (
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestReadMessage(t *testing.T) {
	me := &models.User{ID: 99, IsBot: true, Username: "chatplay_bot"}
	private := models.Chat{ID: 5, Type: models.ChatTypePrivate}
	grp := models.Chat{ID: -5, Type: models.ChatTypeSupergroup}
	user := &models.User{ID: 5, FirstName: "U", LanguageCode: "ja"}
	mention := func(off, n int) []models.MessageEntity {
		return []models.MessageEntity{{Type: models.MessageEntityTypeMention, Offset: off, Length: n}}
	}
	for _, tc := range []struct {
		name          string
		m             models.Message
		nilReq        bool
		cmd, args, tx string
	}{
		{name: "command", m: models.Message{Chat: private, From: user, Text: "/new en | a | b | c"}, cmd: "/new", args: "en | a | b | c"},
		{name: "command for us", m: models.Message{Chat: grp, From: user, Text: "/Rooms@ChatPlay_Bot"}, cmd: "/rooms"},
		{name: "command for another bot", m: models.Message{Chat: grp, From: user, Text: "/rooms@other_bot"}, nilReq: true},
		{name: "command and newline", m: models.Message{Chat: private, From: user, Text: "/new\nen | a | b | c"}, cmd: "/new", args: "en | a | b | c"},
		{name: "private text", m: models.Message{Chat: private, From: user, Text: " hi "}, tx: "hi"},
		{name: "group unaddressed", m: models.Message{Chat: grp, From: user, Text: "hi"}, nilReq: true},
		{name: "group mention after emoji", m: models.Message{Chat: grp, From: user, Text: "😀 @chatplay_bot 커피", Entities: mention(3, 13)}, tx: "😀  커피"},
		{name: "group other mention", m: models.Message{Chat: grp, From: user, Text: "@someone hi", Entities: mention(0, 8)}, nilReq: true},
		{name: "group reply to the bot", m: models.Message{Chat: grp, From: user, Text: "yes", ReplyToMessage: &models.Message{ID: 7, From: me}}, tx: "yes"},
		{name: "group reply to a person", m: models.Message{Chat: grp, From: user, Text: "yes", ReplyToMessage: &models.Message{ID: 7, From: user}}, nilReq: true},
		{name: "from a bot", m: models.Message{Chat: private, From: &models.User{ID: 8, IsBot: true}, Text: "hi"}, nilReq: true},
		{name: "channel post", m: models.Message{Chat: models.Chat{ID: -9, Type: models.ChatTypeChannel}, Text: "hi"}, nilReq: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := readMessage(1, &tc.m, me)
			if tc.nilReq {
				if r != nil {
					t.Fatalf("got a request: %+v", r)
				}
				return
			}
			if r == nil {
				t.Fatal("no request")
			}
			if r.command != tc.cmd || r.args != tc.args || r.text != tc.tx && tc.cmd == "" || r.lang != langJa {
				t.Fatalf("request = %+v", r)
			}
		})
	}
}
