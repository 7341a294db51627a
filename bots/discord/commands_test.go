package discord

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

var update = flag.Bool("update", false, "rewrite testdata/commands.golden from the code")

// The commands the bot registers are exactly testdata/commands.golden: a
// change to a name, a description, a localization or an option shows in its
// diff (go test ./bots/discord -run TestCommandsGolden -update rewrites it).
func TestCommandsGolden(t *testing.T) {
	got, err := json.MarshalIndent(commands(engine.DefaultConfig().Limits), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "commands.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the commands differ from %s; run with -update and review the diff", path)
	}
}

// Every chat command and option is described in English, Korean and
// Japanese; the context-menu command is named in each; /room new and /room
// edit offer the CEFR levels and a feedback switch.
func TestCommandsLocalized(t *testing.T) {
	var walk func(where string, opts []*discordgo.ApplicationCommandOption)
	walk = func(where string, opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			if o.Description == "" || o.DescriptionLocalizations[discordgo.Korean] == "" || o.DescriptionLocalizations[discordgo.Japanese] == "" {
				t.Errorf("%s %s: description %q %v", where, o.Name, o.Description, o.DescriptionLocalizations)
			}
			walk(where+" "+o.Name, o.Options)
		}
	}
	practice := map[string]bool{}
	for _, c := range commands(engine.DefaultConfig().Limits) {
		if c.Type == discordgo.MessageApplicationCommand {
			if c.Name != "Translate" || c.NameLocalizations == nil || (*c.NameLocalizations)[discordgo.Korean] != "번역" ||
				(*c.NameLocalizations)[discordgo.Japanese] != "翻訳" || c.Description != "" {
				t.Errorf("context menu = %+v", c)
			}
			continue
		}
		if c.Description == "" || c.DescriptionLocalizations == nil || (*c.DescriptionLocalizations)[discordgo.Korean] == "" ||
			(*c.DescriptionLocalizations)[discordgo.Japanese] == "" {
			t.Errorf("/%s: description %q", c.Name, c.Description)
		}
		walk("/"+c.Name, c.Options)
		if c.Name != cmdRoom {
			continue
		}
		for _, sub := range c.Options {
			for _, o := range sub.Options {
				switch {
				case o.Name == optLevel && len(o.Choices) == 6 && o.Choices[0].Value == "A1" && o.Choices[5].Value == "C2" &&
					o.Choices[2].NameLocalizations[discordgo.Korean] == "B1 중급" && !o.Required:
					practice[sub.Name+" level"] = true
				case o.Name == optFeedback && o.Type == discordgo.ApplicationCommandOptionBoolean && !o.Required:
					practice[sub.Name+" feedback"] = true
				}
			}
		}
	}
	for _, want := range []string{"new level", "new feedback", "edit level", "edit feedback"} {
		if !practice[want] {
			t.Errorf("/room %s option missing or wrong", want)
		}
	}
}
