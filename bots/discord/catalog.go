package discord

import (
	"fmt"
	"math"
	"strings"

	"github.com/chatplay/chatplay/engine"
)

// msg names one of the bot's sentences in the catalog.
type msg string

// The bot's sentences.
const (
	msgHelp          msg = "help"
	msgRoomCreated   msg = "room_created"
	msgRoomsNone     msg = "rooms_none"
	msgRoomsHeader   msg = "rooms_header"
	msgEnter         msg = "enter"
	msgEdit          msg = "edit"
	msgDelete        msg = "delete"
	msgCancel        msg = "cancel"
	msgMore          msg = "more"
	msgRoomSaved     msg = "room_saved"
	msgConfirmDelete msg = "confirm_delete"
	msgRoomDeleted   msg = "room_deleted"
	msgCancelled     msg = "cancelled"
	msgThreadOpened  msg = "thread_opened"
	msgRoomStarted   msg = "room_started"
	msgEnteredHere   msg = "entered_here"
	msgContinue      msg = "continue"
	msgRoomReset     msg = "room_reset"
	msgNoRoom        msg = "no_room"
	msgNoThread      msg = "no_thread"
	msgEmptyReply    msg = "empty_reply"
	msgReplyUnshown  msg = "reply_unshown"
	msgEditTitle     msg = "edit_title"
	msgFieldTitle    msg = "field_title"
	msgFieldLanguage msg = "field_language"
	msgFieldSituatn  msg = "field_situation"
	msgFieldUserRole msg = "field_user_role"
	msgFieldBotRole  msg = "field_bot_role"
	msgYourText      msg = "your_text"
	msgSlowDown      msg = "slow_down"
	msgNotMyThread   msg = "not_my_thread"

	// The practice layer: level, corrections, hints, translations.
	msgLevel          msg = "level"
	msgFeedbackOn     msg = "feedback_on"
	msgFeedbackOff    msg = "feedback_off"
	msgFeedbackButton msg = "feedback_button"
	msgFeedbackFine   msg = "feedback_fine"
	msgFeedbackBetter msg = "feedback_better"
	msgFeedbackNA     msg = "feedback_unavailable"
	msgFeedbackWait   msg = "feedback_pending"
	msgFeedbackNone   msg = "feedback_none"
	msgOwnerOnly      msg = "owner_only"
	msgHintTitle      msg = "hint_title"
	msgHintNone       msg = "hint_none"
	msgTranslation    msg = "translation"
	msgNothingToTrans msg = "nothing_to_translate"
	msgNotMyLine      msg = "not_my_line"

	// Scenes with goals, and their reports.
	msgNeedScene msg = "need_scene"
	msgYourGoals msg = "your_goals"
	msgAllGoals  msg = "all_goals"

	msgReportTitle    msg = "report_title"
	msgReportGoals    msg = "report_goals"
	msgReportMistakes msg = "report_mistakes"
	msgReportWords    msg = "report_words"
	msgReportNext     msg = "report_next"
	msgReportFooter   msg = "report_footer"
	msgReportCut      msg = "report_cut"
	msgReportsNone    msg = "reports_none"
	msgReportsHeader  msg = "reports_header"
	msgReportPick     msg = "report_pick"
	msgNoReport       msg = "no_report"

	// Linking the Discord identity to a web account.
	msgLinkCode      msg = "link_code"
	msgLinked        msg = "linked"
	msgAlreadyLinked msg = "already_linked"
	msgUnlinked      msg = "unlinked"
	msgNotLinked     msg = "not_linked"
	msgLinkTooMany   msg = "link_too_many"

	// The recap of what was played elsewhere.
	msgRecapHeader msg = "recap_header"
	msgRecapYou    msg = "recap_you"
	msgSourceWeb   msg = "source_web"
)

// issueText names each kind of issue the coach finds, in every language.
var issueText = map[engine.IssueKind]map[string]string{
	engine.IssueGrammar:     {"en": "grammar", "ko": "문법", "ja": "文法"},
	engine.IssueVocabulary:  {"en": "vocabulary", "ko": "어휘", "ja": "語彙"},
	engine.IssueSpelling:    {"en": "spelling", "ko": "맞춤법", "ja": "表記"},
	engine.IssueWordOrder:   {"en": "word order", "ko": "어순", "ja": "語順"},
	engine.IssueNaturalness: {"en": "naturalness", "ko": "자연스러움", "ja": "自然さ"},
	engine.IssueRegister:    {"en": "politeness", "ko": "말투(존댓말·반말)", "ja": "丁寧さ"},
}

