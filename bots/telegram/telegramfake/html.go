package telegramfake

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// htmlTags are the tags Telegram's HTML parse mode accepts.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "a": true, "code": true, "pre": true,
	"tg-spoiler": true, "span": true, "blockquote": true, "tg-emoji": true,
}

// htmlEntities are the named entities Telegram's HTML parse mode accepts.
var htmlEntities = map[string]string{"lt": "<", "gt": ">", "amp": "&", "quot": `"`}

// ParseHTML parses text in Telegram's HTML parse mode the way the Bot API
// does and returns the plain text a user sees, or the error Telegram would
// answer ("can't parse entities: …"): every <, > and & that is not part of a
// supported tag or entity is an error, and tags must nest.
func ParseHTML(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", fmt.Errorf("text must be encoded in UTF-8")
	}
	var out strings.Builder
	var open []string
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("can't parse entities: Unclosed start tag at byte offset %d", i)
			}
			tag := text[i+1 : i+end]
			closing := strings.HasPrefix(tag, "/")
			name := strings.ToLower(strings.Fields(strings.TrimPrefix(tag, "/") + " ")[0])
			if !htmlTags[name] {
				return "", fmt.Errorf("can't parse entities: Unsupported start tag %q at byte offset %d", name, i)
			}
			if closing {
				if len(open) == 0 || open[len(open)-1] != name {
					return "", fmt.Errorf("can't parse entities: Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, last(open), name)
				}
				open = open[:len(open)-1]
			} else {
				open = append(open, name)
			}
			i += end + 1
		case '>':
			return "", fmt.Errorf("can't parse entities: Character '>' is reserved and must be escaped with the preceding '\\' at byte offset %d", i)
		case '&':
			end := strings.IndexByte(text[i:], ';')
			if end < 0 || end > 10 {
				return "", fmt.Errorf("can't parse entities: Can't find end of the entity starting at byte offset %d", i)
			}
			name := text[i+1 : i+end]
			s, ok := htmlEntities[name]
			if !ok && strings.HasPrefix(name, "#") {
				n, err := numericEntity(name[1:])
				if err == nil {
					s, ok = string(rune(n)), true
				}
			}
			if !ok {
				return "", fmt.Errorf("can't parse entities: Unsupported HTML entity %q at byte offset %d", name, i)
			}
			out.WriteString(s)
			i += end + 1
		default:
			out.WriteByte(c)
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("can't parse entities: Can't find end tag corresponding to start tag \"%s\"", last(open))
	}
	return out.String(), nil
}

func numericEntity(s string) (int64, error) {
	if strings.HasPrefix(s, "x") || strings.HasPrefix(s, "X") {
		return strconv.ParseInt(s[1:], 16, 32)
	}
	return strconv.ParseInt(s, 10, 32)
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

// TextLen returns the length of s as Telegram counts it: UTF-16 code units.
func TextLen(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
