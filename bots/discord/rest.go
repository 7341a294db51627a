package discord

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"time"

	"github.com/bwmarrin/discordgo"
)

// maxRateLimitRetries is how many times one REST call is retried after a 429.
const maxRateLimitRetries = 5

// do runs one REST call with ctx, retrying it after a 429 once the wait
// Discord asked for (retry_after) has passed. discordgo's own retry is off:
// its wait does not end with ctx.
func (b *Bot) do(ctx context.Context, call func(opts ...discordgo.RequestOption) error) error {
	for attempt := 0; ; attempt++ {
		err := call(discordgo.WithContext(ctx))
		wait, limited := rateLimitWait(err)
		if !limited || attempt >= maxRateLimitRetries {
			return err
		}
		b.log.Info("discord: rate limited", "retry_after", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
}

// rateLimitWait reports whether err is a 429 and how long Discord asked to wait.
func rateLimitWait(err error) (time.Duration, bool) {
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) || rl.RateLimit == nil || rl.TooManyRequests == nil {
		return 0, false
	}
	return rl.RetryAfter, true
}

// noMentions is the allowed_mentions of every message the bot sends: nothing
// in it pings anyone, whatever the model wrote.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// outlet is where a streamed reply is written: the messages of an
// interaction, or a channel.
type outlet interface {
	// post writes a new message and returns its id.
	post(ctx context.Context, content string) (string, error)
	// edit replaces the content of message id.
	edit(ctx context.Context, id, content string) error
}

// interactionOutlet writes into an interaction's deferred response, then
// into followup messages.
type interactionOutlet struct {
	s            *discordgo.Session
	in           *discordgo.Interaction
	usedOriginal bool
}

var _ outlet = (*interactionOutlet)(nil)

func (o *interactionOutlet) post(ctx context.Context, content string) (string, error) {
	if !o.usedOriginal {
		if err := o.edit(ctx, "@original", content); err != nil {
			return "", err
		}
		o.usedOriginal = true
		return "@original", nil
	}
	m, err := o.s.FollowupMessageCreate(o.in, true, &discordgo.WebhookParams{Content: content, AllowedMentions: noMentions()},
		discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

func (o *interactionOutlet) edit(ctx context.Context, id, content string) error {
	_, err := o.s.WebhookMessageEdit(o.in.AppID, o.in.Token, id, &discordgo.WebhookEdit{Content: &content, AllowedMentions: noMentions()},
		discordgo.WithContext(ctx))
	return err
}

// channelOutlet writes messages in a channel; the first one answers
// replyTo, when set.
type channelOutlet struct {
	s         *discordgo.Session
	channelID string
	replyTo   string
	last      string // the id of the last message posted
}

var _ outlet = (*channelOutlet)(nil)

func (o *channelOutlet) post(ctx context.Context, content string) (string, error) {
	send := &discordgo.MessageSend{Content: content, AllowedMentions: noMentions()}
	if o.replyTo != "" {
		send.Reference = &discordgo.MessageReference{MessageID: o.replyTo, ChannelID: o.channelID, FailIfNotExists: new(bool)}
		o.replyTo = ""
	}
	m, err := o.s.ChannelMessageSendComplex(o.channelID, send, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	o.last = m.ID
	return m.ID, nil
}

func (o *channelOutlet) edit(ctx context.Context, id, content string) error {
	_, err := o.s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: id, Channel: o.channelID, Content: &content,
		AllowedMentions: noMentions()}, discordgo.WithContext(ctx))
	return err
}

// secretPath matches the part of a REST path that holds an interaction token.
var secretPath = regexp.MustCompile(`/(webhooks|interactions)/([0-9]+)/[^/\s"?]+`)

// errAttr is err as a log attribute, with the interaction tokens that URLs
// in REST errors carry replaced. (The bot token is only ever in a header.)
func errAttr(err error) slog.Attr {
	if err == nil {
		return slog.String("err", "")
	}
	return slog.String("err", secretPath.ReplaceAllString(err.Error(), "/$1/$2/<token>"))
}
