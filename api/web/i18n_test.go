package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// catalogKey matches a key line of a message catalog: 'key': 'text',
var catalogKey = regexp.MustCompile(`(?m)^\s*'([a-z0-9_.]+)':`)

// usedKey matches a literal key passed to t() in the pages.
var usedKey = regexp.MustCompile(`\bt\('([a-z0-9_.]+)'\s*[,)]`)

// catalogKeys returns the keys of static/js/i18n/<lang>.js.
func catalogKeys(t *testing.T, lang string) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("static", "js", "i18n", lang+".js"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range catalogKey.FindAllStringSubmatch(string(src), -1) {
		keys = append(keys, m[1])
	}
	if len(keys) < 50 {
		t.Fatalf("%s.js: only %d keys found", lang, len(keys))
	}
	return keys
}

// Every language has every message, and every message the pages ask for exists.
func TestCatalogsAreComplete(t *testing.T) {
	en := catalogKeys(t, "en")
	for _, lang := range []string{"ko", "ja"} {
		keys := catalogKeys(t, lang)
		for _, k := range en {
			if !slices.Contains(keys, k) {
				t.Errorf("%s.js lacks %q", lang, k)
			}
		}
		for _, k := range keys {
			if !slices.Contains(en, k) {
				t.Errorf("%s.js has %q, which en.js has not", lang, k)
			}
		}
	}
	err := filepath.WalkDir(filepath.Join("static", "js"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".js") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range usedKey.FindAllStringSubmatch(string(src), -1) {
			if !slices.Contains(en, m[1]) {
				t.Errorf("%s asks for %q, which the catalogs lack", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The pages never put data into the page as HTML.
func TestNoHTMLSinks(t *testing.T) {
	sinks := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function`)
	err := filepath.WalkDir(filepath.Join("static", "js"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := sinks.FindIndex(src); loc != nil {
			t.Errorf("%s uses %s", path, src[loc[0]:loc[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
