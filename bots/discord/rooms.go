package discord

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// listPageSize is how many rooms one /room list page shows: one row of
// buttons each, and a row left for the next-page button.
const listPageSize = 4

// maxListGoal is how much of each goal /room list shows, in runes: four
// rooms of five goals fit in one message.
const maxListGoal = 80

// Custom ids of the text inputs of the room modal.
const (
	inTitle     = "title"
	inLanguage  = "language"
	inSituation = "situation"
	inUserRole  = "user_role"
	inBotRole   = "bot_role"
)

// roomName returns the name the bot shows for a room: its title, else the
// start of its situation.
func roomName(r *engine.Room) string {
	name := strings.TrimSpace(r.Title)
	if name == "" {
		name = strings.Join(strings.Fields(r.Situation), " ")
	}
	if n := []rune(name); len(n) > 90 {
		name = string(n[:89]) + "…"
	}
	return name
}

// roomList answers /room list, and its next-page button (update: replace
// the list's message): the rooms with buttons to enter, edit and delete.
func (b *Bot) roomList(ctx context.Context, x *exchange, cursor string, update bool) {
	rooms, next, err := b.eng.ListRooms(ctx, x.user.ID, engine.Page{Limit: listPageSize, Cursor: cursor})
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	var sb strings.Builder
	var rows []discordgo.MessageComponent
	if len(rooms) == 0 {
		sb.WriteString(text(x.lang, msgRoomsNone))
	} else {
		sb.WriteString(text(x.lang, msgRoomsHeader))
	}
	for i, r := range rooms {
		fmt.Fprintf(&sb, "\n%d. **%s** · %s · %s / %s · %s", i+1, roomName(r), r.Language, short(r.UserRole), short(r.BotRole),
			practiceLine(x.lang, r))
		sb.WriteString(roomGoals(r, maxListGoal))
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: fmt.Sprintf("%d. %s", i+1, text(x.lang, msgEnter)), Style: discordgo.PrimaryButton, CustomID: customID(actEnter, id(r))},
			discordgo.Button{Label: text(x.lang, msgEdit), Style: discordgo.SecondaryButton, CustomID: customID(actEdit, id(r))},
			discordgo.Button{Label: text(x.lang, msgDelete), Style: discordgo.DangerButton, CustomID: customID(actDelete, id(r))},
		}})
	}
	if next != "" {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: text(x.lang, msgMore), Style: discordgo.SecondaryButton, CustomID: customID(actPage, next)},
		}})
	}
	content := Split(sb.String(), MaxMessageLen)[0]
	if update {
		b.answer(ctx, x, x.update(ctx, content, rows))
		return
	}
	b.answer(ctx, x, x.reply(ctx, true, content, rows))
}

// short returns s cut to 40 characters for a list line.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return s
}

// id returns a room's id as text.
func id(r *engine.Room) string { return strconv.FormatInt(r.ID, 10) }

// findRoom returns the caller's room named by an option or custom id.
func (b *Bot) findRoom(ctx context.Context, x *exchange, raw string) (*engine.Room, error) {
	roomID, err := parseRoomID(raw)
	if err != nil {
		return nil, err
	}
	return b.eng.FindRoom(ctx, x.user.ID, roomID)
}

// roomEditModal answers /room edit and the edit button with a modal holding
// the room's fields.
func (b *Bot) roomEditModal(ctx context.Context, x *exchange, raw string) {
	r, err := b.findRoom(ctx, x, raw)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	lim := b.eng.Config().Limits
	input := func(cid string, label msg, value string, style discordgo.TextInputStyle, required bool, max int) discordgo.MessageComponent {
		return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: cid,
			Label: text(x.lang, label), Style: style, Value: value, Required: required, MaxLength: min(max, 4000)}}}
	}
	modal := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: customID(actSave, id(r)),
		Title:    text(x.lang, msgEditTitle),
		Components: []discordgo.MessageComponent{
			input(inTitle, msgFieldTitle, r.Title, discordgo.TextInputShort, false, lim.MaxTitleRunes),
			input(inLanguage, msgFieldLanguage, r.Language, discordgo.TextInputShort, true, 8),
			input(inSituation, msgFieldSituatn, r.Situation, discordgo.TextInputParagraph, true, lim.MaxSituationRunes),
			input(inUserRole, msgFieldUserRole, r.UserRole, discordgo.TextInputShort, true, lim.MaxRoleRunes),
			input(inBotRole, msgFieldBotRole, r.BotRole, discordgo.TextInputShort, true, lim.MaxRoleRunes),
		},
	}}
	b.answer(ctx, x, x.initial(ctx, modal, nil))
}

// roomSave answers the submitted edit modal.
func (b *Bot) roomSave(ctx context.Context, x *exchange, raw string, values map[string]string) {
	roomID, err := parseRoomID(raw)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	field := func(k string) *string {
		if v, ok := values[k]; ok {
			return &v
		}
		return nil
	}
	lang := field(inLanguage)
	if lang != nil {
		l := strings.ToLower(strings.TrimSpace(*lang))
		lang = &l
	}
	r, err := b.eng.UpdateRoom(ctx, x.user.ID, roomID, engine.RoomUpdate{Title: field(inTitle), Language: lang,
		Situation: field(inSituation), UserRole: field(inUserRole), BotRole: field(inBotRole)})
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgRoomSaved, roomName(r))+"\n"+practiceLine(x.lang, r), nil))
}

