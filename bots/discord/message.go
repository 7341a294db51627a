package discord

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// maxQueuedMessages bounds the messages of one user in one channel that
// wait to be played, the one being played included. A message past it is
// answered "slow down" and not played: a flood costs no more memory than this.
const maxQueuedMessages = 10

// lineKey is whose messages are played in order: one user in one channel.
type lineKey struct{ channel, user string }

// onMessageCreate takes a message from the gateway. discordgo calls it in a
// goroutine of its own per event, so it only queues: a user's messages in a
// channel are played one at a time, in the order they came, while other
// users and channels go on in parallel.
func (b *Bot) onMessageCreate(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	if !playable(m) {
		return
	}
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		return
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	if b.lines.Push(lineKey{m.ChannelID, m.Author.ID}, func() {
		defer b.inflight.Done()
		defer func() { // a job must not panic: its queue's goroutine would take the process down
			if p := recover(); p != nil {
				b.log.Error("discord: panic handling a message", "message", m.ID, "panic", p)
			}
		}()
		b.handleMessage(b.life, m)
	}) {
		return
	}
	b.inflight.Done()
	b.track(func(ctx context.Context) { b.slowDown(ctx, m) })
}

// playable reports whether m is a message a user wrote with something in it:
// the only kind that can be a chat turn.
func playable(m *discordgo.Message) bool {
	return m != nil && m.Author != nil && !m.Author.Bot && !m.Author.System && strings.TrimSpace(m.Content) != "" &&
		(m.Type == discordgo.MessageTypeDefault || m.Type == discordgo.MessageTypeReply)
}

// slowDown answers a message refused because its user's queue is full, where
// the bot plays (its own thread, a DM) and to a user it knows, in their
// language. The message is not played.
func (b *Bot) slowDown(ctx context.Context, m *discordgo.Message) {
	self, err := b.self(ctx)
	if err != nil || m.Author.ID == self {
		return
	}
	if m.GuildID != "" {
		if ch, err := b.channel(ctx, m.ChannelID); err != nil || !ch.IsThread() || ch.OwnerID != self {
			return
		}
	}
	user, err := b.eng.FindIdentityUser(ctx, engine.ProviderDiscord, m.Author.ID)
	if err != nil {
		return
	}
	b.observe(kindMessage, outcomeThrottled)
	b.log.Warn("discord: messages coming faster than they are played", "channel", m.ChannelID, "max_queued", maxQueuedMessages)
	b.answerMessage(ctx, &channelOutlet{s: b.session, channelID: m.ChannelID, replyTo: m.ID}, text(user.Locale, msgSlowDown))
}

// handleMessage plays a chat turn for a plain message: in a thread the bot
// opened, from the user whose room is bound to it; in a DM, in the user's
// active room. Anything else (bots, other people, other channels) is
// ignored. Each message id has one effect.
func (b *Bot) handleMessage(ctx context.Context, m *discordgo.Message) {
	outcome := outcomeIgnored
	defer func() { b.observe(kindMessage, outcome) }()
	if !playable(m) {
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
		outcome = outcomeDuplicate
		if err != nil {
			outcome = outcomeFailed
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
			outcome = outcomeFailed
			b.log.Error("discord: identity", errAttr(err))
		}
		return
	}
	outcome = outcomeHandled
	out := &channelOutlet{s: b.session, channelID: m.ChannelID, replyTo: m.ID}
	defer b.recoverMessage(ctx, out, user.Locale)
	room, err := b.eng.BoundRoom(ctx, user.ID, engine.ProviderDiscord, scope)
	if err != nil {
		if m.GuildID == "" && noRoom(err) { // a DM with no active room: say how to get one
			b.answerMessage(ctx, out, text(user.Locale, msgNoRoom))
		}
		return // someone else's thread, or a room since deleted
	}
	if recap := b.lineRecap(ctx, user.Locale, user.ID, room); recap != "" { // played elsewhere meanwhile: first, once
		b.answerMessage(ctx, &channelOutlet{s: b.session, channelID: m.ChannelID}, recap)
	}
	var res *engine.TurnResult
	if _, err := b.streamTurn(ctx, user.Locale, out, func(sink engine.Sink) (*engine.TurnResult, error) {
		var err error
		res, err = b.eng.SendMessage(ctx, engine.TurnInput{UserID: user.ID, RoomID: room.ID, Content: m.Content,
			Source: engine.SourceDiscord, Locale: user.Locale}, sink)
		return res, err
	}); err != nil {
		b.postError(ctx, out, user.Locale, err)
		return
	}
	b.addFeedbackButton(ctx, out, user.Locale, res)
	b.announceGoals(ctx, out, user.Locale, room, res)
}
