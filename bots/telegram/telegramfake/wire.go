package telegramfake

import (
	"encoding/json"
	"unicode/utf16"
)

// The Bot API's wire types, as much of them as the fake serves and the tests
// build. Field names and JSON tags are Telegram's.
type (
	// User is a Telegram user or bot.
	User struct {
		ID           int64  `json:"id"`
		IsBot        bool   `json:"is_bot"`
		FirstName    string `json:"first_name"`
		LastName     string `json:"last_name,omitempty"`
		Username     string `json:"username,omitempty"`
		LanguageCode string `json:"language_code,omitempty"`
	}
	// Chat is a private chat, a group or a supergroup.
	Chat struct {
		ID    int64  `json:"id"`
		Type  string `json:"type"` // private, group, supergroup
		Title string `json:"title,omitempty"`
	}
	// Entity is a message entity (bot_command, mention, …); Offset and
	// Length count UTF-16 code units, as Telegram does.
	Entity struct {
		Type   string `json:"type"`
		Offset int    `json:"offset"`
		Length int    `json:"length"`
	}
	// Message is a chat message.
	Message struct {
		MessageID      int             `json:"message_id"`
		From           *User           `json:"from,omitempty"`
		Chat           Chat            `json:"chat"`
		Date           int64           `json:"date"`
		EditDate       int64           `json:"edit_date,omitempty"`
		Text           string          `json:"text,omitempty"`
		Entities       []Entity        `json:"entities,omitempty"`
		ReplyToMessage *Message        `json:"reply_to_message,omitempty"`
		ReplyMarkup    json.RawMessage `json:"reply_markup,omitempty"`
	}
	// CallbackQuery is the press of an inline keyboard button.
	CallbackQuery struct {
		ID           string   `json:"id"`
		From         User     `json:"from"`
		Message      *Message `json:"message,omitempty"`
		ChatInstance string   `json:"chat_instance"`
		Data         string   `json:"data,omitempty"`
	}
	// Update is one incoming update. UpdateID 0 is assigned by PushUpdate.
	Update struct {
		UpdateID      int64          `json:"update_id"`
		Message       *Message       `json:"message,omitempty"`
		CallbackQuery *CallbackQuery `json:"callback_query,omitempty"`
	}
)

// envelope is the Bot API's response wrapper.
type envelope struct {
	OK          bool        `json:"ok"`
	Result      any         `json:"result,omitempty"`
	ErrorCode   int         `json:"error_code,omitempty"`
	Description string      `json:"description,omitempty"`
	Parameters  *parameters `json:"parameters,omitempty"`
}

type parameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

// Text builds a message from a user in a chat with the entities Telegram
// would attach: a bot_command at the start, a mention for every @name.
func Text(chat Chat, from User, text string) *Message {
	return &Message{Chat: chat, From: &from, Text: text, Entities: Entities(text)}
}

// Entities returns the bot_command and mention entities of text, with
// UTF-16 offsets and lengths.
func Entities(text string) []Entity {
	var out []Entity
	units := utf16.Encode([]rune(text))
	isWord := func(u uint16) bool {
		return u == '_' || u >= '0' && u <= '9' || u >= 'a' && u <= 'z' || u >= 'A' && u <= 'Z' || u == '@'
	}
	for i := 0; i < len(units); i++ {
		c := units[i]
		if c != '/' && c != '@' || i > 0 && isWord(units[i-1]) {
			continue
		}
		j := i + 1
		for j < len(units) && isWord(units[j]) && (units[j] != '@' || c == '/') {
			j++
		}
		if j-i < 2 {
			continue
		}
		switch {
		case c == '/' && i == 0:
			out = append(out, Entity{Type: "bot_command", Offset: i, Length: j - i})
		case c == '@':
			out = append(out, Entity{Type: "mention", Offset: i, Length: j - i})
		}
		i = j - 1
	}
	return out
}
