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
