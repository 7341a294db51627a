package telegram

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestTextLen(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{
		{"", 0}, {"abc", 3}, {"커피", 2}, {"日本語", 3}, {"😀", 2}, {"a😀b", 4}, {"👩‍💻", 5}, {"\xff", 1},
	} {
		if got := TextLen(tc.s); got != tc.want {
			t.Errorf("TextLen(%q) = %d, want %d", tc.s, got, tc.want)
		}
		if utf8.ValidString(tc.s) && TextLen(tc.s) != len(utf16.Encode([]rune(tc.s))) {
			t.Errorf("TextLen(%q) disagrees with UTF-16", tc.s)
		}
	}
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    string
		max  int
		want []string
	}{
		{"empty", "", 10, nil},
		{"fits", "hello", 5, []string{"hello"}},
		{"at a space", "hello world again", 12, []string{"hello world ", "again"}},
		{"at a newline first", "ab cd\nef gh ij", 12, []string{"ab cd\nef gh ", "ij"}},
		{"newline in the second half", "abcdefgh\nij kl", 10, []string{"abcdefgh\n", "ij kl"}},
		{"hard cut with no space", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"space too early is not used", "a bcdefghij", 6, []string{"a bcde", "fghij"}},
		{"surrogate pair not split", "abc😀d", 4, []string{"abc", "😀d"}},
		{"emoji only", "😀😀😀", 3, []string{"😀", "😀", "😀"}},
		{"korean", "가나다라마바사", 3, []string{"가나다", "라마바", "사"}},
		{"max below 2", "😀😀", 1, []string{"😀", "😀"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Split(tc.s, tc.max)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Fatalf("Split(%q, %d) = %q, want %q", tc.s, tc.max, got, tc.want)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "hello world", "커피 한 잔 😀☕ 주세요\n네", strings.Repeat("😀", 50), "a\nb\nc", "\xff\xfe bad", "👩‍💻 ZWJ"} {
		f.Add(s, 7)
	}
	f.Add(strings.Repeat("가나다 😀", 1500), MaxMessageLen)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 2 || max > 10000 {
			max = 2 + abs(max)%10000
		}
		parts := Split(s, max)
		if strings.Join(parts, "") != s {
			t.Fatalf("parts do not add up to the text")
		}
		for i, p := range parts {
			if p == "" {
				t.Fatalf("part %d is empty", i)
			}
			if TextLen(p) > max {
				t.Fatalf("part %d is %d UTF-16 units, max %d", i, TextLen(p), max)
			}
			if utf8.ValidString(s) && !utf8.ValidString(p) {
				t.Fatalf("part %d cuts a rune: %q", i, p)
			}
			if i < len(parts)-1 {
				// Not cut shorter than needed: the next rune would not fit, or
				// the cut is at a newline or space past the middle.
				next, _ := utf8.DecodeRuneInString(parts[i+1])
				last := p[len(p)-1]
				if TextLen(p)+runeLen(next) <= max && last != '\n' && last != ' ' {
					t.Fatalf("part %d (%d units) was cut early", i, TextLen(p))
				}
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