// catalog holds every sentence in English, Korean and Japanese. Arguments
// are filled with fmt.Sprintf.
var catalog = map[msg]map[string]string{
	msgHelp: {
		"en": "**chatplay**: role-play a scene with me in the language you are learning.\n" +
			"`/room new` make a room: a ready `scenario` with goals, or your own situation and roles\n`/room list` your rooms\n" +
			"`/room enter` open a thread for a room; write there and I answer in character\n" +
			"`/room edit`, `/room delete` change or remove a room\n`/say` speak in this thread's room (or your active room)\n" +
			"`/retry` a new version of my last reply\n`/reset` clear the conversation\n" +
			"`/hint` what you could say next\n`/translate` my last line in your language (or: a line of mine ▸ Apps ▸ Translate)\n" +
			"`/end` end the scene and get your report\n`/reports` your past reports\n" +
			"`/link` link to your chatplay web account (one history and your rooms everywhere), `/unlink` undo it\n" +
			"After each of your lines I show you, and only you, how to say it better (`/room edit` with `feedback` turns it off; `level` sets your level).",
		"ko": "**chatplay**: 배우고 있는 언어로 저와 상황극을 해 보세요.\n" +
			"`/room new` 방 만들기: 목표가 있는 `scenario`를 고르거나 상황과 역할을 직접 입력\n`/room list` 내 방 목록\n" +
			"`/room enter` 방의 스레드 열기: 스레드에 쓰면 제가 역할대로 답합니다\n" +
			"`/room edit`, `/room delete` 방 수정·삭제\n`/say` 이 스레드의 방(또는 현재 방)에 말하기\n" +
			"`/retry` 마지막 답을 다시 쓰기\n`/reset` 대화 지우기\n" +
			"`/hint` 다음에 할 말 힌트\n`/translate` 제 마지막 대사 번역 (또는 제 대사 ▸ 앱 ▸ 번역)\n" +
			"`/end` 장면을 마치고 리포트 받기\n`/reports` 지난 리포트\n" +
			"`/link` chatplay 웹 계정에 연결 (어디서나 같은 방과 기록), `/unlink` 연결 끊기\n" +
			"말할 때마다 더 자연스러운 표현을 나에게만 보여 드려요 (`/room edit`의 `feedback`으로 끄기, `level`로 수준 설정).",
		"ja": "**chatplay**: 学んでいる言語で私とロールプレイをしましょう。\n" +
			"`/room new` ルームを作る：目標つきの `scenario` を選ぶか、場面と役を自分で書く\n`/room list` ルーム一覧\n" +
			"`/room enter` ルームのスレッドを開く：スレッドに書くと役になりきって答えます\n" +
			"`/room edit`・`/room delete` ルームの編集・削除\n`/say` このスレッドのルーム（または現在のルーム）で話す\n" +
			"`/retry` 最後の返事を書き直す\n`/reset` 会話を消す\n" +
			"`/hint` 次に言えることのヒント\n`/translate` 私の最後のセリフを翻訳（または私のセリフ ▸ アプリ ▸ 翻訳）\n" +
			"`/end` 場面を終えてレポートを受け取る\n`/reports` 過去のレポート\n" +
			"`/link` chatplay のウェブアカウントに連携（どこでも同じルームと履歴）、`/unlink` 連携を解除\n" +
			"話すたびに、より自然な言い方をあなただけに表示します（`/room edit` の `feedback` でオフ、`level` でレベル設定）。",
	},
	msgRoomCreated: {"en": "Room **%s** is ready. Use `/room enter` to begin.", "ko": "**%s** 방을 만들었습니다. `/room enter`로 시작하세요.", "ja": "ルーム **%s** を作りました。`/room enter` で始めましょう。"},
	msgRoomsNone:   {"en": "You have no rooms yet. Make one with `/room new`.", "ko": "아직 방이 없습니다. `/room new`로 만드세요.", "ja": "まだルームがありません。`/room new` で作りましょう。"},
	msgRoomsHeader: {"en": "Your rooms:", "ko": "내 방:", "ja": "あなたのルーム："},
	msgEnter:       {"en": "Enter", "ko": "입장", "ja": "入る"},
	msgEdit:        {"en": "Edit", "ko": "수정", "ja": "編集"},
	msgDelete:      {"en": "Delete", "ko": "삭제", "ja": "削除"},
	msgCancel:      {"en": "Cancel", "ko": "취소", "ja": "キャンセル"},
	msgMore:        {"en": "More", "ko": "더 보기", "ja": "もっと見る"},
	msgRoomSaved:   {"en": "Room **%s** is saved.", "ko": "**%s** 방을 저장했습니다.", "ja": "ルーム **%s** を保存しました。"},
	msgConfirmDelete: {"en": "Delete **%s** and its whole conversation?", "ko": "**%s** 방과 대화 전체를 삭제할까요?",
		"ja": "**%s** と会話をすべて削除しますか？"},
	msgRoomDeleted:  {"en": "Room **%s** is deleted.", "ko": "**%s** 방을 삭제했습니다.", "ja": "ルーム **%s** を削除しました。"},
	msgCancelled:    {"en": "Nothing was deleted.", "ko": "삭제하지 않았습니다.", "ja": "削除しませんでした。"},
	msgThreadOpened: {"en": "**%s** is played in %s.", "ko": "**%s** 방은 %s 에서 진행됩니다.", "ja": "**%s** は %s で進みます。"},
	msgRoomStarted: {"en": "Room **%s** is ready: the scene begins in %s.", "ko": "**%s** 방을 만들었습니다. 장면이 %s 에서 시작됩니다.",
		"ja": "ルーム **%s** を作りました。場面は %s で始まります。"},
	msgEnteredHere: {"en": "You are in **%s**. Speak with `/say` or just write here.", "ko": "**%s** 방에 들어왔습니다. `/say`로 말하거나 여기에 쓰세요.",
		"ja": "**%s** に入りました。`/say` で話すか、ここに書いてください。"},
	msgContinue: {"en": "The scene of **%s** goes on: write your next line here.", "ko": "**%s** 장면을 이어갑니다. 여기에 다음 대사를 쓰세요.",
		"ja": "**%s** の場面の続きです。ここに次のセリフを書いてください。"},
	msgRoomReset: {"en": "The conversation of **%s** is cleared.", "ko": "**%s** 방의 대화를 지웠습니다.", "ja": "**%s** の会話を消しました。"},
	msgNoRoom: {"en": "There is no room here. Use `/room enter` (or `/room new` first).", "ko": "여기에는 방이 없습니다. `/room enter`를 쓰세요 (먼저 `/room new`).",
		"ja": "ここにはルームがありません。`/room enter` を使ってください（先に `/room new`）。"},
	msgNoThread: {"en": "I cannot open a thread here. I need to create public threads and send messages in threads.",
		"ko": "여기에서는 스레드를 열 수 없습니다. 공개 스레드 만들기와 스레드에서 메시지 보내기 권한이 필요합니다.",
		"ja": "ここではスレッドを開けません。公開スレッドの作成とスレッドでのメッセージ送信の権限が必要です。"},
	msgEmptyReply: {"en": "(no reply)", "ko": "(답 없음)", "ja": "（返事なし）"},
	msgReplyUnshown: {"en": "(the reply could not be shown in full; try `/retry`)", "ko": "(답을 모두 보여 드리지 못했습니다. `/retry`를 해 보세요)",
		"ja": "（返事をすべて表示できませんでした。`/retry` をお試しください）"},
	msgSlowDown: {"en": "Slow down, please: I am still answering your earlier lines. Send this one again once I have.",
		"ko": "조금 천천히 보내 주세요. 앞의 메시지에 아직 답하고 있어요. 답을 마친 뒤에 이 메시지를 다시 보내 주세요.",
		"ja": "少しゆっくりお願いします。前のメッセージにまだ答えています。答え終わったら、このメッセージをもう一度送ってください。"},
	msgNotMyThread: {"en": "I only play in threads I open. Use `/room enter` in a text channel and I will open a thread for the room there.",
		"ko": "저는 제가 연 스레드에서만 대화합니다. 텍스트 채널에서 `/room enter`를 쓰면 그 방의 스레드를 열어 드릴게요.",
		"ja": "私が開いたスレッドでだけ会話します。テキストチャンネルで `/room enter` を使えば、そのルームのスレッドを開きます。"},
	msgEditTitle:      {"en": "Edit room", "ko": "방 수정", "ja": "ルームの編集"},
	msgFieldTitle:     {"en": "Title", "ko": "제목", "ja": "タイトル"},
	msgFieldLanguage:  {"en": "Language (ko, en, ja, zh, es, fr, de)", "ko": "언어 (ko, en, ja, zh, es, fr, de)", "ja": "言語 (ko, en, ja, zh, es, fr, de)"},
	msgFieldSituatn:   {"en": "Situation", "ko": "상황", "ja": "場面"},
	msgFieldUserRole:  {"en": "Your role", "ko": "내 역할", "ja": "あなたの役"},
	msgFieldBotRole:   {"en": "The bot's role", "ko": "봇의 역할", "ja": "ボットの役"},
	msgYourText:       {"en": "What you wrote:", "ko": "작성한 내용:", "ja": "書いた内容："},
	msgLevel:          {"en": "level %s", "ko": "수준 %s", "ja": "レベル %s"},
	msgFeedbackOn:     {"en": "corrections on", "ko": "교정 켬", "ja": "添削オン"},
	msgFeedbackOff:    {"en": "corrections off", "ko": "교정 끔", "ja": "添削オフ"},
	msgFeedbackButton: {"en": "✍️ Feedback", "ko": "✍️ 피드백", "ja": "✍️ フィードバック"},
	msgFeedbackFine:   {"en": "Natural and correct.", "ko": "자연스럽고 정확해요.", "ja": "自然で正確です。"},
	msgFeedbackBetter: {"en": "A native speaker would say:", "ko": "원어민이라면 이렇게 말해요:", "ja": "ネイティブならこう言います："},
	msgFeedbackNA: {"en": "No feedback is available for this line.", "ko": "이 문장의 피드백을 받을 수 없었습니다.",
		"ja": "この文のフィードバックは取得できませんでした。"},
	msgFeedbackWait: {"en": "The feedback on this line is still being written. Try again in a moment.",
		"ko": "이 문장의 피드백을 아직 쓰고 있어요. 잠시 후 다시 눌러 주세요.", "ja": "この文のフィードバックはまだ作成中です。少ししてからもう一度押してください。"},
	msgFeedbackNone: {"en": "This line has no feedback: corrections are off in this room.",
		"ko": "이 문장에는 피드백이 없습니다. 이 방은 교정이 꺼져 있어요.", "ja": "この文にはフィードバックがありません。このルームは添削がオフです。"},
	msgOwnerOnly: {"en": "Only the learner who plays this room can use this.", "ko": "이 방에서 연습하는 사람만 쓸 수 있어요.",
		"ja": "このルームで練習している人だけが使えます。"},
	msgHintTitle:   {"en": "💡 You could say:", "ko": "💡 이렇게 말해 볼 수 있어요:", "ja": "💡 こう言ってみましょう："},
	msgHintNone:    {"en": "💡 No hint this time. Try again.", "ko": "💡 이번에는 힌트가 없어요. 다시 해 보세요.", "ja": "💡 今回はヒントがありません。もう一度お試しください。"},
	msgTranslation: {"en": "🌐 Translation:", "ko": "🌐 번역:", "ja": "🌐 翻訳："},
	msgNothingToTrans: {"en": "I have said nothing in this room yet.", "ko": "이 방에서 제가 아직 아무 말도 하지 않았어요.",
		"ja": "このルームではまだ何も話していません。"},
	msgNotMyLine: {"en": "I can translate only my own lines of the room you play here.", "ko": "여기서 연습하는 방의 제 대사만 번역할 수 있어요.",
		"ja": "ここで練習しているルームの私のセリフだけ翻訳できます。"},
	msgNeedScene: {"en": "Choose a `scenario`, or write the `situation`, `your_role` and `bot_role` of your own scene.",
		"ko": "`scenario`를 고르거나, 직접 만들 장면의 `situation`, `your_role`, `bot_role`을 모두 입력하세요.",
		"ja": "`scenario` を選ぶか、自分の場面の `situation`・`your_role`・`bot_role` をすべて書いてください。"},
	msgYourGoals: {"en": "Your goals in this scene:", "ko": "이 장면의 목표:", "ja": "この場面の目標："},
	msgAllGoals: {"en": "🎉 Every goal of this scene is achieved! End the scene with `/end` to get your report.",
		"ko": "🎉 이 장면의 목표를 모두 달성했어요! `/end`로 장면을 마치고 리포트를 받아 보세요.",
		"ja": "🎉 この場面の目標をすべて達成しました！`/end` で場面を終えてレポートを受け取りましょう。"},
	msgReportTitle:    {"en": "📝 Report: %s", "ko": "📝 리포트: %s", "ja": "📝 レポート：%s"},
	msgReportGoals:    {"en": "🎯 Goals %s", "ko": "🎯 목표 %s", "ja": "🎯 目標 %s"},
	msgReportMistakes: {"en": "✍️ Mistakes to work on", "ko": "✍️ 고칠 점", "ja": "✍️ 直したい点"},
	msgReportWords:    {"en": "📚 Words and phrases", "ko": "📚 단어와 표현", "ja": "📚 単語と表現"},
	msgReportNext:     {"en": "➡️ Practise next", "ko": "➡️ 다음 연습", "ja": "➡️ 次の練習"},
	msgReportFooter: {"en": "Play again: /reset · your reports: /reports", "ko": "다시 하기: /reset · 내 리포트: /reports",
		"ja": "もう一度：/reset · レポート一覧：/reports"},
	msgReportCut:     {"en": "(more than Discord can show)", "ko": "(Discord에 다 보여 줄 수 없는 분량)", "ja": "（Discord に表示しきれない分）"},
	msgReportsNone:   {"en": "You have no reports yet. Play a scene and end it with `/end`.", "ko": "아직 리포트가 없어요. 장면을 연습하고 `/end`로 마치세요.", "ja": "まだレポートがありません。場面を練習して `/end` で終えましょう。"},
	msgReportsHeader: {"en": "Your reports, newest first:", "ko": "내 리포트 (최신순):", "ja": "あなたのレポート（新しい順）："},
	msgReportPick:    {"en": "Show a report", "ko": "리포트 보기", "ja": "レポートを見る"},
	msgNoReport:      {"en": "That report does not exist.", "ko": "그런 리포트는 없습니다.", "ja": "そのレポートはありません。"},
	msgLinkCode: {"en": "🔗 Your link code: `%s`\nSigned in on the chatplay website, enter it under **Connected apps** before <t:%d:t> (<t:%d:R>). It works once.",
		"ko": "🔗 연결 코드: `%s`\nchatplay 웹사이트에 로그인해 **연결된 앱**에 <t:%d:t>(<t:%d:R>) 전까지 입력하세요. 한 번만 쓸 수 있습니다.",
		"ja": "🔗 連携コード：`%s`\nchatplay のウェブサイトにログインし、**連携アプリ** に <t:%d:t>（<t:%d:R>）までに入力してください。使えるのは 1 回だけです。"},
	msgLinked: {"en": "🔗 This Discord account is now linked to your chatplay account **%s**: your rooms are here (`/room list`), and what you play here is in your history on the web.",
		"ko": "🔗 이 Discord 계정을 chatplay 계정 **%s**에 연결했습니다. 내 방을 여기서도 쓸 수 있고(`/room list`), 여기서 한 대화는 웹의 기록에도 남습니다.",
		"ja": "🔗 この Discord アカウントを chatplay アカウント **%s** に連携しました。ルームはここでも使えます（`/room list`）。ここでの会話はウェブの履歴にも残ります。"},
	msgAlreadyLinked: {"en": "This Discord account is already linked to your chatplay account **%s**. To link it to another one, use `/unlink` first.",
		"ko": "이 Discord 계정은 이미 chatplay 계정 **%s**에 연결되어 있습니다. 다른 계정에 연결하려면 먼저 `/unlink`를 쓰세요.",
		"ja": "この Discord アカウントはすでに chatplay アカウント **%s** に連携しています。別のアカウントに連携するには、先に `/unlink` を使ってください。"},
	msgUnlinked: {"en": "This Discord account is no longer linked to **%s**. The rooms stay with that account; here you start afresh. `/link` links it again.",
		"ko": "이 Discord 계정과 **%s**의 연결을 끊었습니다. 방은 그 계정에 남고, 여기서는 새로 시작합니다. `/link`로 다시 연결할 수 있습니다.",
		"ja": "この Discord アカウントと **%s** の連携を解除しました。ルームはそのアカウントに残り、ここでは新しく始まります。`/link` でまた連携できます。"},
	msgNotLinked: {"en": "This Discord account is not linked to a chatplay account. To link it, enter a code from the website's **Connected apps** with `/link code:…`, or use `/link` alone for a code to enter there.",
		"ko": "이 Discord 계정은 chatplay 계정에 연결되어 있지 않습니다. 웹사이트의 **연결된 앱**에서 받은 코드를 `/link code:…`로 입력하거나, `/link`만 써서 받은 코드를 웹에 입력하세요.",
		"ja": "この Discord アカウントは chatplay アカウントに連携していません。ウェブサイトの **連携アプリ** で出したコードを `/link code:…` で入力するか、`/link` だけで出したコードをウェブで入力してください。"},
	msgRecapHeader: {"en": "🔁 Played elsewhere (%s):", "ko": "🔁 다른 곳에서 한 대화 (%s):", "ja": "🔁 ほかの場所での会話（%s）："},
	msgRecapYou:    {"en": "You", "ko": "나", "ja": "あなた"},
	msgSourceWeb:   {"en": "web", "ko": "웹", "ja": "ウェブ"},
	msgLinkTooMany: {"en": "Too many link codes tried. Try again in %d min.", "ko": "연결 코드를 너무 많이 시도했습니다. %d분 후에 다시 시도하세요.",
		"ja": "連携コードを試した回数が多すぎます。%d 分後にもう一度お試しください。"},
}

