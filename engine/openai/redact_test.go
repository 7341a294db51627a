package openai_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
	"github.com/chatplay/chatplay/engine/openai"
	"github.com/chatplay/chatplay/engine/openai/openaifake"
)

// A server (or a proxy before it) that echoes the request's credentials in
// its error never gets them into the error's text, which the engine logs:
// the API key and any bearer token are redacted, and the error is still
// classified as before.
func TestStreamErrorsNeverCarryTheKey(t *testing.T) {
	const key = "sk-proj-Echoed0123456789abcdef"
	const otherToken = "eyJhbGciOi.other-token"
	echo := "Incorrect API key provided: " + key + ". You sent Authorization: Bearer " + key +
		" and authorization: bearer " + otherToken
	tests := []struct {
		name  string
		reply openaifake.Reply
		want  engine.ModelErrorKind
	}{
		{"error envelope", openaifake.Reply{Status: 401, ErrorMessage: echo, ErrorCode: "invalid_api_key"}, engine.ModelUnauthenticated},
		{"a proxy's own body", openaifake.Reply{Status: 502, ErrorBody: "<html>bad gateway; " + echo + "</html>"}, engine.ModelServer},
		{"a body that is JSON but no envelope", openaifake.Reply{Status: 400, ErrorBody: `{"detail":"` + echo + `"}`}, engine.ModelBadRequest},
		{"an error event mid-stream", openaifake.Reply{Chunks: []string{"네, "}, ErrorMessage: echo}, engine.ModelServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaifake.New(t)
			srv.Enqueue(tt.reply)
			c := openai.New(openai.Config{BaseURL: srv.URL(), APIKey: key, Timeout: 10 * time.Second})
			_, _, err := stream(t.Context(), c, request)
			me := modelError(t, err)
			if me.Kind != tt.want {
				t.Errorf("kind = %s, want %s (%v)", me.Kind, tt.want, err)
			}
			var log bytes.Buffer
			slog.New(slog.NewTextHandler(&log, nil)).Warn("engine: reply failed", "err", err)
			slog.New(slog.NewJSONHandler(&log, nil)).Warn("engine: reply failed", "err", err)
			out := log.String()
			if !strings.Contains(out, "[redacted]") {
				t.Errorf("the log shows nothing of the server's words:\n%s", out)
			}
			for _, secret := range []string{key, "Echoed0123", otherToken} {
				if strings.Contains(out, secret) {
					t.Fatalf("the log holds %q:\n%s", secret, out)
				}
			}
		})
	}
}
