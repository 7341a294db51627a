package telegram

import (
	"fmt"

	"github.com/chatplay/chatplay/engine"
)

// lang is a language the bot speaks its own words in: ko, en or ja.
type lang string

// The bot's languages.
const (
	langKo lang = "ko"
	langEn lang = "en"
	langJa lang = "ja"
)

// langs are the bot's languages, English (the fallback) first.
var langs = []lang{langEn, langKo, langJa}

// langOf returns the bot's language for a Telegram language_code: English
// unless it is Korean or Japanese.
func langOf(code string) lang {
	switch l := lang(engine.NormalizeLocale(code)); l {
	case langKo, langJa:
		return l
	}
	return langEn
}

// safeHTML is text already in Telegram HTML, passed to t unescaped.
type safeHTML string

// t returns the catalog's text for key in l, in Telegram HTML, with args
// formatted in: strings are escaped, safeHTML is not.
func (l lang) t(key string, args ...any) string {
	texts, ok := catalog[key]
	if !ok {
		panic("telegram: no catalog entry " + key) // a programming error, caught by tests
	}
	for i, a := range args {
		switch v := a.(type) {
		case string:
			args[i] = EscapeHTML(v)
		case safeHTML:
			args[i] = string(v)
		}
	}
	s := texts[l]
	if s == "" {
		s = texts[langEn]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// catalog holds the bot's own words. Texts are Telegram HTML: any <, > or &
// that is not markup is escaped.
var catalog = map[string]map[lang]string{
	"welcome": {
		langEn: "<b>Welcome to chatplay!</b>\nPick a situation, a part for you and a part for me, and we play the scene in the language you are learning.\n\nTap the button to make your first room, or send /help.",
		langKo: "<b>chatplay에 오신 것을 환영해요!</b>\n상황과 내 역할, 봇의 역할을 정하면 배우고 있는 언어로 그 장면을 함께 연기해요.\n\n아래 버튼으로 첫 방을 만들거나 /help 를 보내 보세요.",
		langJa: "<b>chatplayへようこそ！</b>\n場面と、あなたの役、ボットの役を決めると、学んでいる言語でその場面を一緒に演じます。\n\n下のボタンで最初のルームを作るか、/help を送ってください。",
	},
	"help": {
		langEn: "<b>Commands</b>\n/new — pick a ready scene or make your own, or in one line:\n<code>/new en | ordering coffee | customer | barista</code>\n/rooms — your rooms: enter, edit, delete\n/room — the active room\n/hint — what could I say next?\n/translate — translate the bot's line (reply to it, or the last one)\n/level — your level, A1 to C2\n/feedback on|hidden|off — corrections of your lines\n/end — end the scene and get your report\n/reports — your past reports\n/edit — change the active room\n/delete — delete the active room\n/reset — clear the conversation and start the scene again\n/retry — write the last reply again\n/link — link to your web account: one history everywhere\n/unlink — unlink from the web account\n/help — this help\n\nAny other message is your line in the active room.%s",
		langKo: "<b>명령어</b>\n/new — 준비된 장면을 고르거나 직접 만들기, 또는 한 줄로:\n<code>/new ko | 카페에서 커피 주문 | 손님 | 바리스타</code>\n/rooms — 내 방 목록: 입장, 수정, 삭제\n/room — 현재 방 보기\n/hint — 다음에 뭐라고 말할까?\n/translate — 봇의 대사 번역 (그 메시지에 답장, 또는 마지막 대사)\n/level — 내 레벨, A1~C2\n/feedback on|hidden|off — 내 대사 교정\n/end — 장면을 끝내고 리포트 받기\n/reports — 지난 리포트\n/edit — 현재 방 수정\n/delete — 현재 방 삭제\n/reset — 대화를 지우고 장면을 다시 시작\n/retry — 마지막 답장을 다시 쓰기\n/link — 웹 계정과 연결: 어디서든 같은 기록\n/unlink — 웹 계정과 연결 해제\n/help — 도움말\n\n그 밖의 메시지는 현재 방에서 나의 대사가 돼요.%s",
		langJa: "<b>コマンド</b>\n/new — 用意された場面を選ぶか自分で作る、または1行で:\n<code>/new ja | カフェでコーヒーを注文 | 客 | バリスタ</code>\n/rooms — ルーム一覧: 入室・編集・削除\n/room — 今のルームを見る\n/hint — 次に何と言えばいい？\n/translate — ボットのセリフを翻訳（そのメッセージに返信、または最後のセリフ）\n/level — あなたのレベル、A1〜C2\n/feedback on|hidden|off — あなたのセリフの添削\n/end — 場面を終えてレポートを受け取る\n/reports — これまでのレポート\n/edit — 今のルームを編集\n/delete — 今のルームを削除\n/reset — 会話を消して場面をやり直す\n/retry — 最後の返事を書き直す\n/link — ウェブのアカウントと連携: どこでも同じ履歴\n/unlink — ウェブのアカウントとの連携を解除\n/help — このヘルプ\n\nそれ以外のメッセージは、今のルームでのあなたのセリフになります。%s",
	},
	"helpGroup": {
		langEn: "\nIn a group I answer only when you mention me or reply to me; each of you plays in your own room.",
		langKo: "\n그룹에서는 저를 멘션하거나 제 메시지에 답장할 때만 대답해요. 각자 자기 방에서 연기해요.",
		langJa: "\nグループでは、メンションされたときか返信されたときだけ答えます。それぞれ自分のルームで演じます。",
	},
	"newButton": {langEn: "➕ New room", langKo: "➕ 새 방", langJa: "➕ 新しいルーム"},
	"askLanguage": {
		langEn: "Which language shall we play in?",
		langKo: "어떤 언어로 연기할까요?",
		langJa: "どの言語で演じますか？",
	},
	"languageChosen": {langEn: "Language: %s", langKo: "언어: %s", langJa: "言語: %s"},
	"askSituation": {
		langEn: "What is the situation? (e.g. ordering coffee in a café in Seoul)",
		langKo: "어떤 상황인가요? (예: 서울의 카페에서 커피 주문하기)",
		langJa: "どんな場面ですか？（例: 東京のカフェでコーヒーを注文する）",
	},
	"askUserRole": {langEn: "Who are you in this scene? (e.g. a customer)", langKo: "이 장면에서 당신은 누구인가요? (예: 손님)", langJa: "この場面であなたは誰ですか？（例: 客）"},
	"askBotRole":  {langEn: "And who am I? (e.g. the barista)", langKo: "그럼 저는 누구인가요? (예: 바리스타)", langJa: "では、私は誰ですか？（例: バリスタ）"},
	"askTitle":    {langEn: "Send the new title.", langKo: "새 제목을 보내 주세요.", langJa: "新しいタイトルを送ってください。"},
	"placeholder": {langEn: "Your answer", langKo: "답변", langJa: "回答"},
	"newUsage": {
		langEn: "To make a room in one line, send four parts separated by |:\n<code>/new en | ordering coffee | customer | barista</code>\n(a fifth part sets your level: <code>| A2</code>)\nor just /new to be asked step by step.",
		langKo: "한 줄로 방을 만들려면 | 로 구분된 네 부분을 보내 주세요:\n<code>/new ko | 카페에서 커피 주문 | 손님 | 바리스타</code>\n(다섯 번째 부분으로 레벨을 정할 수 있어요: <code>| A2</code>)\n또는 /new 만 보내면 단계별로 물어볼게요.",
		langJa: "1行でルームを作るには、| で区切った4つの部分を送ってください:\n<code>/new ja | カフェでコーヒーを注文 | 客 | バリスタ</code>\n（5つ目の部分でレベルを決められます: <code>| A2</code>）\nまたは /new だけ送れば、順番に質問します。",
	},
	"roomCreated": {langEn: "Room ready. The scene begins!\n\n%s", langKo: "방이 준비됐어요. 장면을 시작합니다!\n\n%s", langJa: "ルームができました。場面の始まりです！\n\n%s"},
	"roomView": {
		langEn: "<b>%s</b>\nLanguage: %s\nLevel: %s\nCorrections: %s\nSituation: %s\nYou: %s\nMe: %s",
		langKo: "<b>%s</b>\n언어: %s\n레벨: %s\n교정: %s\n상황: %s\n나: %s\n봇: %s",
		langJa: "<b>%s</b>\n言語: %s\nレベル: %s\n添削: %s\n場面: %s\nあなた: %s\nボット: %s",
	},
	"activeRoom": {langEn: "Active room:\n\n%s", langKo: "현재 방:\n\n%s", langJa: "今のルーム:\n\n%s"},
	"noActiveRoom": {
		langEn: "You have no active room in this chat. Make one with /new, or pick one with /rooms.",
		langKo: "이 채팅에 현재 방이 없어요. /new 로 만들거나 /rooms 에서 골라 주세요.",
		langJa: "このチャットに今のルームがありません。/new で作るか、/rooms から選んでください。",
	},
	"noRooms": {
		langEn: "You have no rooms yet. Make one with /new.",
		langKo: "아직 방이 없어요. /new 로 만들어 보세요.",
		langJa: "まだルームがありません。/new で作ってください。",
	},
	"roomsTitle":     {langEn: "<b>Your rooms</b> (✅ active here)", langKo: "<b>내 방</b> (✅ 이 채팅의 현재 방)", langJa: "<b>あなたのルーム</b>（✅ このチャットで使用中）"},
	"moreButton":     {langEn: "More ›", langKo: "더 보기 ›", langJa: "もっと見る ›"},
	"entered":        {langEn: "You are in this room now. Your next message is your line.\n\n%s", langKo: "이제 이 방에 있어요. 다음 메시지가 나의 대사예요.\n\n%s", langJa: "このルームに入りました。次のメッセージがあなたのセリフです。\n\n%s"},
	"editWhich":      {langEn: "What do you want to change?\n\n%s", langKo: "무엇을 바꿀까요?\n\n%s", langJa: "何を変更しますか？\n\n%s"},
	"fieldLanguage":  {langEn: "Language", langKo: "언어", langJa: "言語"},
	"fieldSituation": {langEn: "Situation", langKo: "상황", langJa: "場面"},
	"fieldUserRole":  {langEn: "Your role", langKo: "나의 역할", langJa: "あなたの役"},
	"fieldBotRole":   {langEn: "My role", langKo: "봇의 역할", langJa: "ボットの役"},
	"fieldTitle":     {langEn: "Title", langKo: "제목", langJa: "タイトル"},
	"askNewValue": {
		langEn: "Send the new value of “%s”. Now: %s",
		langKo: "“%s”의 새 값을 보내 주세요. 지금: %s",
		langJa: "「%s」の新しい値を送ってください。現在: %s",
	},
	"updated":       {langEn: "Saved.\n\n%s", langKo: "저장했어요.\n\n%s", langJa: "保存しました。\n\n%s"},
	"confirmDelete": {langEn: "Delete this room and its conversation?\n\n%s", langKo: "이 방과 대화를 삭제할까요?\n\n%s", langJa: "このルームと会話を削除しますか？\n\n%s"},
	"deleteYes":     {langEn: "🗑 Delete", langKo: "🗑 삭제", langJa: "🗑 削除"},
	"cancelButton":  {langEn: "Cancel", langKo: "취소", langJa: "キャンセル"},
	"deleted":       {langEn: "Room deleted.", langKo: "방을 삭제했어요.", langJa: "ルームを削除しました。"},
	"cancelled":     {langEn: "Cancelled.", langKo: "취소했어요.", langJa: "キャンセルしました。"},
	"enterButton":   {langEn: "▶ Enter", langKo: "▶ 입장", langJa: "▶ 入室"},
	"editButton":    {langEn: "✏️ Edit", langKo: "✏️ 수정", langJa: "✏️ 編集"},
	"deleteButton":  {langEn: "🗑 Delete", langKo: "🗑 삭제", langJa: "🗑 削除"},
	"resetDone":     {langEn: "Conversation cleared. The scene starts again.", langKo: "대화를 지웠어요. 장면을 다시 시작해요.", langJa: "会話を消しました。場面をやり直します。"},
	"expired": {
		langEn: "This step has expired. Start again with /new or /edit.",
		langKo: "이 단계는 만료됐어요. /new 나 /edit 로 다시 시작해 주세요.",
		langJa: "この手順は期限切れです。/new か /edit でやり直してください。",
	},
	"unknownCommand": {langEn: "I don't know that command. Send /help.", langKo: "모르는 명령어예요. /help 를 보내 주세요.", langJa: "知らないコマンドです。/help を送ってください。"},
	"textOnly":       {langEn: "I can only read text messages.", langKo: "텍스트 메시지만 읽을 수 있어요.", langJa: "テキストメッセージしか読めません。"},
	"emptyReply":     {langEn: "(no reply — try /retry)", langKo: "(답장이 없어요 — /retry 를 해 보세요)", langJa: "（返事がありません — /retry をお試しください）"},
	"replyUnshown":   {langEn: "(the reply could not be shown in full — try /retry)", langKo: "(답장을 다 보여 드리지 못했어요 — /retry 를 해 보세요)", langJa: "（返事をすべて表示できませんでした — /retry をお試しください）"},
	"slowDown": {
		langEn: "Slow down, please: I am still answering your earlier messages. Send this one again once I have.",
		langKo: "조금만 천천히 보내 주세요. 아직 앞의 메시지에 답하고 있어요. 답이 끝나면 이 메시지를 다시 보내 주세요.",
		langJa: "少しゆっくりお願いします。まだ前のメッセージに答えています。答え終わったら、これをもう一度送ってください。",
	},

	// The practice layer: level, corrections, hints and translations.
	"askLevel": {
		langEn: "What is your level in this language? (CEFR: A1 beginner … C2 mastery)",
		langKo: "이 언어의 내 레벨은 어느 정도인가요? (CEFR: A1 입문 … C2 원어민 수준)",
		langJa: "この言語のあなたのレベルは？（CEFR: A1 入門 … C2 ネイティブ並み）",
	},
	"levelChosen":   {langEn: "Level: %s", langKo: "레벨: %s", langJa: "レベル: %s"},
	"levelNow":      {langEn: "Your level in this room: %s\nChoose another:", langKo: "이 방의 내 레벨: %s\n다른 레벨을 골라 주세요:", langJa: "このルームでのレベル: %s\n別のレベルを選んでください:"},
	"levelSet":      {langEn: "Level set: %s. I will speak to it from my next line.", langKo: "레벨을 %s(으)로 바꿨어요. 다음 대사부터 맞춰 말할게요.", langJa: "レベルを %s にしました。次のセリフから合わせて話します。"},
	"levelA1":       {langEn: "beginner", langKo: "입문", langJa: "入門"},
	"levelA2":       {langEn: "elementary", langKo: "초급", langJa: "初級"},
	"levelB1":       {langEn: "intermediate", langKo: "중급", langJa: "中級"},
	"levelB2":       {langEn: "upper intermediate", langKo: "중상급", langJa: "中上級"},
	"levelC1":       {langEn: "advanced", langKo: "고급", langJa: "上級"},
	"levelC2":       {langEn: "mastery", langKo: "원어민 수준", langJa: "ネイティブ並み"},
	"fieldLevel":    {langEn: "Level", langKo: "레벨", langJa: "レベル"},
	"fieldFeedback": {langEn: "Corrections", langKo: "교정", langJa: "添削"},
	"errLevel":      {langEn: "Choose a level: %s.", langKo: "레벨을 골라 주세요: %s.", langJa: "レベルを選んでください: %s。"},
	"fbMode_on":     {langEn: "on", langKo: "켜짐", langJa: "オン"},
	"fbMode_hidden": {langEn: "behind a button", langKo: "버튼 뒤에 숨김", langJa: "ボタンの後ろに隠す"},
	"fbMode_off":    {langEn: "off", langKo: "꺼짐", langJa: "オフ"},
	"feedbackNow": {
		langEn: "Corrections of your lines in this room: %s\n(on: after each reply · behind a button: ✍️ under the reply · off: none)",
		langKo: "이 방에서 내 대사 교정: %s\n(켜짐: 답장마다 · 버튼 뒤에 숨김: 답장 아래 ✍️ · 꺼짐: 없음)",
		langJa: "このルームでのセリフの添削: %s\n（オン: 返事のたびに・ボタンの後ろに隠す: 返事の下の ✍️・オフ: なし）",
	},
	"feedbackSet":   {langEn: "Corrections: %s.", langKo: "교정: %s.", langJa: "添削: %s。"},
	"feedbackUsage": {langEn: "Send <code>/feedback on</code>, <code>/feedback hidden</code> or <code>/feedback off</code>.", langKo: "<code>/feedback on</code>, <code>/feedback hidden</code>, <code>/feedback off</code> 중 하나를 보내 주세요.", langJa: "<code>/feedback on</code>、<code>/feedback hidden</code>、<code>/feedback off</code> のどれかを送ってください。"},
	"feedbackTitle": {langEn: "<b>Corrections</b>", langKo: "<b>교정</b>", langJa: "<b>添削</b>"},
	"feedbackFine":  {langEn: "✓ Natural — well said.", langKo: "✓ 자연스러워요. 잘했어요.", langJa: "✓ 自然です。よく言えました。"},
	"feedbackPending": {
		langEn: "Still checking your line. Try again in a moment.",
		langKo: "아직 대사를 확인하고 있어요. 잠시 후 다시 눌러 주세요.",
		langJa: "まだセリフを確認しています。少ししてからもう一度押してください。",
	},
	"feedbackUnavailable": {langEn: "No correction is available for this line.", langKo: "이 대사에는 교정이 없어요.", langJa: "このセリフの添削はありません。"},
	"issueGrammar":        {langEn: "grammar", langKo: "문법", langJa: "文法"},
	"issueVocabulary":     {langEn: "vocabulary", langKo: "어휘", langJa: "語彙"},
	"issueSpelling":       {langEn: "spelling", langKo: "맞춤법", langJa: "表記"},
	"issueWordOrder":      {langEn: "word order", langKo: "어순", langJa: "語順"},
	"issueNaturalness":    {langEn: "naturalness", langKo: "자연스러움", langJa: "自然さ"},
	"issueRegister":       {langEn: "politeness", langKo: "높임말", langJa: "敬語"},
	"hintButton":          {langEn: "💡 Hint", langKo: "💡 힌트", langJa: "💡 ヒント"},
	"translateButton":     {langEn: "🌐 Translate", langKo: "🌐 번역", langJa: "🌐 翻訳"},
	"feedbackButton":      {langEn: "✍️ Feedback", langKo: "✍️ 교정", langJa: "✍️ 添削"},
	"hintTitle":           {langEn: "💡 <b>You could say:</b>", langKo: "💡 <b>이렇게 말해 보세요:</b>", langJa: "💡 <b>こう言ってみましょう:</b>"},
	"hintNone":            {langEn: "No hint this time. Try again with /hint.", langKo: "이번에는 힌트가 없어요. /hint 로 다시 시도해 주세요.", langJa: "今回はヒントがありません。/hint でもう一度お試しください。"},
	"nothingToTranslate":  {langEn: "There is no line of mine to translate yet.", langKo: "아직 번역할 봇의 대사가 없어요.", langJa: "まだ翻訳するボットのセリフがありません。"},
	"notYours":            {langEn: "This is someone else's scene.", langKo: "다른 사람의 장면이에요.", langJa: "ほかの人の場面です。"},

	// Errors, one per engine code (and the invalid fields).
	"errNotFound":      {langEn: "That room was not found. See /rooms.", langKo: "방을 찾을 수 없어요. /rooms 를 확인해 주세요.", langJa: "ルームが見つかりません。/rooms を確認してください。"},
	"errTooLong":       {langEn: "That message is too long: at most %d characters.", langKo: "메시지가 너무 길어요. 최대 %d자까지 가능해요.", langJa: "メッセージが長すぎます。最大%d文字までです。"},
	"errEmpty":         {langEn: "Send some text.", langKo: "내용을 입력해 주세요.", langJa: "テキストを送ってください。"},
	"errField":         {langEn: "“%s” must be 1 to %d characters of plain text.", langKo: "“%s”은(는) 1~%d자의 일반 텍스트여야 해요.", langJa: "「%s」は1〜%d文字のテキストにしてください。"},
	"errLanguage":      {langEn: "Choose a supported language: %s.", langKo: "지원하는 언어를 골라 주세요: %s.", langJa: "対応している言語を選んでください: %s。"},
	"errInvalid":       {langEn: "That input is not valid.", langKo: "입력이 올바르지 않아요.", langJa: "入力が正しくありません。"},
	"errRateLimited":   {langEn: "Too many messages. Try again in %d seconds.", langKo: "메시지가 너무 많아요. %d초 후에 다시 시도해 주세요.", langJa: "メッセージが多すぎます。%d秒後にもう一度お試しください。"},
	"errDailyLimit":    {langEn: "You have used today's conversation allowance. It renews in about %d hours (midnight UTC).", langKo: "오늘의 대화 한도를 다 썼어요. 약 %d시간 후(UTC 자정)에 다시 채워져요.", langJa: "今日の会話の上限に達しました。約%d時間後（UTC 0時）に回復します。"},
	"errModelDown":     {langEn: "The model is not answering right now. Try again in a moment with /retry.", langKo: "지금 모델이 응답하지 않아요. 잠시 후 /retry 로 다시 시도해 주세요.", langJa: "モデルが今応答していません。しばらくしてから /retry でお試しください。"},
	"errModelRejected": {langEn: "The model refused this request. If the conversation is long, /reset the room.", langKo: "모델이 요청을 거절했어요. 대화가 길다면 /reset 으로 방을 초기화해 주세요.", langJa: "モデルがリクエストを拒否しました。会話が長い場合は /reset してください。"},
	"errNoModel":       {langEn: "No language model is configured on this server yet. Ask its operator to set one up.", langKo: "이 서버에는 아직 언어 모델이 설정되지 않았어요. 운영자에게 문의해 주세요.", langJa: "このサーバーにはまだ言語モデルが設定されていません。運営者にお問い合わせください。"},
	"errBusy":          {langEn: "A reply is still being written in this room. Try again when it is done.", langKo: "이 방에서 아직 답장을 쓰고 있어요. 끝나면 다시 시도해 주세요.", langJa: "このルームではまだ返事を書いています。終わってからもう一度お試しください。"},
	"errSceneStarted":  {langEn: "This scene has already begun: just write your line.", langKo: "이 장면은 이미 시작됐어요. 바로 대사를 써 주세요.", langJa: "この場面はもう始まっています。そのままセリフを書いてください。"},
	"errTooManyRooms":  {langEn: "You have the most rooms allowed. Delete one in /rooms to make another.", langKo: "방을 더 만들 수 없어요. /rooms 에서 하나를 삭제해 주세요.", langJa: "ルームの上限に達しました。/rooms で1つ削除してください。"},
	"errUnavailable":   {langEn: "The service is restarting. Try again in a moment.", langKo: "서비스가 다시 시작하는 중이에요. 잠시 후 다시 시도해 주세요.", langJa: "サービスが再起動中です。しばらくしてからお試しください。"},
	"errInternal":      {langEn: "Something went wrong on our side. Try again.", langKo: "저희 쪽에서 문제가 생겼어요. 다시 시도해 주세요.", langJa: "こちら側で問題が起きました。もう一度お試しください。"},

	// Linking the Telegram account to a web account (link.go).
	"linkPrivate": {
		langEn: "Link codes are secret: send /link to me in a private chat, t.me/%s",
		langKo: "연결 코드는 비밀이에요. 개인 채팅에서 /link 를 보내 주세요: t.me/%s",
		langJa: "連携コードは秘密です。個人チャットで /link を送ってください: t.me/%s",
	},
	"linkPrivateCode": {
		langEn: "Link codes are secret, and this group has seen yours: make a new one on the web (it replaces this one) and send it to me in a private chat, t.me/%s",
		langKo: "연결 코드는 비밀인데 이 그룹에 코드가 보였어요. 웹에서 새 코드를 만들어(이 코드는 무효가 돼요) 개인 채팅으로 보내 주세요: t.me/%s",
		langJa: "連携コードは秘密ですが、このグループに見えてしまいました。ウェブで新しいコードを作り（このコードは無効になります）、個人チャットで送ってください: t.me/%s",
	},
	"linkCode": {
		langEn: "Your link code: <code>%s</code>\nSign in on the web, open Connected apps and enter it there within %d minutes (until %s UTC). It works once.\n\nHave a code from the web instead? Send <code>/link CODE</code>.",
		langKo: "연결 코드: <code>%s</code>\n웹에 로그인해서 연결된 앱에 %d분 안에(UTC %s까지) 입력해 주세요. 한 번만 쓸 수 있어요.\n\n웹에서 받은 코드가 있다면 <code>/link 코드</code> 를 보내 주세요.",
		langJa: "連携コード: <code>%s</code>\nウェブにログインし、連携アプリで%d分以内に（UTC %sまで）入力してください。使えるのは1回だけです。\n\nウェブで作ったコードがある場合は <code>/link コード</code> を送ってください。",
	},
	"linkAlready": {
		langEn: "This Telegram account is linked to your chatplay account %s. To link another account, /unlink first.",
		langKo: "이 텔레그램 계정은 chatplay 계정 %s에 연결되어 있어요. 다른 계정과 연결하려면 먼저 /unlink 해 주세요.",
		langJa: "このTelegramアカウントはchatplayのアカウント %s と連携しています。別のアカウントと連携するには、先に /unlink してください。",
	},
	"linked": {
		langEn: "✅ Linked: this Telegram account is now part of your chatplay account %s. All its rooms are in /rooms, and what you play here shows on the web.",
		langKo: "✅ 연결했어요. 이 텔레그램 계정은 이제 chatplay 계정 %s의 일부예요. 모든 방은 /rooms 에 있고, 여기서 한 대화는 웹에도 보여요.",
		langJa: "✅ 連携しました。このTelegramアカウントは、chatplayのアカウント %s の一部になりました。すべてのルームは /rooms にあり、ここでの会話はウェブにも表示されます。",
	},
	"unlinked": {
		langEn: "Unlinked from your chatplay account %s. Its rooms stay with it; here you start afresh: /new to make a room, /link to link again.",
		langKo: "chatplay 계정 %s과(와)의 연결을 해제했어요. 방은 그 계정에 남아요. 여기서는 새로 시작해요: /new 로 방 만들기, /link 로 다시 연결하기.",
		langJa: "chatplayのアカウント %s との連携を解除しました。ルームはそのアカウントに残ります。ここでは新しく始めます: /new でルームを作る、/link でもう一度連携する。",
	},
	"notLinked": {
		langEn: "This Telegram account is not linked to a web account. To link it, send /link.",
		langKo: "이 텔레그램 계정은 웹 계정과 연결되어 있지 않아요. 연결하려면 /link 를 보내 주세요.",
		langJa: "このTelegramアカウントはウェブのアカウントと連携していません。連携するには /link を送ってください。",
	},
	"errLinkCode": {
		langEn: "That code is wrong or has expired (a code lasts %d minutes and works once). Make a new one on the web under Connected apps and send <code>/link CODE</code>.",
		langKo: "코드가 틀렸거나 만료됐어요(코드는 %d분 동안 한 번만 쓸 수 있어요). 웹의 연결된 앱에서 새 코드를 만들어 <code>/link 코드</code> 를 보내 주세요.",
		langJa: "コードが間違っているか、期限切れです（コードは%d分間、1回だけ使えます）。ウェブの連携アプリで新しいコードを作り、<code>/link コード</code> を送ってください。",
	},
	"errLinkAttempts": {
		langEn: "Too many codes tried. Try again in %d min.",
		langKo: "코드를 너무 많이 시도했어요. %d분 후에 다시 시도해 주세요.",
		langJa: "コードを試した回数が多すぎます。%d分後にもう一度お試しください。",
	},
	"errLinkedElsewhere": {
		langEn: "This Telegram account is already linked to another chatplay account. Unlink it there first (/unlink here, or Connected apps on that account), then send the code again.",
		langKo: "이 텔레그램 계정은 이미 다른 chatplay 계정에 연결되어 있어요. 먼저 그쪽 연결을 해제한 뒤(여기서 /unlink, 또는 그 계정의 연결된 앱) 코드를 다시 보내 주세요.",
		langJa: "このTelegramアカウントは、すでに別のchatplayアカウントと連携しています。先にそちらの連携を解除してから（ここで /unlink、またはそのアカウントの連携アプリ）、もう一度コードを送ってください。",
	},
	"errProviderLinked": {
		langEn: "That chatplay account already has another Telegram account linked. Unlink that one first (Connected apps on the web), then make a new code.",
		langKo: "그 chatplay 계정에는 이미 다른 텔레그램 계정이 연결되어 있어요. 먼저 그 연결을 해제한 뒤(웹의 연결된 앱) 새 코드를 만들어 주세요.",
		langJa: "そのchatplayアカウントには、すでに別のTelegramアカウントが連携しています。先にその連携を解除してから（ウェブの連携アプリ）、新しいコードを作ってください。",
	},
	"errNotWebAccount": {
		langEn: "Linking needs a web account: sign up on the web first.",
		langKo: "연결하려면 웹 계정이 필요해요. 먼저 웹에서 가입해 주세요.",
		langJa: "連携にはウェブのアカウントが必要です。先にウェブで登録してください。",
	},

	// The recap of turns played elsewhere (recap.go).
	"recapTitle": {langEn: "📜 <b>Played elsewhere since</b>", langKo: "📜 <b>그동안 다른 곳에서 한 대화</b>", langJa: "📜 <b>その間にほかの場所で話したこと</b>"},
	"recapYou":   {langEn: "You", langKo: "나", langJa: "あなた"},
	"recapBot":   {langEn: "Bot", langKo: "봇", langJa: "ボット"},

	// The command menu.
	"cmdNew":       {langEn: "Make a room", langKo: "새 방 만들기", langJa: "ルームを作る"},
	"cmdRooms":     {langEn: "Your rooms", langKo: "내 방 목록", langJa: "ルーム一覧"},
	"cmdRoom":      {langEn: "The active room", langKo: "현재 방 보기", langJa: "今のルーム"},
	"cmdHint":      {langEn: "What could I say next?", langKo: "다음에 할 말 힌트", langJa: "次に言うことのヒント"},
	"cmdTranslate": {langEn: "Translate the bot's line", langKo: "봇의 대사 번역", langJa: "ボットのセリフを翻訳"},
	"cmdLevel":     {langEn: "Your level (A1–C2)", langKo: "내 레벨 (A1–C2)", langJa: "レベル (A1–C2)"},
	"cmdFeedback":  {langEn: "Corrections: on, hidden, off", langKo: "교정: 켜기, 숨기기, 끄기", langJa: "添削: オン・隠す・オフ"},
	"cmdEdit":      {langEn: "Change the active room", langKo: "현재 방 수정", langJa: "今のルームを編集"},
	"cmdDelete":    {langEn: "Delete the active room", langKo: "현재 방 삭제", langJa: "今のルームを削除"},
	"cmdReset":     {langEn: "Clear the conversation", langKo: "대화 지우기", langJa: "会話を消す"},
	"cmdRetry":     {langEn: "Write the last reply again", langKo: "마지막 답장 다시 쓰기", langJa: "最後の返事を書き直す"},
	"cmdLink":      {langEn: "Link your web account", langKo: "웹 계정과 연결", langJa: "ウェブのアカウントと連携"},
	"cmdUnlink":    {langEn: "Unlink the web account", langKo: "웹 계정 연결 해제", langJa: "ウェブのアカウントとの連携を解除"},
	"cmdHelp":      {langEn: "How to play", langKo: "도움말", langJa: "ヘルプ"},
	"cmdStart":     {langEn: "Welcome", langKo: "시작하기", langJa: "はじめに"},
}

// languageNames are the names of the rooms' languages in each of the bot's
// languages; the language keyboard offers the first three in their own names.
var languageNames = map[string]map[lang]string{
	"ko": {langEn: "Korean", langKo: "한국어", langJa: "韓国語"},
	"en": {langEn: "English", langKo: "영어", langJa: "英語"},
	"ja": {langEn: "Japanese", langKo: "일본어", langJa: "日本語"},
	"zh": {langEn: "Chinese", langKo: "중국어", langJa: "中国語"},
	"es": {langEn: "Spanish", langKo: "스페인어", langJa: "スペイン語"},
	"fr": {langEn: "French", langKo: "프랑스어", langJa: "フランス語"},
	"de": {langEn: "German", langKo: "독일어", langJa: "ドイツ語"},
}

// languageName returns the name of room language code in l.
func (l lang) languageName(code string) string {
	if n, ok := languageNames[code][l]; ok {
		return n
	}
	return code
}
