package discord

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// onInteractionCreate takes an interaction from the gateway; the initial
// response goes through the REST callback.
func (b *Bot) onInteractionCreate(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	in := ic.Interaction
	b.track(func(ctx context.Context) {
		b.handleInteraction(ctx, in, func(ctx context.Context, resp any) error {
			endpoint := discordgo.EndpointInteractionResponse(in.ID, in.Token)
			return b.do(ctx, func(opts ...discordgo.RequestOption) error {
				_, err := s.RequestWithBucketID(http.MethodPost, endpoint, resp, endpoint, opts...)
				return err
			})
		})
	})
}

// handleInteraction is the one code path of every interaction, whatever its
// transport: it claims the interaction id (a repeated delivery does nothing),
// makes the Discord user a chatplay user, and routes the interaction.
func (b *Bot) handleInteraction(ctx context.Context, in *discordgo.Interaction, respond responder) {
	kind, outcome := interactionKind(in.Type), outcomeIgnored
	defer func() { b.observe(kind, outcome) }()
	du := discordUser(in)
	if du == nil || in.ID == "" || in.Token == "" {
		b.log.Warn("discord: interaction without a user, id or token", "type", in.Type)
		return
	}
	x := newExchange(b, in, respond)
	defer x.watch(ctx, b.ackAfter)()
	defer b.recoverInteraction(ctx, x)
	claimed, err := b.eng.ClaimEvent(ctx, engine.ProviderDiscord, "interaction:"+in.ID)
	if err != nil {
		outcome = outcomeFailed
		x.fail(ctx, err, "")
		return
	}
	if !claimed {
		outcome = outcomeDuplicate
		b.log.Info("discord: interaction already handled", "interaction", in.ID)
		return
	}
	x.user, err = b.eng.EnsureIdentityUser(ctx, engine.ProviderDiscord, du.ID, du.Username, du.GlobalName, string(in.Locale))
	if err != nil {
		outcome = outcomeFailed
		x.fail(ctx, err, "")
		return
	}
	outcome = outcomeHandled
	if b.beforeRoute != nil {
		b.beforeRoute(in)
	}
	switch in.Type {
	case discordgo.InteractionApplicationCommand:
		b.command(ctx, x)
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(ctx, x)
	case discordgo.InteractionMessageComponent:
		b.component(ctx, x)
	case discordgo.InteractionModalSubmit:
		b.modalSubmit(ctx, x)
	default:
		x.fail(ctx, engine.Invalid("interaction", "Unknown interaction."), "")
	}
	if responded, _, _ := x.state(); !responded {
		x.fail(ctx, engine.Internal(errors.New("interaction left unanswered")), "")
	}
}

// command routes a slash command.
func (b *Bot) command(ctx context.Context, x *exchange) {
	data := x.in.ApplicationCommandData()
	if data.CommandType == discordgo.MessageApplicationCommand {
		if data.Name != cmdTranslateMessage {
			x.fail(ctx, engine.Invalid("command", "Unknown command."), "")
			return
		}
		b.translateMessage(ctx, x)
		return
	}
	switch data.Name {
	case cmdRoom:
		if len(data.Options) != 1 {
			x.fail(ctx, engine.Invalid("command", "Unknown command."), "")
			return
		}
		sub := data.Options[0]
		opts := optionMap(sub.Options)
		switch sub.Name {
		case subNew:
			b.roomNew(ctx, x, opts, optionBool(sub.Options, optFeedback))
		case subList:
			b.roomList(ctx, x, "", false)
		case subEdit:
			if fb := optionBool(sub.Options, optFeedback); fb != nil || opts[optLevel] != "" {
				b.roomSetPractice(ctx, x, opts[optRoom], opts[optLevel], fb)
				return
			}
			b.roomEditModal(ctx, x, opts[optRoom])
		case subDelete:
			b.roomDeleteConfirm(ctx, x, opts[optRoom])
		case subEnter:
			b.roomEnter(ctx, x, opts[optRoom])
		default:
			x.fail(ctx, engine.Invalid("command", "Unknown command."), "")
		}
	case cmdSay:
		b.say(ctx, x, optionMap(data.Options)[optText])
	case cmdRetry:
		b.retry(ctx, x)
	case cmdReset:
		b.reset(ctx, x)
	case cmdHint:
		b.hint(ctx, x)
	case cmdTrans:
		b.translateLast(ctx, x)
	case cmdEnd:
		b.endScene(ctx, x)
	case cmdReports:
		b.reportList(ctx, x, "", false)
	case cmdLink:
		b.linkIdentity(ctx, x, optionMap(data.Options)[optCode])
	case cmdUnlink:
		b.unlinkIdentity(ctx, x)
	case cmdHelp:
		if err := x.reply(ctx, true, text(x.lang, msgHelp), nil); err != nil {
			b.log.Warn("discord: help", errAttr(err))
		}
	default:
		x.fail(ctx, engine.Invalid("command", "Unknown command."), "")
	}
}

