package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// roomEnter answers /room enter and the enter button. In a server it opens a
// public thread named after the room (or takes the thread it is used in,
// when the bot opened it), binds it to the room and makes the room the
// user's active one; in a DM the room becomes the active one. A room with no
// conversation yet is opened by the bot, in character; one with a
// conversation played elsewhere opens with its recap (entryRecap).
//
// In a thread someone else opened it refuses, saying where to use it: the
// bot plays only in threads it opens (handleMessage), which keeps it out of
// people's own threads (no claim, no read of each of their messages), and
// such a thread may be private to the bot or locked by its owner.
func (b *Bot) roomEnter(ctx context.Context, x *exchange, raw string) {
	room, err := b.findRoom(ctx, x, raw)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	fresh, err := b.freshRoom(ctx, x.user.ID, room.ID)
	if err != nil {
		x.fail(ctx, err, "")
		return
	}
	b.enterRoom(ctx, x, room, fresh, false)
}

// enterRoom is /room enter past finding the room, and the end of /room new
// (made: the room was just made, which the answer says, and a refusal says
// it is kept): it binds the thread it opens, or the DM, to room and opens
// the scene there when the room is fresh, or says it goes on.
func (b *Bot) enterRoom(ctx context.Context, x *exchange, room *engine.Room, fresh, made bool) {
	refuse := func(m msg) string {
		if made {
			return text(x.lang, msgRoomCreated, roomName(room)) + roomGoals(room, maxGoalShown) + "\n" + text(x.lang, m)
		}
		return text(x.lang, m)
	}
	if x.in.GuildID == "" {
		b.enterDM(ctx, x, room, fresh, made)
		return
	}
	if b.foreignThread(ctx, x.in.ChannelID) {
		b.answer(ctx, x, x.reply(ctx, true, refuse(msgNotMyThread), nil))
		return
	}
	if err := x.deferReply(ctx, true); err != nil {
		b.answer(ctx, x, err)
		return
	}
	thread, err := b.openThread(ctx, x.in.ChannelID, room)
	if err != nil {
		b.log.Warn("discord: open thread", "channel", x.in.ChannelID, errAttr(err))
		b.answer(ctx, x, x.reply(ctx, true, refuse(msgNoThread), nil))
		return
	}
	for _, scope := range []string{threadScope(thread), scopeActive} {
		if err := b.eng.BindRoom(ctx, x.user.ID, room.ID, engine.ProviderDiscord, scope); err != nil {
			x.fail(ctx, err, "")
			return
		}
	}
	answer := text(x.lang, msgThreadOpened, roomName(room), "<#"+thread+">")
	if made {
		answer = text(x.lang, msgRoomStarted, roomName(room), "<#"+thread+">") + "\n" + practiceLine(x.lang, room) + roomGoals(room, maxGoalShown)
	}
	b.answer(ctx, x, x.reply(ctx, true, answer, nil))
	out := &channelOutlet{s: b.session, channelID: thread}
	if !fresh { // the thread opens with what was played elsewhere, if anything was
		b.answerMessage(ctx, out, b.entryRecap(ctx, x.lang, x.user.ID, room, text(x.lang, msgContinue, roomName(room))))
		return
	}
	if _, err := b.streamTurn(ctx, x.lang, out, func(sink engine.Sink) (*engine.TurnResult, error) {
		return b.eng.OpenScene(ctx, x.user.ID, room.ID, engine.SourceDiscord, sink)
	}); err != nil {
		b.postError(ctx, out, x.lang, err)
	}
}

// foreignThread reports whether channelID is a thread the bot did not open.
// When the channel cannot be looked up it says no: opening a thread there
// fails, and says so, if it is one.
func (b *Bot) foreignThread(ctx context.Context, channelID string) bool {
	self, err := b.self(ctx)
	if err != nil {
		return false
	}
	ch, err := b.channel(ctx, channelID)
	return err == nil && ch.IsThread() && ch.OwnerID != self
}

// enterDM makes room the active one in a DM and opens its scene there; a
// room just made (made) with goals gets them listed after the opening.
func (b *Bot) enterDM(ctx context.Context, x *exchange, room *engine.Room, fresh, made bool) {
	if err := b.eng.BindRoom(ctx, x.user.ID, room.ID, engine.ProviderDiscord, scopeActive); err != nil {
		x.fail(ctx, err, "")
		return
	}
	if !fresh {
		b.answer(ctx, x, x.reply(ctx, false, b.entryRecap(ctx, x.lang, x.user.ID, room, text(x.lang, msgEnteredHere, roomName(room))), nil))
		return
	}
	if err := x.deferReply(ctx, false); err != nil {
		b.answer(ctx, x, err)
		return
	}
	if err := x.stream(ctx, func(sink engine.Sink) (*engine.TurnResult, error) {
		return b.eng.OpenScene(ctx, x.user.ID, room.ID, engine.SourceDiscord, sink)
	}); err != nil {
		x.fail(ctx, err, "")
		return
	}
	if made && len(room.Goals) > 0 {
		b.followup(ctx, x, false, text(x.lang, msgYourGoals)+roomGoals(room, maxGoalShown))
	}
}

// freshRoom reports whether a room has no conversation yet.
func (b *Bot) freshRoom(ctx context.Context, userID, roomID int64) (bool, error) {
	msgs, _, err := b.eng.ListMessages(ctx, userID, roomID, engine.Page{Limit: 1})
	return len(msgs) == 0, err
}

// openThread returns the thread to play room in: channelID itself when it is
// a thread, else a new public thread in it named after the room.
func (b *Bot) openThread(ctx context.Context, channelID string, room *engine.Room) (string, error) {
	if ch, err := b.channel(ctx, channelID); err == nil && ch.IsThread() {
		return ch.ID, nil
	}
	var th *discordgo.Channel
	err := b.do(ctx, func(opts ...discordgo.RequestOption) error {
		var err error
		th, err = b.session.ThreadStartComplex(channelID, &discordgo.ThreadStart{Name: threadName(room),
			Type: discordgo.ChannelTypeGuildPublicThread, AutoArchiveDuration: 1440}, opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	return th.ID, nil
}

// threadName returns a thread name for room: at most 100 characters.
func threadName(room *engine.Room) string {
	name := roomName(room)
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	return name
}

// channel returns a channel from the gateway's state, else from the API.
func (b *Bot) channel(ctx context.Context, id string) (*discordgo.Channel, error) {
	if b.session.State != nil {
		if ch, err := b.session.State.Channel(id); err == nil {
			return ch, nil
		}
	}
	var ch *discordgo.Channel
	err := b.do(ctx, func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = b.session.Channel(id, opts...)
		return err
	})
	return ch, err
}
