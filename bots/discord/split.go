package discord

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxMessageLen is the most characters Discord accepts in one message's
// content. Split counts UTF-16 code units, which are never fewer than the
// characters Discord counts, so a part always fits.
const MaxMessageLen = 2000

// Split cuts text into parts of at most max UTF-16 code units whose
// concatenation is text, byte for byte. It cuts after the last newline that
// fits, else after the last space, else between two characters (never inside
// a UTF-8 sequence). Empty text gives no parts. max must be at least 2 (one
// character outside the Basic Multilingual Plane takes two units).
func Split(text string, max int) []string {
	if max < 2 {
		max = 2
	}
	var parts []string
	for text != "" {
		end := fitPrefix(text, max)
		if end < len(text) {
			if i := strings.LastIndexByte(text[:end], '\n'); i > 0 {
				end = i + 1
			} else if i := strings.LastIndexByte(text[:end], ' '); i > 0 {
				end = i + 1
			}
		}
		parts = append(parts, text[:end])
		text = text[end:]
	}
	return parts
}

// fitPrefix returns the length in bytes of the longest prefix of s, ending on
// a character boundary, that takes at most max UTF-16 code units. It is at
// least one character (or one invalid byte).
func fitPrefix(s string, max int) int {
	units, i := 0, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		n := 1
		if size > 1 {
			n = utf16.RuneLen(r)
		}
		if units+n > max {
			break
		}
		units += n
		i += size
	}
	if i == 0 {
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	return i
}

// textLen returns the length of s in UTF-16 code units, as Split counts it.
func textLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if size > 1 {
			n += utf16.RuneLen(r)
		} else {
			n++
		}
		i += size
	}
	return n
}
