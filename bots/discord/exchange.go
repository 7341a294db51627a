package discord

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// ackDeadline is how long an interaction may go unanswered before the bot
// acknowledges it with a deferral on its own; Discord allows 3 seconds.
const ackDeadline = 2 * time.Second

// responder sends an interaction's initial response (a
// *discordgo.InteractionResponse, or another value of its JSON shape) through
// the transport it came by: a REST callback for the gateway, the HTTP
// response for the interactions endpoint.
type responder func(ctx context.Context, resp any) error

// exchange is one interaction being answered: who asked, in which language,
// and what has been answered so far.
type exchange struct {
	b       *Bot
	in      *discordgo.Interaction
	user    *engine.User
	lang    string
	respond responder

	mu        sync.Mutex
	responded bool          // the initial response is sent (or being sent)
	deferred  bool          // it was a deferral and the original message is still empty
	ephemeral bool          // the original message is seen only by the user
	auto      bool          // the deferral was the watchdog's
	autoDone  chan struct{} // closed once the watchdog has run
}

// newExchange returns the exchange of interaction in.
func newExchange(b *Bot, in *discordgo.Interaction, respond responder) *exchange {
	return &exchange{b: b, in: in, lang: engine.NormalizeLocale(string(in.Locale)), respond: respond, autoDone: make(chan struct{})}
}

// discordUser returns who sent the interaction: the member's user in a
// guild, the user in a DM.
func discordUser(in *discordgo.Interaction) *discordgo.User {
	if in.Member != nil && in.Member.User != nil {
		return in.Member.User
	}
	return in.User
}

// watch acknowledges the interaction with an ephemeral deferral if nothing
// answered it within after, so that Discord's 3 seconds are kept whatever
// the handler waits for. The returned stop waits for a deferral under way.
// Autocomplete cannot be deferred and is not watched.
func (x *exchange) watch(ctx context.Context, after time.Duration) (stop func()) {
	if x.in.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return func() {}
	}
	t := time.AfterFunc(after, func() {
		defer close(x.autoDone)
		x.mu.Lock()
		if x.responded {
			x.mu.Unlock()
			return
		}
		x.responded, x.auto, x.deferred, x.ephemeral = true, true, true, true
		x.mu.Unlock()
		err := x.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()}})
		if err != nil {
			x.b.log.Warn("discord: acknowledge interaction", "interaction", x.in.ID, errAttr(err))
		}
	})
	return func() {
		if !t.Stop() {
			<-x.autoDone
		}
	}
}

// initial sends resp as the initial response. first runs, under the lock,
// only when this call sends it. After the watchdog's deferral, resp is
// shown by editing that deferral instead.
func (x *exchange) initial(ctx context.Context, resp any, first func()) error {
	x.mu.Lock()
	if x.responded {
		auto := x.auto
		x.mu.Unlock()
		if !auto {
			return errors.New("discord: interaction already answered")
		}
		<-x.autoDone
		return x.late(ctx, resp)
	}
	x.responded = true
	if first != nil {
		first()
	}
	x.mu.Unlock()
	return x.respond(ctx, resp)
}

// late shows an initial response that came after the watchdog's deferral.
func (x *exchange) late(ctx context.Context, resp any) error {
	r, ok := resp.(*discordgo.InteractionResponse)
	if !ok || r.Data == nil {
		return nil // autocomplete choices, or a deferral: nothing more to show
	}
	switch r.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage:
		return x.editWith(ctx, r.Data.Content, r.Data.Components, r.Data.Embeds)
	case discordgo.InteractionResponseModal: // a form cannot follow a deferral
		return x.editOriginal(ctx, errorMessage(x.lang, engine.Errorf(engine.CodeUnavailable, "Try again.")), nil)
	}
	return nil
}

// state returns whether the original response is still an empty deferral
// and whether it is ephemeral, or false, false before any response.
func (x *exchange) state() (responded, deferred, ephemeral bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.responded, x.deferred, x.ephemeral
}

// deferReply acknowledges the interaction with "thinking…": the answer comes
// later by editing the original response.
func (x *exchange) deferReply(ctx context.Context, ephemeral bool) error {
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: noMentions()}}
	if ephemeral {
		resp.Data.Flags = discordgo.MessageFlagsEphemeral
	}
	return x.initial(ctx, resp, func() { x.deferred, x.ephemeral = true, ephemeral })
}

// deferUpdate acknowledges a button press; the message that holds the
// button is edited later.
func (x *exchange) deferUpdate(ctx context.Context) error {
	return x.initial(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate},
		func() { x.ephemeral = true }) // the message edited is the button's own; never emptied
}

