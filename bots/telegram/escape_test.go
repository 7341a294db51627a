package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
)

func TestEscapeHTML(t *testing.T) {
	for in, want := range map[string]string{
		"":                "",
		"plain":           "plain",
		"<b>x</b>":        "&lt;b&gt;x&lt;/b&gt;",
		"a & b":           "a &amp; b",
		"&amp;":           "&amp;amp;",
		"1 < 2 > 0":       "1 &lt; 2 &gt; 0",
		`"quotes" 'stay'`: `"quotes" 'stay'`,
		"bad \xff byte":   "bad \uFFFD byte",
		"한국어 <태그> & 日本語":  "한국어 &lt;태그&gt; &amp; 日本語",
	} {
		if got := EscapeHTML(in); got != want {
			t.Errorf("EscapeHTML(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEscape checks that any text, escaped, is accepted by Telegram's HTML
// parse mode (as the fake Bot API parses it) and shows exactly as written.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "<b>bold</b>", "&amp; &lt; &#60; &#x3c;", "a<b>c&d", "<<<>>>&&&", "<a href=\"x\">y</a>", "\xff", "커피 <주문> & 😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := EscapeHTML(s)
		shown, err := telegramfake.ParseHTML(esc)
		if err != nil {
			t.Fatalf("Telegram would refuse %q: %v", esc, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if shown != want {
			t.Fatalf("shown %q, want %q", shown, want)
		}
		if strings.ContainsAny(esc, "<>") || !utf8.ValidString(esc) {
			t.Fatalf("escaped text %q keeps markup", esc)
		}
	})
}
