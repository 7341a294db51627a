package telegram

import "strings"

// htmlEscaper replaces the three characters Telegram's HTML parse mode
// reserves.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// EscapeHTML returns s as text for Telegram's HTML parse mode: every <, >
// and & replaced by its entity, and invalid UTF-8 by U+FFFD, so that any text
// (a model's reply, a user's room) shows exactly as written and never breaks
// the markup around it.
func EscapeHTML(s string) string {
	return htmlEscaper.Replace(strings.ToValidUTF8(s, "\uFFFD"))
}