// reply answers with content and components: as the initial response when
// none was sent (ephemeral when asked), else by editing the original one.
func (x *exchange) reply(ctx context.Context, ephemeral bool, content string, components []discordgo.MessageComponent) error {
	return x.replyWith(ctx, ephemeral, content, components, nil)
}

// replyWith is reply with embeds (nil: none).
func (x *exchange) replyWith(ctx context.Context, ephemeral bool, content string, components []discordgo.MessageComponent,
	embeds []*discordgo.MessageEmbed) error {
	if responded, _, _ := x.state(); responded {
		return x.editWith(ctx, content, components, embeds)
	}
	data := &discordgo.InteractionResponseData{Content: content, Components: nonNil(components), Embeds: embeds,
		AllowedMentions: noMentions()}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return x.initial(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data},
		func() { x.ephemeral = ephemeral })
}

// editOriginal replaces the original response's content and components.
func (x *exchange) editOriginal(ctx context.Context, content string, components []discordgo.MessageComponent) error {
	return x.editWith(ctx, content, components, nil)
}

// editWith is editOriginal that also sets the response's embeds (nil: left
// as they are).
func (x *exchange) editWith(ctx context.Context, content string, components []discordgo.MessageComponent,
	embeds []*discordgo.MessageEmbed) error {
	x.mu.Lock()
	x.deferred = false
	x.mu.Unlock()
	components = nonNil(components)
	edit := &discordgo.WebhookEdit{Content: &content, Components: &components, AllowedMentions: noMentions()}
	if embeds != nil {
		edit.Embeds = &embeds
	}
	return x.b.do(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := x.b.session.InteractionResponseEdit(x.in, edit, opts...)
		return err
	})
}

// nonNil returns components, or an empty list that removes a message's
// components when sent.
func nonNil(components []discordgo.MessageComponent) []discordgo.MessageComponent {
	if components == nil {
		return []discordgo.MessageComponent{}
	}
	return components
}

// update answers a button press by replacing the message that holds the
// button.
func (x *exchange) update(ctx context.Context, content string, components []discordgo.MessageComponent) error {
	return x.initial(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: content, Components: nonNil(components), AllowedMentions: noMentions()}}, nil)
}

// fail explains err to the user in a short message only they see. After a
// public deferral that shows nothing yet, the empty response is removed first.
// typed, when set, is what the user wrote, given back so that it is not lost.
func (x *exchange) fail(ctx context.Context, err error, typed string) {
	if engine.ErrorCode(err) == engine.CodeInternal {
		x.b.log.Error("discord: interaction failed", "interaction", x.in.ID, errAttr(err))
	} else {
		x.b.log.Debug("discord: interaction refused", "interaction", x.in.ID, errAttr(err))
	}
	content := errorMessage(x.lang, err)
	if typed != "" {
		content = Split(content+"\n"+text(x.lang, msgYourText)+"\n"+quote(typed), MaxMessageLen)[0]
	}
	responded, deferred, ephemeral := x.state()
	var werr error
	switch {
	case !responded || ephemeral:
		werr = x.reply(ctx, true, content, nil)
	default:
		if deferred {
			x.mu.Lock()
			x.deferred = false
			x.mu.Unlock()
			werr = x.b.do(ctx, func(opts ...discordgo.RequestOption) error {
				return x.b.session.InteractionResponseDelete(x.in, opts...)
			})
		}
		werr = errors.Join(werr, x.b.do(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := x.b.session.FollowupMessageCreate(x.in, true, &discordgo.WebhookParams{Content: content,
				Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()}, opts...)
			return err
		}))
	}
	if werr != nil {
		x.b.log.Warn("discord: could not show an error", "interaction", x.in.ID, errAttr(werr))
	}
}

// stream runs a chat turn whose reply streams into the deferred response,
// then followups, and returns the turn's error.
func (x *exchange) stream(ctx context.Context, turn func(sink engine.Sink) (*engine.TurnResult, error)) error {
	return x.streamOn(ctx, &interactionOutlet{s: x.b.session, in: x.in}, turn)
}

// streamOn is stream into out, an outlet of this interaction that may hold
// a message already (the reply then goes into followups).
func (x *exchange) streamOn(ctx context.Context, out *interactionOutlet, turn func(sink engine.Sink) (*engine.TurnResult, error)) error {
	shown, err := x.b.streamTurn(ctx, x.lang, out, turn)
	if shown != "" || out.usedOriginal {
		x.mu.Lock()
		x.deferred = false // the response holds part of the reply: keep it
		x.mu.Unlock()
	}
	return err
}
