package discord

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/chatplay/chatplay/engine"
)

// recoverHandler, deferred by every handler goroutine (track), keeps a panic
// from taking the process down: it is logged, with its stack.
func (b *Bot) recoverHandler() {
	if p := recover(); p != nil {
		b.log.Error("discord: panic in a handler", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	}
}

// recoverInteraction, deferred by handleInteraction, turns a panic while an
// interaction is handled (a command, a button, a form, by gateway or HTTP)
// into a log line and a short error for the user.
func (b *Bot) recoverInteraction(ctx context.Context, x *exchange) {
	p := recover()
	if p == nil {
		return
	}
	b.log.Error("discord: panic handling an interaction", "interaction", x.in.ID, "panic", fmt.Sprint(p),
		"stack", string(debug.Stack()))
	x.fail(ctx, engine.Internal(fmt.Errorf("panic: %v", p)), "")
}

// recoverMessage, deferred by handleMessage once it knows where to answer,
// turns a panic during a message's turn into a log line and a short error
// in the channel, in lang.
func (b *Bot) recoverMessage(ctx context.Context, out outlet, lang string) {
	p := recover()
	if p == nil {
		return
	}
	b.log.Error("discord: panic handling a message", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	b.answerMessage(ctx, out, errorMessage(lang, engine.Internal(nil)))
}
