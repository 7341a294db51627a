package discord

import (
	"testing"

	"github.com/chatplay/chatplay/engine"
)

// A conflict is explained by its reason, in the user's language.
func TestErrorMessageByReason(t *testing.T) {
	tests := []struct {
		err  *engine.Error
		lang string
		want string
	}{
		{&engine.Error{Code: engine.CodeConflict, Reason: engine.ReasonBusy, Message: "x"}, "ko", "이 방에서 아직 답장을 쓰고 있습니다. 끝나면 다시 시도하세요."},
		{&engine.Error{Code: engine.CodeConflict, Reason: engine.ReasonRoomLimit}, "ja", "ルームの上限に達しました。1つ削除してから作ってください。"},
		{&engine.Error{Code: engine.CodeConflict, Reason: engine.ReasonSceneStarted}, "fr", "This scene has already begun: just write your line."},
		{&engine.Error{Code: engine.CodeNotFound}, "ko", "그런 방은 없습니다."},
	}
	for _, tt := range tests {
		if got := errorMessage(tt.lang, tt.err); got != tt.want {
			t.Errorf("errorMessage(%s, %v) = %q, want %q", tt.lang, tt.err, got, tt.want)
		}
	}
}

// Every sentence of the bot, and every issue kind, is written in English,
// Korean and Japanese, with the same arguments in each.
func TestCatalogComplete(t *testing.T) {
	verbs := func(s string) string {
		var out []byte
		for i := 0; i < len(s)-1; i++ {
			if s[i] == '%' {
				out = append(out, s[i+1])
				i++
			}
		}
		return string(out)
	}
	for m, forms := range catalog {
		for _, lang := range []string{"en", "ko", "ja"} {
			if forms[lang] == "" {
				t.Errorf("%s: no %s", m, lang)
			} else if verbs(forms[lang]) != verbs(forms["en"]) {
				t.Errorf("%s: %s has arguments %q, en %q", m, lang, verbs(forms[lang]), verbs(forms["en"]))
			}
		}
	}
	for _, k := range engine.IssueKinds() {
		for _, lang := range []string{"en", "ko", "ja"} {
			if issueText[k][lang] == "" {
				t.Errorf("issue %s: no %s", k, lang)
			}
		}
	}
	for _, m := range []msg{msgLevel, msgFeedbackOn, msgFeedbackOff, msgFeedbackButton, msgFeedbackFine, msgFeedbackBetter,
		msgFeedbackNA, msgFeedbackWait, msgFeedbackNone, msgOwnerOnly, msgHintTitle, msgHintNone, msgTranslation,
		msgNothingToTrans, msgNotMyLine} {
		if _, ok := catalog[m]; !ok {
			t.Errorf("%s is not in the catalog", m)
		}
	}
}
