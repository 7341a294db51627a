package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/chatplay/chatplay/api"
	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/sqlstore"
	"github.com/chatplay/chatplay/engine/sqlstore/sqlstoretest"
	"github.com/chatplay/chatplay/engine/tiktoken"
)

// freeAddr returns a loopback address no one listens on just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startChatplay serves chatplay's real router over db, with limits off and
// its model client pointed at modelAddr, on a loopback HTTP server.
func startChatplay(t *testing.T, db *sqlstore.DB, modelAddr string) string {
	t.Helper()
	tokens, err := tiktoken.New("o200k_base")
	if err != nil {
		t.Fatal(err)
	}
	ecfg := engine.DefaultConfig()
	ecfg.Limits.TurnsPerMinute, ecfg.Limits.TokensPerDay = 0, 0
	model := openai.New(openai.Config{BaseURL: "http://" + modelAddr + "/v1"})
	eng := engine.New(ecfg, engine.Deps{Store: db, Model: model, Tokens: tokens})
	t.Cleanup(func() { eng.Close(context.Background()) })
	acfg := api.DefaultConfig()
	acfg.JWTSecret = []byte("chatplay-load-test-secret-of-32-bytes-or-more")
	acfg.LoginAttemptsPerIP = 0
	srv := httptest.NewServer(api.NewRouter(api.Deps{Engine: eng, Sessions: db, Auth: acfg}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestLoadEndToEnd plays 2 senders × 3 turns against a real chatplay with
// the tool's own instant model, in each mode, and finds no error and no
// message lost. History is read 4 messages a page, so that the check reads
// several pages (a shared room ends with 12 messages, an own room with 6).
func TestLoadEndToEnd(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		modelAddr := freeAddr(t)
		base := startChatplay(t, db, modelAddr)
		for _, tc := range []struct {
			name  string
			flags []string
			rooms string
		}{
			{"json", []string{"-mode", "json"}, "own"},
			{"sse", []string{"-mode", "sse"}, "own"},
			{"shared json", []string{"-mode", "json", "-shared"}, "shared"},
			{"shared sse", []string{"-mode", "sse", "-shared"}, "shared"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				args := append([]string{"-url", base, "-users", "2", "-turns", "3", "-model-addr", modelAddr,
					"-pid", strconv.Itoa(os.Getpid()), "-page-size", "4", "-json"}, tc.flags...)
				var out, errOut bytes.Buffer
				if err := run(context.Background(), args, &out, &errOut); err != nil {
					t.Fatalf("run: %v\n%s\n%s", err, out.String(), errOut.String())
				}
				var r report
				if err := json.Unmarshal(out.Bytes(), &r); err != nil {
					t.Fatalf("report: %v\n%s", err, out.String())
				}
				if r.OK != 6 || len(r.Errors) != 0 || r.Loss != (lossReport{}) || r.Rooms != tc.rooms || r.TurnsPerSec <= 0 || r.P99Ms < r.P50Ms {
					t.Errorf("report = %s; want 6 turns ok, no error, nothing lost, %s rooms", out.String(), tc.rooms)
				}
				if r.Server == nil || r.Server.PID != os.Getpid() || r.Server.RSSMiB <= 0 {
					t.Errorf("server figures = %+v, want this process's", r.Server)
				}
			})
		}
	})
}

// TestLoadReportsFaults: turns that fail are counted by status, and the run
// says so.
func TestLoadReportsFaults(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.DialectSQLite)
	base := startChatplay(t, db, freeAddr(t)) // no model listens there
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-url", base, "-users", "1", "-turns", "2", "-json"}, &out, &errOut)
	if !errors.Is(err, errFaults) {
		t.Fatalf("run = %v, want errFaults\n%s", err, errOut.String())
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, n := range r.Errors {
		failed += n
	}
	if r.OK != 0 || failed != 2 {
		t.Errorf("report = %s, want 2 failed turns", out.String())
	}
}

// TestInstantModel answers go-openai's streaming and non-streaming chat
// completions, with usage.
func TestInstantModel(t *testing.T) {
	srv := httptest.NewServer(&instantModel{})
	defer srv.Close()
	cfg := goopenai.DefaultConfig("")
	cfg.BaseURL = srv.URL + "/v1"
	c := goopenai.NewClientWithConfig(cfg)
	ctx := context.Background()
	req := goopenai.ChatCompletionRequest{Model: "m", Messages: []goopenai.ChatCompletionMessage{{Role: "user", Content: "hi"}}}

	resp, err := c.CreateChatCompletion(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	want := instantReply[0] + instantReply[1]
	if len(resp.Choices) != 1 || resp.Choices[0].Message.Content != want || resp.Usage.TotalTokens != replyUsage.TotalTokens {
		t.Errorf("non-streaming answer = %+v", resp)
	}

	req.Stream, req.StreamOptions = true, &goopenai.StreamOptions{IncludeUsage: true}
	stream, err := c.CreateChatCompletionStream(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var text string
	var deltas int
	var usage *goopenai.Usage
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range chunk.Choices {
			if ch.Delta.Content != "" {
				deltas++
			}
			text += ch.Delta.Content
		}
		if chunk.Usage != nil {
			usage = chunk.Usage
		}
	}
	if text != want || deltas != 2 || usage == nil || usage.PromptTokens != replyUsage.PromptTokens {
		t.Errorf("stream = %q in %d deltas, usage %+v", text, deltas, usage)
	}
}
