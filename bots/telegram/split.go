package telegram

import (
	"strings"
	"unicode/utf8"
)

// MaxMessageLen is Telegram's limit on a message's text after entity
// parsing, in UTF-16 code units.
const MaxMessageLen = 4096

// TextLen returns the length of s as Telegram counts it: UTF-16 code units
// (a character outside the Basic Multilingual Plane, such as most emoji,
// counts two). Each byte of invalid UTF-8 counts as one U+FFFD.
func TextLen(s string) int {
	n := 0
	for _, r := range s {
		n += runeLen(r)
	}
	return n
}

// runeLen is the number of UTF-16 code units of r.
func runeLen(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// Split cuts s into parts of at most max UTF-16 code units whose
// concatenation is s. It cuts only between runes, never inside one (so never
// inside a surrogate pair), and prefers to cut after a newline, then after a
// space, when one lies in the second half of the part; otherwise the part is
// as long as it can be. An empty s has no parts; max below 2 is taken as 2
// (the room for one rune).
func Split(s string, max int) []string {
	if max < 2 {
		max = 2
	}
	var parts []string
	for s != "" {
		cut, n := 0, 0
		for i, r := range s {
			if n+runeLen(r) > max {
				break
			}
			n += runeLen(r)
			_, size := utf8.DecodeRuneInString(s[i:])
			cut = i + size
		}
		if cut < len(s) {
			cut = breakBefore(s[:cut])
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	return parts
}

// breakBefore returns where to end a part that could end at len(s): just
// after the last newline, else the last space, in its second half; else
// len(s).
func breakBefore(s string) int {
	half := len(s) / 2
	if i := strings.LastIndexByte(s, '\n'); i >= half {
		return i + 1
	}
	if i := strings.LastIndexByte(s, ' '); i >= half {
		return i + 1
	}
	return len(s)
}
