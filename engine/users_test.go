package engine_test

import (
	"testing"

	"github.com/chatplay/chatplay/engine"
)

// An email has one spelling: trimmed, NFC, lower-case; controls, invisible
// formatting characters and spaces inside are refused naming the field.
func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		" Mina@Example.COM ":         "mina@example.com",
		"cafe\u0301@example.com":     "caf\u00e9@example.com",
		"CAFE\u0301@example.com":     "caf\u00e9@example.com",
		"caf\u00e9@example.com":      "caf\u00e9@example.com",
		"\u1100\u1161@example.kr":    "\uac00@example.kr", // Hangul jamo compose
		"user+tag@sub.example.co.jp": "user+tag@sub.example.co.jp",
	} {
		if got, err := engine.NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"a\x00b@example.com", "a\x01@example.com", "a\x7f@example.com", "a\u0085@example.com",
		"a\u009f@example.com", "a\u202eb@example.com", "a\u2067b@example.com", "a\u061cb@example.com", "a\u200bb@example.com",
		"a\ufeffb@example.com", "a b@example.com", "a\u00a0b@example.com", "a\u3000b@example.com", "a\xffb@example.com",
		"no-at.example.com", "@example.com", "a@", "a@localhost", "a<b>@example.com"} {
		_, err := engine.NormalizeEmail(bad)
		var e *engine.Error
		if !asError(err, &e) || e.Code != engine.CodeInvalid || e.Field != "email" {
			t.Errorf("NormalizeEmail(%q) = %v, want invalid naming email", bad, err)
		}
	}
}

func asError(err error, e **engine.Error) bool {
	if err == nil {
		return false
	}
	*e = engine.AsError(err)
	return true
}
