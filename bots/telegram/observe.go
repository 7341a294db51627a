package telegram

// The kinds of update Config.Observe is told of.
const (
	kindMessage  = "message"  // a line of text, or the answer to a question the bot asked
	kindCommand  = "command"  // a /command
	kindCallback = "callback" // a button press
	kindOther    = "other"    // anything the bot does not act on
)

// The outcomes of an update Config.Observe is told of.
const (
	outcomeHandled   = "handled"   // claimed and dispatched (its own errors are the user's to see)
	outcomeDuplicate = "duplicate" // delivered before: nothing done
	outcomeIgnored   = "ignored"   // not for the bot (group chatter, other kinds of update)
	outcomeFailed    = "failed"    // its claim or its user could not be stored
	outcomeThrottled = "throttled" // its user's queue was full: answered "slow down", not handled
)

// kind returns the kind of update req is.
func (req *request) kind() string {
	switch {
	case req.callbackID != "":
		return kindCallback
	case req.command != "":
		return kindCommand
	}
	return kindMessage
}

// observe tells Config.Observe of an update, when it is set.
func (b *Bot) observe(kind, outcome string) {
	if b.cfg.Observe != nil {
		b.cfg.Observe(kind, outcome)
	}
}
