package discord

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// onMessageCreate takes a message from the gateway.
func (b *Bot) onMessageCreate(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	b.track(func(ctx context.Context) { b.handleMessage(ctx, m) })
}

// handleMessage plays a chat turn for a plain message: in a thread the bot
// opened, from the user whose room is bound to it; in a DM, in the user's
// active room. Anything else (bots, other people, other channels) is
// ignored. Each message id has one effect.
func (b *Bot) handleMessage(ctx context.Context, m *discordgo.Message) {
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.System || strings.TrimSpace(m.Content) == "" ||
		(m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply) {
		return
	}
	self, err := b.self(ctx)
	if err != nil || m.Author.ID == self {
		return
	}
	scope := scopeActive
	if m.GuildID != "" {
		ch, err := b.channel(ctx, m.ChannelID)
		if err != nil || !ch.IsThread() || ch.OwnerID != self {
			return
		}
		scope = threadScope(m.ChannelID)
	}
	claimed, err := b.eng.ClaimEvent(ctx, engine.ProviderDiscord, "message:"+m.ID)
	if err != nil || !claimed {
		if err != nil {
			b.log.Error("discord: claim message", "message", m.ID, errAttr(err))
		}
		return
	}
	// In a thread only its room's owner plays, and an owner made contact when
	// they entered the room: a stranger writing there is not made a user.
	// A DM is a contact of its own.
	var user *engine.User
	if m.GuildID != "" {
		user, err = b.eng.FindIdentityUser(ctx, engine.ProviderDiscord, m.Author.ID)
	} else {
		user, err = b.eng.EnsureIdentityUser(ctx, engine.ProviderDiscord, m.Author.ID, m.Author.Username, m.Author.GlobalName, m.Author.Locale)
	}
	if err != nil {
		if engine.ErrorCode(err) != engine.CodeNotFound {
			b.log.Error("discord: identity", errAttr(err))
		}
		return
	}
	out := &channelOutlet{s: b.session, channelID: m.ChannelID, replyTo: m.ID}
	defer b.recoverMessage(ctx, out, user.Locale)
	room, err := b.eng.BoundRoom(ctx, user.ID, engine.ProviderDiscord, scope)
	if err != nil {
		if m.GuildID == "" && noRoom(err) { // a DM with no active room: say how to get one
			b.answerMessage(ctx, out, text(user.Locale, msgNoRoom))
		}
		return // someone else's thread, or a room since deleted
	}
	if _, err := b.streamTurn(ctx, user.Locale, out, func(sink engine.Sink) (*engine.TurnResult, error) {
		return b.eng.SendMessage(ctx, engine.TurnInput{UserID: user.ID, RoomID: room.ID, Content: m.Content,
			Source: engine.SourceDiscord}, sink)
	}); err != nil {
		b.postError(ctx, out, user.Locale, err)
	}
}
