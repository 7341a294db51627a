package telegram

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/chatplay/chatplay/engine"
)

// request is one update the bot acts on, read into the terms the handlers
// need: who, where, what.
type request struct {
	updateID int64
	chatID   int64
	private  bool
	from     models.User
	lang     lang
	user     *engine.User // set once the update is claimed

	// A message: its id, its text (the bot's mention taken out), the command
	// ("/new", lower-case, no @bot) and its arguments, and the id of the
	// message it replies to.
	msgID   int
	text    string
	command string
	args    string
	replyTo int
	// replyMarkup is the inline keyboard of the bot's message replyTo
	// (Telegram sends it with the message replied to): its 🌐 button names
	// the stored reply the message shows.
	replyMarkup *models.InlineKeyboardMarkup

	// A button press: the query to answer, its data and the message the
	// button is on.
	callbackID  string
	data        string
	keyboardMsg int
}

// scope is the engine binding scope of the request's chat: each user has one
// active room per chat.
func (r *request) scope() string { return "chat:" + strconv.FormatInt(r.chatID, 10) }

// readUpdate returns the request an update makes, or nil when the bot does
// not act on it: updates of other kinds, messages from bots, channel posts,
// and group messages that neither mention the bot nor reply to it.
func readUpdate(upd *models.Update, me *models.User) *request {
	switch {
	case upd.Message != nil:
		return readMessage(upd.ID, upd.Message, me)
	case upd.CallbackQuery != nil:
		return readCallback(upd.ID, upd.CallbackQuery)
	}
	return nil
}

func readMessage(id int64, m *models.Message, me *models.User) *request {
	if m.From == nil || m.From.IsBot || m.Chat.Type == models.ChatTypeChannel {
		return nil
	}
	r := &request{updateID: id, chatID: m.Chat.ID, private: m.Chat.Type == models.ChatTypePrivate,
		from: *m.From, lang: langOf(m.From.LanguageCode), msgID: m.ID, text: m.Text}
	if m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == me.ID {
		r.replyTo = m.ReplyToMessage.ID
		r.replyMarkup = m.ReplyToMessage.ReplyMarkup
	}
	if strings.HasPrefix(m.Text, "/") {
		first, rest, _ := strings.Cut(m.Text, " ")
		if nl := strings.IndexByte(first, '\n'); nl >= 0 {
			first, rest = first[:nl], first[nl+1:]+" "+rest
		}
		name, at, addressed := strings.Cut(first, "@")
		if addressed && !strings.EqualFold(at, me.Username) {
			return nil // a command for another bot
		}
		r.command, r.args = strings.ToLower(name), strings.TrimSpace(rest)
		return r
	}
	mentioned := false
	r.text, mentioned = stripMention(m.Text, m.Entities, me)
	r.text = strings.TrimSpace(r.text)
	if !r.private && !mentioned && r.replyTo == 0 {
		return nil
	}
	return r
}

func readCallback(id int64, q *models.CallbackQuery) *request {
	var chat models.Chat
	switch {
	case q.Message.Message != nil:
		chat = q.Message.Message.Chat
	case q.Message.InaccessibleMessage != nil:
		chat = q.Message.InaccessibleMessage.Chat
	default:
		return nil // a button on an inline message: the bot sends none
	}
	r := &request{updateID: id, chatID: chat.ID, private: chat.Type == models.ChatTypePrivate,
		from: q.From, lang: langOf(q.From.LanguageCode), callbackID: q.ID, data: q.Data}
	if q.Message.Message != nil {
		r.keyboardMsg = q.Message.Message.ID
	}
	return r
}

// stripMention removes the mentions of the bot (@name, or a text_mention of
// its user) from text and reports whether there was one. Entity offsets
// count UTF-16 code units.
func stripMention(text string, entities []models.MessageEntity, me *models.User) (string, bool) {
	units := utf16.Encode([]rune(text))
	var keep []uint16
	found, last := false, 0
	for _, e := range entities {
		if e.Offset < last || e.Offset+e.Length > len(units) {
			continue
		}
		span := string(utf16.Decode(units[e.Offset : e.Offset+e.Length]))
		ours := e.Type == models.MessageEntityTypeMention && strings.EqualFold(span, "@"+me.Username) ||
			e.Type == models.MessageEntityTypeTextMention && e.User != nil && e.User.ID == me.ID
		if !ours {
			continue
		}
		found = true
		keep = append(keep, units[last:e.Offset]...)
		last = e.Offset + e.Length
	}
	if !found {
		return text, false
	}
	keep = append(keep, units[last:]...)
	return string(utf16.Decode(keep)), true
}

// displayName is a Telegram user's name for a new chatplay user.
func displayName(u models.User) string {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.Username
	}
	return name
}
