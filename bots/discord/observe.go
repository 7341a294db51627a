package discord

import "github.com/bwmarrin/discordgo"

// The kinds of event Config.Observe is told of.
const (
	kindCommand      = "command"      // a slash command
	kindAutocomplete = "autocomplete" // a slash command's option being typed
	kindComponent    = "component"    // a button or a menu
	kindModal        = "modal"        // a form submitted
	kindMessage      = "message"      // a message from the gateway
	kindOther        = "other"        // an interaction of another type
)

// The outcomes of an event Config.Observe is told of.
const (
	outcomeHandled   = "handled"   // claimed and routed (its own errors are the user's to see)
	outcomeDuplicate = "duplicate" // delivered before: nothing done
	outcomeIgnored   = "ignored"   // not for the bot (another channel, another bot, no user)
	outcomeFailed    = "failed"    // its claim or its user could not be stored
	outcomeThrottled = "throttled" // its user's queue was full: answered "slow down", not played
)

// interactionKind returns the kind of an interaction of type t.
func interactionKind(t discordgo.InteractionType) string {
	switch t {
	case discordgo.InteractionApplicationCommand:
		return kindCommand
	case discordgo.InteractionApplicationCommandAutocomplete:
		return kindAutocomplete
	case discordgo.InteractionMessageComponent:
		return kindComponent
	case discordgo.InteractionModalSubmit:
		return kindModal
	}
	return kindOther
}

// observe tells Config.Observe of an event, when it is set.
func (b *Bot) observe(kind, outcome string) {
	if b.cfg.Observe != nil {
		b.cfg.Observe(kind, outcome)
	}
}
