package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// maxSuggestDistance bounds how far (in edits: a letter added, removed,
// changed, or two swapped) a misspelt key or variable may be from the name
// suggested for it; shorter names allow fewer edits (suggestDistance).
const maxSuggestDistance = 3

// toolEnv are CHATPLAY_ variables that are no setting but are read by the
// tests and tools of this repository: they are not warned about.
var toolEnv = []string{"CHATPLAY_TEST_POSTGRES_URL", "CHATPLAY_CHROMIUM", "CHATPLAY_UPDATE_SCREENSHOTS"}

// configKey is one setting: its dotted key and whether it is a secret.
type configKey struct {
	key    string // model.api_key
	secret bool
}

// configKeys returns every setting of the struct type t, under path.
func configKeys(t reflect.Type, path string) []configKey {
	var keys []configKey
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := joinKey(path, yamlKey(f))
		if f.Type.Kind() == reflect.Struct {
			keys = append(keys, configKeys(f.Type, key)...)
			continue
		}
		keys = append(keys, configKey{key: key, secret: f.Tag.Get("secret") == "true"})
	}
	return keys
}

// knownEnv returns every environment variable chatplay reads: one per
// setting, a _FILE one per secret, and toolEnv.
func knownEnv() []string {
	names := slices.Clone(toolEnv)
	for _, k := range configKeys(reflect.TypeOf(Config{}), "") {
		names = append(names, envName("CHATPLAY", k.key))
		if k.secret {
			names = append(names, envName("CHATPLAY", k.key)+"_FILE")
		}
	}
	return names
}

// unknownEnv returns a warning for each variable of environ ("NAME=value"
// pairs, as os.Environ gives them) that starts with CHATPLAY_ but is no
// setting, with the closest real name when one is near.
func unknownEnv(environ []string) []string {
	known := knownEnv()
	var warnings []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "CHATPLAY_") || slices.Contains(known, name) {
			continue
		}
		if base, ok := strings.CutSuffix(name, "_FILE"); ok && slices.Contains(known, base) {
			warnings = append(warnings, fmt.Sprintf("%s: unknown; only secrets are read from a file: set %s itself", name, base))
		} else if best, ok := closest(name, known); ok {
			warnings = append(warnings, fmt.Sprintf("%s: unknown; did you mean %s?", name, best))
		} else {
			warnings = append(warnings, fmt.Sprintf("%s: unknown, ignored (config.yaml lists every setting; its variable is CHATPLAY_<SECTION>_<KEY>)", name))
		}
	}
	slices.Sort(warnings)
	return warnings
}

// suggestKey returns ", did you mean KEY?" for an unknown key name in the
// section path: the nearest key of that section, else the key of that name
// in another section (a key written in the wrong place); "" when none fits.
func suggestKey(path, name string) string {
	t := reflect.TypeOf(Config{})
	for _, part := range strings.Split(path, ".") {
		if part == "" {
			continue
		}
		f, ok := fieldByKey(t, part)
		if !ok {
			return ""
		}
		t = f.Type
	}
	var here []string
	for i := 0; i < t.NumField(); i++ {
		here = append(here, yamlKey(t.Field(i)))
	}
	if best, ok := closest(name, here); ok {
		return "; did you mean " + joinKey(path, best) + "?"
	}
	for _, k := range configKeys(reflect.TypeOf(Config{}), "") {
		if k.key == name || strings.HasSuffix(k.key, "."+name) {
			return "; did you mean " + k.key + "?"
		}
	}
	return ""
}

// closest returns the candidate nearest to name, if it is within
// suggestDistance of it.
func closest(name string, candidates []string) (string, bool) {
	best, bestDist := "", suggestDistance(name)+1
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best, best != ""
}

// suggestDistance is how many edits a name may be from a suggestion for it:
// one per four letters, at least 1 and at most maxSuggestDistance. For a
// CHATPLAY_ variable, the letters after the prefix count.
func suggestDistance(name string) int {
	n := len(strings.TrimPrefix(name, "CHATPLAY_")) / 4
	return min(max(n, 1), maxSuggestDistance)
}

// editDistance returns the optimal string alignment distance between a and
// b: the fewest letters inserted, deleted, substituted or swapped with their
// neighbour to turn a into b (Levenshtein, with a swap counted as one edit).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j].
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
