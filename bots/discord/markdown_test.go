package discord

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// unescapeMarkdown undoes escapeMarkdown, and reports whether esc holds a
// markdown character that is not escaped (or an escape of nothing).
func unescapeMarkdown(esc string) (string, bool) {
	var sb strings.Builder
	escaped := false
	for _, r := range esc {
		switch {
		case escaped:
			if !strings.ContainsRune(markdownSpecial, r) {
				return "", false // a backslash that escapes nothing
			}
			sb.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped = true
		case strings.ContainsRune(markdownSpecial, r):
			return "", false // a markdown character left bare
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String(), !escaped
}

func TestEscapeMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"**bold** and ~~gone~~":              `\*\*bold\*\* and \~\~gone\~\~`,
		"@everyone <@123> [x](http://y)":     `\@everyone \<\@123\> \[x\]\(http\://y\)`,
		"# title\n> quote -# small":          "\\# title\n\\> quote \\-\\# small",
		"커피 한 잔 주세요.":                        "커피 한 잔 주세요.",
		`back\slash ||spoiler|| ` + "`code`": `back\\slash \|\|spoiler\|\| ` + "\\`code\\`",
	} {
		got := escapeMarkdown(in)
		if got != want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
	if got := oneLine(" a\n\tb  c ", 10); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
	if got := oneLine("abcdefghij", 5); got != "abcd…" {
		t.Errorf("oneLine cut = %q", got)
	}
}

// Whatever the model writes, the escaped text shows exactly it: every
// markdown character is escaped, and nothing else changes.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range []string{"", "**a**", `\`, `\\*`, "~~x~~ → **y**", "<@1> @here", "a\nb", "ｘ＊", "\xff*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		esc := escapeMarkdown(s)
		back, ok := unescapeMarkdown(esc)
		if !ok || back != s {
			t.Fatalf("escapeMarkdown(%q) = %q: unescapes to %q (clean %v)", s, esc, back, ok)
		}
	})
}
