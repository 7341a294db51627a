package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// readmeBlock returns the shell block of the README that holds marker.
func readmeBlock(t *testing.T, marker string) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(data), -1) {
		if strings.Contains(block[1], marker) {
			return block[1]
		}
	}
	t.Fatalf("README.md has no sh block holding %q", marker)
	return ""
}

// needTools skips the test when a command it runs is missing, except under
// CI, where that fails.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed: %v", tool, err)
			}
			t.Skipf("%s is needed: %v", tool, err)
		}
	}
}

// The README's curl session works as written, against a started service and
// the fake model server: the room id is taken from the create answer, and
// every answer ends on a line of its own.
func TestReadmeCurlSession(t *testing.T) {
	needTools(t, "bash", "curl", "jq")
	block := readmeBlock(t, "API=http://localhost:8080/api/v1")
	model := openaifake.New(t)
	s := startServe(t, map[string]string{"CHATPLAY_MODEL_BASE_URL": model.URL()})
	// A room made before the session's own, so that its room is not number 1.
	s.signupWithRoom(t)

	script := strings.ReplaceAll(block, "http://localhost:8080", "http://"+s.addr)
	out, err := exec.Command("bash", "-euo", "pipefail", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("the session failed: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{
		`"display_name":"Mina"`,
		"room 2\n",
		`"content":"echo: 안녕하세요"`,
		"event: delta",
		`"content":"echo: 아메리카노 한 잔 주세요"`,
		`{"error":{"code":"unauthenticated"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the session's output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "}{") || strings.Contains(got, "}event:") || strings.Contains(got, "}room") {
		t.Errorf("two answers share a line:\n%s", got)
	}
	if !strings.HasSuffix(got, "}\n") {
		t.Errorf("the last answer does not end its line:\n%q", got)
	}
}

// The README lists every room language, with its name.
func TestReadmeListsTheRoomLanguages(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for code, name := range engine.Languages {
		if want := "`" + code + "` (" + name + ")"; !strings.Contains(string(data), want) {
			t.Errorf("README.md does not list the room language %s", want)
		}
	}
}
