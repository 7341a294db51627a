package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/engine"
)

// Passwords are stored as argon2id PHC strings with at least OWASP's
// parameters, salted, and verified with the parameters they record.
func TestPasswordHash(t *testing.T) {
	ctx := context.Background()
	h1, err := hashPassword(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := hashPassword(ctx, "correct horse")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || h1 == h2 {
		t.Fatalf("hashes %q %q: want PHC argon2id m=19456,t=2,p=1, salted", h1, h2)
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horsE": false, "": false} {
		if ok, err := verifyPassword(ctx, h1, pw); err != nil || ok != want {
			t.Errorf("verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	// A hash with other parameters (an older or stronger setting) still verifies.
	old := "$argon2id$v=19$m=8192,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
	key, _ := argonKey(ctx, "pw", []byte("somesaltsomesalt"), 3, 8192, 1, 32)
	old += b64(key)
	if ok, err := verifyPassword(ctx, old, "pw"); !ok || err != nil {
		t.Errorf("verify with recorded params: %v %v", ok, err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=18$m=1,t=1,p=1$AA$AA",
		"$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$" + b64(key), "$argon2id$v=19$m=8192,t=1000,p=1$c2FsdHNhbHQ$" + b64(key),
		"$argon2id$v=19$m=8192,t=3,p=1$c2FsdHNhbHQ$AAAA"} {
		if ok, err := verifyPassword(ctx, bad, "pw"); ok || err == nil {
			t.Errorf("verify against %q: %v %v, want an error", bad, ok, err)
		}
	}
}

// Every code of the vocabulary has its status in the one table.
func TestStatusTable(t *testing.T) {
	for code, want := range map[engine.Code]int{
		engine.CodeInvalid: 400, engine.CodeUnauthenticated: 401, codeForbidden: 403, engine.CodeNotFound: 404,
		engine.CodeConflict: 409, codeTooLarge: 413, engine.CodeRateLimited: 429, engine.CodeInternal: 500,
		engine.CodeModelRejected: 502, engine.CodeModelUnavailable: 503, engine.CodeModelNotConfigured: 503,
		engine.CodeUnavailable: 503, "something new": 500,
	} {
		if got := HTTPStatus(code); got != want {
			t.Errorf("HTTPStatus(%s) = %d, want %d", code, got, want)
		}
	}
	e := publicError(nil, &http.MaxBytesError{Limit: 10})
	if e.Code != codeTooLarge {
		t.Errorf("MaxBytesError → %s", e.Code)
	}
	if s := retryAfterSeconds(&engine.Error{RetryAfter: 1500 * time.Millisecond}); s != 2 {
		t.Errorf("Retry-After of 1.5s = %d, want 2 (rounded up)", s)
	}
}

func TestAttemptLimiterWindow(t *testing.T) {
	l := newAttemptLimiter(2, time.Minute, 100)
	take := func(k string, at time.Time) time.Duration {
		w, _ := l.take(keyOf(k), at)
		return w
	}
	t0 := time.Unix(1000, 0)
	if take("k", t0) != 0 || take("k", t0.Add(10*time.Second)) != 0 {
		t.Fatal("the first two attempts must pass")
	}
	if w := take("k", t0.Add(20*time.Second)); w != 40*time.Second {
		t.Fatalf("wait = %v, want 40s (until the first attempt leaves the window)", w)
	}
	if w := take("other", t0.Add(20*time.Second)); w != 0 {
		t.Fatalf("another key: %v", w)
	}
	if w := take("k", t0.Add(time.Minute)); w != 0 {
		t.Fatalf("once the first attempt left the window: %v", w)
	}
	if w := take("k", t0.Add(time.Minute+time.Second)); w != 9*time.Second {
		t.Fatalf("wait = %v, want 9s", w)
	}
	l.reset(keyOf("k"))
	if w := take("k", t0.Add(time.Minute+time.Second)); w != 0 {
		t.Fatalf("after reset: %v", w)
	}
	if w, _ := newAttemptLimiter(0, time.Minute, 100).take(keyOf("k"), t0); w != 0 {
		t.Fatalf("no limit: %v", w)
	}
}

func b64(b []byte) string { return base64.RawStdEncoding.EncodeToString(b) }

// A TSV field never breaks its line: tabs and every kind of line break
// become spaces, the rest stays as it is.
func TestTSVField(t *testing.T) {
	for in, want := range map[string]string{
		"plain 그대로":           "plain 그대로",
		"a\tb":                "a b",
		"line\nbreak":         "line break",
		"crlf\r\nend":         "crlf end",
		"cr\rend":             "cr end",
		"sep\u2028\u2029\v\f": "sep    ",
		"":                    "",
	} {
		if got := tsvField(in); got != want {
			t.Errorf("tsvField(%q) = %q, want %q", in, got, want)
		}
	}
}