// optionMap returns the string values of options by name.
func optionMap(opts []*discordgo.ApplicationCommandInteractionDataOption) map[string]string {
	m := make(map[string]string, len(opts))
	for _, o := range opts {
		if s, ok := o.Value.(string); ok {
			m[o.Name] = s
		}
	}
	return m
}

// optionBool returns the boolean option name, or nil when it is not given.
func optionBool(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) *bool {
	for _, o := range opts {
		if v, ok := o.Value.(bool); ok && o.Name == name {
			return &v
		}
	}
	return nil
}

// parseRoomID reads a room id from an option or a custom id. Whatever it
// says, the engine only finds rooms the caller owns.
func parseRoomID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, &engine.Error{Code: engine.CodeNotFound, Message: "Room not found."}
	}
	return id, nil
}

// Custom ids of the bot's buttons and modals: "room:<action>[:<arg>]".
const (
	actEnter   = "enter"
	actEdit    = "edit"
	actDelete  = "delete"
	actConfirm = "confirm"
	actCancel  = "cancel"
	actPage    = "page"
	actSave    = "save"
)

// customID builds a custom id.
func customID(action, arg string) string { return "room:" + action + ":" + arg }

// parseCustomID splits a custom id into its action and argument.
func parseCustomID(id string) (action, arg string, ok bool) {
	rest, ok := strings.CutPrefix(id, "room:")
	if !ok {
		return "", "", false
	}
	action, arg, _ = strings.Cut(rest, ":")
	return action, arg, true
}

// component routes a button press or a menu choice.
func (b *Bot) component(ctx context.Context, x *exchange) {
	action, arg, ok := parseCustomID(x.in.MessageComponentData().CustomID)
	if !ok {
		x.fail(ctx, engine.Invalid("custom_id", "Unknown button."), "")
		return
	}
	switch action {
	case actEnter:
		b.roomEnter(ctx, x, arg)
	case actEdit:
		b.roomEditModal(ctx, x, arg)
	case actDelete:
		b.roomDeleteConfirm(ctx, x, arg)
	case actConfirm:
		b.roomDelete(ctx, x, arg)
	case actCancel:
		if err := x.update(ctx, text(x.lang, msgCancelled), nil); err != nil {
			b.log.Warn("discord: cancel", errAttr(err))
		}
	case actPage:
		b.roomList(ctx, x, arg, true)
	case actFeedback:
		b.showFeedback(ctx, x, arg)
	case actReport:
		b.showReport(ctx, x, x.in.MessageComponentData().Values)
	case actReports:
		b.reportList(ctx, x, arg, true)
	default:
		x.fail(ctx, engine.Invalid("custom_id", "Unknown button."), "")
	}
}

// modalSubmit routes a submitted modal.
func (b *Bot) modalSubmit(ctx context.Context, x *exchange) {
	data := x.in.ModalSubmitData()
	action, arg, ok := parseCustomID(data.CustomID)
	if !ok || action != actSave {
		x.fail(ctx, engine.Invalid("custom_id", "Unknown form."), "")
		return
	}
	b.roomSave(ctx, x, arg, modalValues(data.Components))
}

// modalValues returns the text inputs of a submitted modal by custom id.
func modalValues(rows []discordgo.MessageComponent) map[string]string {
	m := map[string]string{}
	for _, c := range rows {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, rc := range row.Components {
			if in, ok := rc.(*discordgo.TextInput); ok {
				m[in.CustomID] = in.Value
			}
		}
	}
	return m
}
