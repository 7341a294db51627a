package telegram

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chatplay/chatplay/bots/telegram/telegramfake"
	"github.com/chatplay/chatplay/engine"
)

var verbs = regexp.MustCompile(`%[a-z]`)

// Every text exists in the three languages, with the same arguments, and is
// valid Telegram HTML once filled in with text full of markup characters.
func TestCatalogIsComplete(t *testing.T) {
	for key, texts := range catalog {
		want := verbs.FindAllString(texts[langEn], -1)
		for _, l := range langs {
			s, ok := texts[l]
			if !ok || strings.TrimSpace(s) == "" {
				t.Errorf("%s: no %s text", key, l)
				continue
			}
			if got := verbs.FindAllString(s, -1); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s/%s: arguments %v, English has %v", key, l, got, want)
			}
			var args []any
			for _, v := range want {
				if v == "%d" {
					args = append(args, 42)
				} else {
					args = append(args, "<i>&</i>")
				}
			}
			if _, err := telegramfake.ParseHTML(l.t(key, args...)); err != nil {
				t.Errorf("%s/%s: %v", key, l, err)
			}
		}
	}
	for code := range engine.Languages {
		for _, l := range langs {
			if l.languageName(code) == code {
				t.Errorf("no %s name for language %s", l, code)
			}
		}
	}
}

func TestLangOf(t *testing.T) {
	for code, want := range map[string]lang{"ko": langKo, "ko-KR": langKo, "ja": langJa, "en-US": langEn, "de": langEn, "": langEn, "zh-hans": langEn} {
		if got := langOf(code); got != want {
			t.Errorf("langOf(%q) = %s, want %s", code, got, want)
		}
	}
}

// Each engine error code has its own short message, in each language.
func TestErrorTexts(t *testing.T) {
	b := &Bot{eng: engine.New(engine.DefaultConfig(), engine.Deps{}), log: discardLogger()}
	errs := []error{
		engine.ErrNotFound,
		&engine.Error{Code: engine.CodeInvalid, Field: "content", Reason: engine.ReasonTooLong},
		engine.Invalid("situation", "situation is too long"),
		engine.Invalid("language", "Choose a supported language"),
		&engine.Error{Code: engine.CodeRateLimited, RetryAfter: 2500 * time.Millisecond},
		&engine.Error{Code: engine.CodeRateLimited, RetryAfter: 5 * time.Hour},
		&engine.Error{Code: engine.CodeModelUnavailable},
		&engine.Error{Code: engine.CodeModelRejected},
		&engine.Error{Code: engine.CodeModelNotConfigured},
		&engine.Error{Code: engine.CodeConflict, Reason: engine.ReasonBusy},
		&engine.Error{Code: engine.CodeConflict, Reason: engine.ReasonRoomLimit},
		&engine.Error{Code: engine.CodeConflict, Reason: engine.ReasonSceneStarted},
		&engine.Error{Code: engine.CodeInvalid, Field: "content", Reason: engine.ReasonRequired},
		&engine.Error{Code: engine.CodeUnavailable},
		engine.Internal(nil),
		engine.Invalid("level", "Choose a CEFR level"),
		engine.ErrLinkCodeInvalid,
		engine.ErrLinkedElsewhere,
		engine.ErrProviderLinked,
		engine.ErrNotWebAccount,
	}
	for _, l := range langs {
		seen := map[string]bool{}
		for _, err := range errs {
			text := b.errorText(l, err)
			if seen[text] {
				t.Errorf("%s: %v has the same text as another error: %q", l, err, text)
			}
			seen[text] = true
		}
	}
	if got := b.linkErrorText(langKo, errs[4]); got != "코드를 너무 많이 시도했어요. 1분 후에 다시 시도해 주세요." {
		t.Errorf("link attempts = %q", got)
	}
	if got := b.linkErrorText(langEn, &engine.Error{Code: engine.CodeRateLimited, RetryAfter: 14*time.Minute + time.Second}); got != "Too many codes tried. Try again in 15 min." {
		t.Errorf("link attempts = %q", got)
	}
	if got := b.errorText(langEn, errs[4]); got != "Too many messages. Try again in 3 seconds." {
		t.Errorf("rate limited = %q", got)
	}
	if got := b.errorText(langKo, errs[1]); got != "메시지가 너무 길어요. 최대 4000자까지 가능해요." {
		t.Errorf("too long = %q", got)
	}
	if got := b.errorText(langJa, errs[5]); !strings.Contains(got, "約5時間後") {
		t.Errorf("daily limit = %q", got)
	}
}
