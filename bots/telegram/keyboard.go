package telegram

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/chatplay/chatplay/engine"
)

// maxCallbackData is Telegram's limit on a button's callback_data, in bytes.
const maxCallbackData = 64

// The verbs of callback data. Data is "verb", "verb:id" or "verb:id:arg";
// ids are room ids (report ids for rep), which the engine checks against
// the presser's own rooms (reports).
const (
	cbNew     = "new"     // start /new
	cbLang    = "lang"    // lang:<code>: the language step of /new
	cbEnter   = "enter"   // enter:<room>: make the room active here
	cbEdit    = "edit"    // edit:<room>: choose a field to change
	cbField   = "field"   // field:<room>:<field code>: change that field
	cbSetLang = "setlang" // setlang:<room>:<code>: change the room's language
	cbDelete  = "del"     // del:<room>: ask to confirm
	cbDelOK   = "delok"   // delok:<room>: delete
	cbCancel  = "cancel"  // drop the question
	cbRooms   = "rooms"   // rooms:<cursor>: the next page of /rooms

	// The practice layer (practice.go, feedback.go, level.go).
	cbNewLevel  = "nlevel" // nlevel::<level>: the level step of /new
	cbSetLevel  = "level"  // level:<room>:<level>: change the room's level
	cbSetFbMode = "fbmode" // fbmode:<room>:<on|hidden|off>: change the room's feedback mode
	cbHint      = "hint"   // hint:<room>: what could I say next?
	cbTranslate = "tr"     // tr:<room>:<message>: translate a stored message of the room
	cbFeedback  = "fb"     // fb:<room>:<user message>.<its Telegram message>: show hidden feedback

	// Scenes (scenes.go, report.go).
	cbScene     = "scn"    // scn::<scenario id>: the scene step of /new
	cbScenePage = "scnp"   // scnp::<page>: another page of the scene step
	cbCustom    = "custom" // a scene of one's own at the scene step
	cbReport    = "rep"    // rep:<report>: show one of the presser's reports
	cbReports   = "reps"   // reps::<cursor>: the next page of /reports
)

// callback is parsed callback data.
type callback struct {
	verb string
	room int64
	arg  string
}

// data returns c as callback data.
func (c callback) data() string {
	s := c.verb
	if c.room != 0 {
		s += ":" + strconv.FormatInt(c.room, 10)
	}
	if c.arg != "" {
		if c.room == 0 {
			s += ":"
		}
		s += ":" + c.arg
	}
	if len(s) > maxCallbackData {
		panic(fmt.Sprintf("telegram: callback data %q is longer than %d bytes", s, maxCallbackData)) // ids and codes are short: a bug
	}
	return s
}

// parseCallback reads callback data; ok is false for data the bot did not make.
func parseCallback(data string) (c callback, ok bool) {
	parts := strings.Split(data, ":")
	if len(parts) > 3 || len(data) > maxCallbackData {
		return c, false
	}
	c.verb = parts[0]
	if len(parts) > 1 && parts[1] != "" {
		id, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil || id <= 0 {
			return c, false
		}
		c.room = id
	}
	if len(parts) > 2 {
		c.arg = parts[2]
	}
	return c, true
}

// inlineKeyboard is Telegram's InlineKeyboardMarkup with callback buttons
// only. The library's own type sends an empty copy_text with every button,
// which the Bot API may refuse (BUTTON_COPY_TEXT_INVALID).
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

// inlineButton is an InlineKeyboardButton with callback_data.
type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

func button(text string, c callback) inlineButton {
	return inlineButton{Text: text, CallbackData: c.data()}
}

// newRoomKeyboard is the one button that starts /new.
func newRoomKeyboard(l lang) *inlineKeyboard {
	return &inlineKeyboard{InlineKeyboard: [][]inlineButton{
		{button(l.t("newButton"), callback{verb: cbNew})},
	}}
}

// pickLanguages are the room languages the keyboards offer, in their own names.
var pickLanguages = []string{"ko", "en", "ja"}

// languageKeyboard offers the room languages; room is 0 for /new.
func languageKeyboard(room int64) *inlineKeyboard {
	var row []inlineButton
	for _, code := range pickLanguages {
		c := callback{verb: cbLang, arg: code}
		if room != 0 {
			c = callback{verb: cbSetLang, room: room, arg: code}
		}
		row = append(row, button(lang(code).languageName(code), c))
	}
	return &inlineKeyboard{InlineKeyboard: [][]inlineButton{row}}
}

// roomsKeyboard has a row per room (enter, edit, delete), then a new-room
// button and, when there are more, a button for the next page.
func roomsKeyboard(l lang, rooms []*engine.Room, next string) *inlineKeyboard {
	var rows [][]inlineButton
	for _, r := range rooms {
		rows = append(rows, []inlineButton{
			button("▶ "+shorten(roomName(r), 20), callback{verb: cbEnter, room: r.ID}),
			button(l.t("editButton"), callback{verb: cbEdit, room: r.ID}),
			button(l.t("deleteButton"), callback{verb: cbDelete, room: r.ID}),
		})
	}
	last := []inlineButton{button(l.t("newButton"), callback{verb: cbNew})}
	if next != "" {
		last = append(last, button(l.t("moreButton"), callback{verb: cbRooms, arg: next}))
	}
	return &inlineKeyboard{InlineKeyboard: append(rows, last)}
}

// roomKeyboard acts on one room: edit, delete.
func roomKeyboard(l lang, room int64) *inlineKeyboard {
	return &inlineKeyboard{InlineKeyboard: [][]inlineButton{{
		button(l.t("editButton"), callback{verb: cbEdit, room: room}),
		button(l.t("deleteButton"), callback{verb: cbDelete, room: room}),
	}}}
}

// fieldsKeyboard offers a room's fields to change.
func fieldsKeyboard(l lang, room int64) *inlineKeyboard {
	var rows [][]inlineButton
	for i := 0; i < len(roomFieldList); i += 2 {
		var row []inlineButton
		for _, f := range roomFieldList[i:min(i+2, len(roomFieldList))] {
			row = append(row, button(l.t(f.label), callback{verb: cbField, room: room, arg: f.code}))
		}
		rows = append(rows, row)
	}
	return &inlineKeyboard{InlineKeyboard: rows}
}

// confirmDeleteKeyboard asks to confirm deleting a room.
func confirmDeleteKeyboard(l lang, room int64) *inlineKeyboard {
	return &inlineKeyboard{InlineKeyboard: [][]inlineButton{{
		button(l.t("deleteYes"), callback{verb: cbDelOK, room: room}),
		button(l.t("cancelButton"), callback{verb: cbCancel}),
	}}}
}

// forceReply asks the user to answer the bot's message; in a group, only
// the user it replies to.
func forceReply(l lang) *models.ForceReply {
	return &models.ForceReply{ForceReply: true, InputFieldPlaceholder: l.t("placeholder"), Selective: true}
}
