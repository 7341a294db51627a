package discord

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"empty", "", 10, nil},
		{"fits", "hello", 10, []string{"hello"}},
		{"exactly", "0123456789", 10, []string{"0123456789"}},
		{"at a space", "hello world again", 12, []string{"hello world ", "again"}},
		{"at a newline before a space", "ab\ncd ef gh", 9, []string{"ab\n", "cd ef gh"}},
		{"no space", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"hangul", "가나다라마", 2, []string{"가나", "다라", "마"}},
		{"astral counts two", "😀😀😀", 4, []string{"😀😀", "😀"}},
		{"astral never cut", "a😀", 2, []string{"a", "😀"}},
		{"leading space kept", " abc def", 4, []string{" abc", " def"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Split(tc.text, tc.max)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("Split(%q, %d) = %q, want %q", tc.text, tc.max, got, tc.want)
			}
		})
	}
}

func TestSplitDiscordLimit(t *testing.T) {
	text := strings.Repeat("word ", 1000) // 5000 characters
	parts := Split(text, MaxMessageLen)
	if len(parts) != 3 || textLen(parts[0]) != 2000 || strings.Join(parts, "") != text {
		t.Errorf("parts of %d, %d, … characters", textLen(parts[0]), textLen(parts[1]))
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "hello world", "a\nb c", "가나다 라마바", "😀 😀😀", strings.Repeat("x", 4100),
		strings.Repeat("ab ", 700), "\xff\xfe invalid", "e\u0301\u0301 combining"} {
		f.Add(s, 2000)
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max < 2 || max > 5000 {
			max = 2 + (max%100+100)%100
		}
		parts := Split(text, max)
		if strings.Join(parts, "") != text {
			t.Fatalf("parts %q do not join back to %q", parts, text)
		}
		valid := utf8.ValidString(text)
		for _, p := range parts {
			if p == "" {
				t.Fatalf("an empty part in %q", parts)
			}
			if textLen(p) > max {
				t.Fatalf("part %q is %d units long, more than %d", p, textLen(p), max)
			}
			if valid && !utf8.ValidString(p) {
				t.Fatalf("part %q cuts a character", p)
			}
		}
	})
}