// errorText holds the short error sentence per engine error code.
var errorText = map[engine.Code]map[string]string{
	engine.CodeInvalid:            {"en": "That is not valid: %s.", "ko": "올바르지 않은 값입니다: %s.", "ja": "正しくない値です：%s。"},
	engine.CodeUnauthenticated:    {"en": "Who are you? Try again.", "ko": "사용자를 확인할 수 없습니다. 다시 시도하세요.", "ja": "ユーザーを確認できません。もう一度お試しください。"},
	engine.CodeNotFound:           {"en": "That room does not exist.", "ko": "그런 방은 없습니다.", "ja": "そのルームはありません。"},
	engine.CodeConflict:           {"en": "That cannot be done now.", "ko": "지금은 할 수 없습니다.", "ja": "今はできません。"},
	engine.CodeRateLimited:        {"en": "Too many messages. Try again in %d seconds.", "ko": "메시지가 너무 많습니다. %d초 후에 다시 시도하세요.", "ja": "メッセージが多すぎます。%d 秒後にもう一度お試しください。"},
	engine.CodeModelUnavailable:   {"en": "The model is not answering right now. Try again in a moment.", "ko": "지금은 모델이 응답하지 않습니다. 잠시 후 다시 시도하세요.", "ja": "モデルが応答していません。少ししてからもう一度お試しください。"},
	engine.CodeModelRejected:      {"en": "The model refused this conversation. Try `/reset`.", "ko": "모델이 이 대화를 거부했습니다. `/reset`을 해 보세요.", "ja": "モデルがこの会話を拒否しました。`/reset` をお試しください。"},
	engine.CodeModelNotConfigured: {"en": "No model is configured on this server.", "ko": "이 서버에는 모델이 설정되어 있지 않습니다.", "ja": "このサーバーにはモデルが設定されていません。"},
	engine.CodeUnavailable:        {"en": "The service is restarting. Try again in a moment.", "ko": "서비스가 다시 시작하는 중입니다. 잠시 후 다시 시도하세요.", "ja": "サービスが再起動中です。少ししてからもう一度お試しください。"},
	engine.CodeInternal:           {"en": "Something went wrong on our side.", "ko": "서버에 문제가 생겼습니다.", "ja": "サーバーで問題が起きました。"},
}