// roomSetPractice answers /room edit with a level or feedback option: those
// are saved at once, without the form (a form cannot hold them: it has five
// rows, all taken by the room's text fields).
func (b *Bot) roomSetPractice(ctx context.Context, x *exchange, raw, level string, feedback *bool) {
	roomID, err := parseRoomID(raw)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	u := engine.RoomUpdate{Feedback: feedback}
	if level != "" {
		u.Level = &level
	}
	r, err := b.eng.UpdateRoom(ctx, x.user.ID, roomID, u)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgRoomSaved, roomName(r))+"\n"+practiceLine(x.lang, r), nil))
}

// practiceLine describes a room's level and whether its learner's lines are
// corrected, in lang.
func practiceLine(lang string, r *engine.Room) string {
	fb := msgFeedbackOff
	if r.Feedback {
		fb = msgFeedbackOn
	}
	return text(lang, msgLevel, string(r.Level)) + " · " + text(lang, fb)
}

// roomDeleteConfirm answers /room delete and the delete button with a
// question and a confirm button.
func (b *Bot) roomDeleteConfirm(ctx context.Context, x *exchange, raw string) {
	r, err := b.findRoom(ctx, x, raw)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: text(x.lang, msgDelete), Style: discordgo.DangerButton, CustomID: customID(actConfirm, id(r))},
		discordgo.Button{Label: text(x.lang, msgCancel), Style: discordgo.SecondaryButton, CustomID: customID(actCancel, "")},
	}}
	b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgConfirmDelete, roomName(r)), []discordgo.MessageComponent{row}))
}

// roomDelete answers the confirm button: the room goes, with its
// conversation and bindings. Deleting waits for a reply in flight, so the
// press is acknowledged first.
func (b *Bot) roomDelete(ctx context.Context, x *exchange, raw string) {
	r, err := b.findRoom(ctx, x, raw)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	if err := x.deferUpdate(ctx); err != nil {
		b.answer(ctx, x, err)
		return
	}
	if err := b.eng.DeleteRoom(ctx, x.user.ID, r.ID); err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.answer(ctx, x, x.reply(ctx, true, text(x.lang, msgRoomDeleted, roomName(r)), nil))
}

// autocomplete answers the autocompleted options: /room new's scenario
// (scenarioChoices), and the room option of /room edit, delete and enter
// (roomChoices).
func (b *Bot) autocomplete(ctx context.Context, x *exchange) {
	name, typed, siblings := focusedOption(x.in.ApplicationCommandData().Options)
	typed = strings.ToLower(strings.TrimSpace(typed))
	var choices []*discordgo.ApplicationCommandOptionChoice
	if name == optScenario {
		choices = b.scenarioChoices(x.lang, typed, optionMap(siblings)[optLevel])
	} else {
		choices = b.roomChoices(ctx, x, typed)
	}
	b.answer(ctx, x, x.initial(ctx, autocompleteResult{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: autocompleteChoices{Choices: choices}}, nil))
}

// focusedOption returns the name and typed value of the option being
// autocompleted, and the options beside it (what else the user has filled).
func focusedOption(opts []*discordgo.ApplicationCommandInteractionDataOption) (name, typed string,
	siblings []*discordgo.ApplicationCommandInteractionDataOption) {
	for _, o := range opts {
		if o.Focused {
			typed, _ = o.Value.(string)
			return o.Name, typed, opts
		}
		if name, typed, siblings = focusedOption(o.Options); name != "" {
			return name, typed, siblings
		}
	}
	return "", "", nil
}

// roomChoices returns the caller's rooms whose name contains typed, at most
// maxChoices of them.
func (b *Bot) roomChoices(ctx context.Context, x *exchange, typed string) []*discordgo.ApplicationCommandOptionChoice {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	cursor := ""
	for len(choices) < maxChoices {
		rooms, next, err := b.eng.ListRooms(ctx, x.user.ID, engine.Page{Limit: 100, Cursor: cursor})
		if err != nil {
			b.log.Warn("discord: autocomplete", errAttr(err))
			break
		}
		for _, r := range rooms {
			name := roomName(r)
			if typed == "" || strings.Contains(strings.ToLower(name), typed) {
				choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: name + " · " + r.Language, Value: id(r)})
				if len(choices) == maxChoices {
					break
				}
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return choices
}

// autocompleteResult is an autocomplete response that keeps an empty choice
// list (discordgo's omits it, which Discord refuses).
type autocompleteResult struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data autocompleteChoices               `json:"data"`
}

// autocompleteChoices is the data of an autocompleteResult.
type autocompleteChoices struct {
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}

// answer logs a failure to send an answer.
func (b *Bot) answer(_ context.Context, x *exchange, err error) {
	if err != nil {
		b.log.Warn("discord: answer interaction", "interaction", x.in.ID, errAttr(err))
	}
}
