package discord

import "strings"

// markdownSpecial holds the characters that Discord markdown gives a meaning
// to: emphasis (* _ ~), code (`), spoilers (|), quotes (>), headings and
// subtext (#, -), lists (-), masked links ([ ] ( )), mentions, channels and
// custom emoji (< @ :), and the escape itself (\).
const markdownSpecial = "\\*_~`|><#-[]():@"

// escapeMarkdown returns s with every markdown character escaped by a
// backslash, so that Discord shows it as written: for text the bot did not
// write (what the model says in an aid, what the learner wrote), put inside
// the bot's own formatting.
func escapeMarkdown(s string) string {
	var sb strings.Builder
	sb.Grow(len(s) + len(s)/8)
	for _, r := range s {
		if r < 0x80 && strings.ContainsRune(markdownSpecial, r) {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// oneLine returns s with its runs of white space (newlines included) made
// one space, and at most max runes long ("…" marks a cut): a field that
// must stay on its line of the bot's layout.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = strings.TrimSpace(string(r[:max-1])) + "…"
	}
	return s
}

// plain returns untrusted text s as one escaped line of at most max runes
// (before escaping).
func plain(s string, max int) string { return escapeMarkdown(oneLine(s, max)) }