// reasonText holds sentences for the engine's reasons that say more than
// their code's sentence, in every language.
var reasonText = map[engine.Reason]map[string]string{
	engine.ReasonBusy:      {"en": "A reply is still being written in this room. Try again when it is done.", "ko": "이 방에서 아직 답장을 쓰고 있습니다. 끝나면 다시 시도하세요.", "ja": "このルームではまだ返事を書いています。終わってからもう一度お試しください。"},
	engine.ReasonRoomLimit: {"en": "You have the most rooms allowed. Delete one to make another.", "ko": "방을 더 만들 수 없습니다. 하나를 삭제한 뒤 다시 만드세요.", "ja": "ルームの上限に達しました。1つ削除してから作ってください。"},
	engine.ReasonEmptyScene: {"en": "Say something in the scene first: a report needs at least one of your lines.",
		"ko": "먼저 장면에서 한마디 해 보세요. 리포트에는 내 대사가 하나 이상 필요해요.",
		"ja": "まず場面で何か話してください。レポートにはあなたのセリフが 1 つ以上必要です。"},
	engine.ReasonSceneStarted: {"en": "This scene has already begun: just write your line.", "ko": "이 장면은 이미 시작되었습니다. 바로 대사를 쓰세요.", "ja": "この場面はもう始まっています。そのままセリフを書いてください。"},
	engine.ReasonLinkCode: {"en": "This link code is wrong, expired or already used. Get a new one on the website (**Connected apps**).",
		"ko": "연결 코드가 틀렸거나 만료되었거나 이미 사용되었습니다. 웹사이트(**연결된 앱**)에서 새 코드를 받으세요.",
		"ja": "連携コードが違うか、期限切れか、使用済みです。ウェブサイト（**連携アプリ**）で新しいコードを出してください。"},
	engine.ReasonLinkedElsewhere: {"en": "This Discord account is already linked to another chatplay account. Unlink it there first (`/unlink`, or that account's **Connected apps**), then link again.",
		"ko": "이 Discord 계정은 이미 다른 chatplay 계정에 연결되어 있습니다. 먼저 거기서 연결을 끊고(`/unlink` 또는 그 계정의 **연결된 앱**) 다시 연결하세요.",
		"ja": "この Discord アカウントはすでに別の chatplay アカウントに連携しています。先にそちらの連携を解除して（`/unlink` かそのアカウントの **連携アプリ**）、もう一度連携してください。"},
	engine.ReasonProviderLinked: {"en": "That chatplay account already has a Discord account linked. Unlink it there first (on the website, **Connected apps**), then link this one.",
		"ko": "그 chatplay 계정에는 이미 다른 Discord 계정이 연결되어 있습니다. 먼저 웹사이트의 **연결된 앱**에서 연결을 끊은 뒤 이 계정을 연결하세요.",
		"ja": "その chatplay アカウントにはすでに別の Discord アカウントが連携しています。先にウェブサイトの **連携アプリ** で解除してから、このアカウントを連携してください。"},
	engine.ReasonNotWebAccount: {"en": "Linking needs a chatplay web account: sign up on the website first.",
		"ko": "연결하려면 chatplay 웹 계정이 필요합니다. 먼저 웹사이트에서 가입하세요.",
		"ja": "連携には chatplay のウェブアカウントが必要です。先にウェブサイトで登録してください。"},
}

