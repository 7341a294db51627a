package main

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

// The deployment files set only variables chatplay knows: a misspelt one
// would be warned about at every start, and its setting silently missing.
func TestDeployFilesUseKnownVariables(t *testing.T) {
	known := knownEnv()
	name := regexp.MustCompile(`CHATPLAY_[A-Z0-9_]+`)
	for _, path := range []string{"../../Dockerfile", "../../compose.yaml", "../../.env.example", "../../deploy/chatplay.service"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range name.FindAllString(string(data), -1) {
			if !slices.Contains(known, v) {
				t.Errorf("%s sets %s, which is no setting", path, v)
			}
		}
	}
}
