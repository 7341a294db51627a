package discordfake_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/bots/discord/discordfake"
)

// session returns a discordgo session whose API calls reach fake.
func session(t *testing.T, fake *discordfake.Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot t")
	if err != nil {
		t.Fatal(err)
	}
	s.ShouldRetryOnRateLimit = false
	s.Client = &http.Client{Transport: rewrite{to: fake.URL() + "/"}}
	return s
}

// rewrite sends discordgo's API requests to another root.
type rewrite struct{ to string }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	u := r.to + strings.TrimPrefix(req.URL.String(), discordgo.EndpointAPI)
	out, err := http.NewRequestWithContext(req.Context(), req.Method, u, req.Body)
	if err != nil {
		return nil, err
	}
	out.Header = req.Header
	return http.DefaultTransport.RoundTrip(out)
}

func TestRateLimitShape(t *testing.T) {
	fake := discordfake.New(t)
	s := session(t, fake)
	fake.RateLimit(discordfake.Limit{Method: http.MethodPost, PathPrefix: "/channels/", RetryAfter: 150 * time.Millisecond, Global: true})
	_, err := s.ChannelMessageSend("1", "hi")
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 150*time.Millisecond {
		t.Fatalf("err = %v, want a rate limit of 150ms", err)
	}
	c := fake.Calls()[0]
	if c.Status != 429 || c.Response["global"] != true || c.Response["message"] == "" {
		t.Errorf("429 call = %+v", c)
	}
	if m, err := s.ChannelMessageSend("1", "hi"); err != nil || m.Content != "hi" || m.Author.ID != discordfake.BotUserID {
		t.Errorf("second send = %+v, %v", m, err)
	}
}

func TestDiscordRules(t *testing.T) {
	fake := discordfake.New(t)
	s := session(t, fake)
	var rest *discordgo.RESTError
	if _, err := s.ChannelMessageSend("1", strings.Repeat("가", 2001)); !errors.As(err, &rest) || rest.Message.Code != 50035 {
		t.Errorf("too long: %v", err)
	}
	if _, err := s.ChannelMessageSend("1", ""); !errors.As(err, &rest) || rest.Message.Code != 50006 {
		t.Errorf("empty: %v", err)
	}
	// Discord trims white space: a message of only white space is empty,
	// whether sent, edited in or followed up.
	for _, blank := range []string{" ", "\n", " \t\n "} {
		if _, err := s.ChannelMessageSend("1", blank); !errors.As(err, &rest) || rest.Message.Code != 50006 ||
			rest.Message.Message != "Cannot send an empty message" || rest.Response.StatusCode != http.StatusBadRequest {
			t.Errorf("send %q: %v", blank, err)
		}
	}
	sent, err := s.ChannelMessageSend("1", "hi")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessageEdit("1", sent.ID, "\n\n"); !errors.As(err, &rest) || rest.Message.Code != 50006 {
		t.Errorf("blank edit: %v", err)
	}
	blankIn := &discordgo.Interaction{ID: "6", Token: "tok6", AppID: "9"}
	if _, err := s.FollowupMessageCreate(blankIn, true, &discordgo.WebhookParams{Content: "  "}); !errors.As(err, &rest) || rest.Message.Code != 50006 {
		t.Errorf("blank followup: %v", err)
	}
	blankReply := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: " "}}
	if err := s.InteractionRespond(&discordgo.Interaction{ID: "7", Token: "tok7", AppID: "9"}, blankReply); !errors.As(err, &rest) || rest.Message.Code != 50006 {
		t.Errorf("blank interaction response: %v", err)
	}
	in := &discordgo.Interaction{ID: "5", Token: "tok", AppID: "9"}
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if err := s.InteractionRespond(in, resp); err != nil {
		t.Fatal(err)
	}
	if err := s.InteractionRespond(in, resp); !errors.As(err, &rest) || rest.Message.Code != 40060 {
		t.Errorf("second callback: %v", err)
	}
	content := "done"
	if _, err := s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &content}); err != nil {
		t.Fatal(err)
	}
	if msgs := fake.Messages("tok"); len(msgs) != 1 || msgs[0].Content != "done" {
		t.Errorf("messages = %+v", msgs)
	}
	if _, err := s.Channel("404"); !errors.As(err, &rest) || rest.Message.Code != 10003 {
		t.Errorf("unknown channel: %v", err)
	}
}

// A scripted failure answers its status with Discord's envelope, once.
func TestScriptedFailure(t *testing.T) {
	fake := discordfake.New(t)
	s := session(t, fake)
	fake.Fail(discordfake.Failure{Method: http.MethodPost, PathPrefix: "/channels/1/", Status: http.StatusInternalServerError})
	var rest *discordgo.RESTError
	if _, err := s.ChannelMessageSend("1", "hi"); !errors.As(err, &rest) || rest.Response.StatusCode != http.StatusInternalServerError {
		t.Fatalf("err = %v, want the scripted 500", err)
	}
	if m, err := s.ChannelMessageSend("1", "hi"); err != nil || m.Content != "hi" {
		t.Fatalf("second send = %+v, %v", m, err)
	}
}