// text returns sentence m in lang (English when missing), filled with args.
func text(lang string, m msg, args ...any) string {
	forms := catalog[m]
	s, ok := forms[lang]
	if !ok {
		s = forms["en"]
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// errorMessage returns the short sentence that explains err to a user
// speaking lang. In English a conflict or an invalid input uses the engine's
// own safe message, which says more than the generic sentence.
func errorMessage(lang string, err error) string {
	e := engine.AsError(err)
	if forms, ok := reasonText[e.Reason]; ok {
		if s, ok := forms[lang]; ok {
			return s
		}
		return forms["en"]
	}
	forms, ok := errorText[e.Code]
	if !ok {
		forms = errorText[engine.CodeInternal]
	}
	s, ok := forms[lang]
	if !ok {
		s = forms["en"]
	}
	switch e.Code {
	case engine.CodeInvalid:
		if lang == "en" && e.Message != "" {
			return e.Message
		}
		field := e.Field
		if field == "" {
			field = "input"
		}
		return fmt.Sprintf(s, field)
	case engine.CodeConflict:
		if lang == "en" && e.Message != "" {
			return e.Message
		}
	case engine.CodeRateLimited:
		return fmt.Sprintf(s, int(math.Ceil(math.Max(e.RetryAfter.Seconds(), 1))))
	}
	return s
}

// quote returns s as a Markdown block quote.
func quote(s string) string {
	return "> " + strings.ReplaceAll(s, "\n", "\n> ")
}
