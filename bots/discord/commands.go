package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/chatplay/chatplay/engine"
)

// Command, subcommand and option names.
const (
	cmdRoom  = "room"
	cmdSay   = "say"
	cmdRetry = "retry"
	cmdReset = "reset"
	cmdHelp  = "help"
	cmdHint  = "hint"
	cmdTrans = "translate"
	cmdEnd   = "end"
	// cmdReports lists the learner's reports.
	cmdReports = "reports"
	// cmdLink and cmdUnlink link the Discord identity to a web account and
	// undo it.
	cmdLink   = "link"
	cmdUnlink = "unlink"
	// cmdTranslateMessage is the message context-menu command (its name is
	// what Discord shows, so it is capitalized).
	cmdTranslateMessage = "Translate"

	subNew    = "new"
	subList   = "list"
	subEdit   = "edit"
	subDelete = "delete"
	subEnter  = "enter"

	optLanguage  = "language"
	optSituation = "situation"
	optUserRole  = "your_role"
	optBotRole   = "bot_role"
	optTitle     = "title"
	optRoom      = "room"
	optText      = "text"
	optLevel     = "level"
	optFeedback  = "feedback"
	optScenario  = "scenario"
	optCode      = "code"
)

// languageChoices are the room languages offered by /room new, by their own
// names.
var languageChoices = []struct{ code, name string }{
	{"ko", "한국어 (Korean)"}, {"en", "English"}, {"ja", "日本語 (Japanese)"}, {"zh", "中文 (Chinese)"},
	{"es", "Español (Spanish)"}, {"fr", "Français (French)"}, {"de", "Deutsch (German)"},
}

// levelChoices are the CEFR levels offered by /room new and /room edit.
var levelChoices = []struct {
	level      engine.Level
	en, ko, ja string
}{
	{engine.LevelA1, "A1 beginner", "A1 입문", "A1 入門"}, {engine.LevelA2, "A2 elementary", "A2 초급", "A2 初級"},
	{engine.LevelB1, "B1 intermediate", "B1 중급", "B1 中級"}, {engine.LevelB2, "B2 upper intermediate", "B2 중상급", "B2 中上級"},
	{engine.LevelC1, "C1 advanced", "C1 고급", "C1 上級"}, {engine.LevelC2, "C2 mastery", "C2 최상급", "C2 最上級"},
}

// loc returns Korean and Japanese localizations.
func loc(ko, ja string) map[discordgo.Locale]string {
	return map[discordgo.Locale]string{discordgo.Korean: ko, discordgo.Japanese: ja}
}

// locp returns loc as a pointer, as commands (not options) take it.
func locp(ko, ja string) *map[discordgo.Locale]string {
	m := loc(ko, ja)
	return &m
}

// commands returns chatplay's slash commands, with lengths bounded by lim.
// They work in servers and in DMs with the bot.
func commands(lim engine.Limits) []*discordgo.ApplicationCommand {
	contexts := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	install := &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	str := func(name, desc string, l map[discordgo.Locale]string, required bool, maxLen int) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc,
			DescriptionLocalizations: l, Required: required, MaxLength: maxLen}
	}
	roomOpt := func() *discordgo.ApplicationCommandOption {
		o := str(optRoom, "The room", loc("방", "ルーム"), true, 0)
		o.Autocomplete = true
		return o
	}
	langs := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: optLanguage,
		Description: "The language of the scene", DescriptionLocalizations: loc("장면의 언어", "場面の言語"), Required: true}
	for _, l := range languageChoices {
		langs.Choices = append(langs.Choices, &discordgo.ApplicationCommandOptionChoice{Name: l.name, Value: l.code})
	}
	scenario := str(optScenario, "A ready scene with goals (or write your own situation and roles)",
		loc("목표가 있는 준비된 장면 (또는 상황과 역할을 직접 입력)", "目標つきの用意された場面（または場面と役を自分で書く）"), false, 0)
	scenario.Autocomplete = true
	level := func(desc string, l map[discordgo.Locale]string) *discordgo.ApplicationCommandOption {
		o := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: optLevel,
			Description: desc, DescriptionLocalizations: l}
		for _, c := range levelChoices {
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c.en, NameLocalizations: loc(c.ko, c.ja),
				Value: string(c.level)})
		}
		return o
	}
	feedback := func(desc string, l map[discordgo.Locale]string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: optFeedback,
			Description: desc, DescriptionLocalizations: l}
	}
	sub := func(name, desc string, l map[discordgo.Locale]string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name,
			Description: desc, DescriptionLocalizations: l, Options: opts}
	}
	cmd := func(name, desc string, l *map[discordgo.Locale]string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommand {
		return &discordgo.ApplicationCommand{Type: discordgo.ChatApplicationCommand, Name: name, Description: desc,
			DescriptionLocalizations: l, Options: opts, Contexts: contexts, IntegrationTypes: install}
	}
	return []*discordgo.ApplicationCommand{
		cmd(cmdRoom, "Your role-play rooms", locp("상황극 방", "ロールプレイのルーム"),
			sub(subNew, "Make a room", loc("방 만들기", "ルームを作る"),
				langs,
				scenario,
				str(optSituation, "The situation, e.g. ordering coffee in Seoul (without a scenario)", loc("상황 (예: 서울 카페에서 커피 주문; 시나리오 없을 때)", "場面（例：ソウルのカフェで注文；シナリオなしのとき）"), false, lim.MaxSituationRunes),
				str(optUserRole, "The part you play (without a scenario)", loc("내 역할 (시나리오 없을 때)", "あなたの役（シナリオなしのとき）"), false, lim.MaxRoleRunes),
				str(optBotRole, "The part the bot plays (without a scenario)", loc("봇의 역할 (시나리오 없을 때)", "ボットの役（シナリオなしのとき）"), false, lim.MaxRoleRunes),
				str(optTitle, "A title", loc("제목", "タイトル"), false, lim.MaxTitleRunes),
				level("Your level in the language (default B1)", loc("그 언어의 내 수준 (기본 B1)", "その言語のあなたのレベル（既定 B1）")),
				feedback("Corrections of your lines (default on)", loc("내 문장 교정 (기본 켬)", "あなたの文の添削（既定オン）"))),
			sub(subList, "List your rooms", loc("내 방 목록", "ルーム一覧")),
			sub(subEdit, "Edit a room (with level or feedback: set just those)", loc("방 수정 (수준·교정을 고르면 그것만 변경)", "ルームを編集（レベル・添削を選ぶとそれだけ変更）"),
				roomOpt(),
				level("A new level", loc("새 수준", "新しいレベル")),
				feedback("Corrections of your lines on or off", loc("내 문장 교정 켜기/끄기", "あなたの文の添削のオン・オフ"))),
			sub(subDelete, "Delete a room", loc("방 삭제", "ルームを削除"), roomOpt()),
			sub(subEnter, "Open a thread for a room and play", loc("방의 스레드를 열고 시작", "ルームのスレッドを開いて始める"), roomOpt())),
		cmd(cmdSay, "Say something in this room", locp("이 방에서 말하기", "このルームで話す"),
			str(optText, "What you say", loc("할 말", "話す内容"), true, lim.MaxMessageRunes)),
		cmd(cmdRetry, "Write the last reply again", locp("마지막 답 다시 쓰기", "最後の返事を書き直す")),
		cmd(cmdReset, "Clear this room's conversation", locp("이 방의 대화 지우기", "このルームの会話を消す")),
		cmd(cmdHint, "What could I say next? (only you see it)", locp("다음에 뭐라고 말할까? (나만 보기)", "次に何と言えばいい？（自分だけに表示）")),
		cmd(cmdTrans, "Translate the bot's last line (only you see it)", locp("봇의 마지막 대사 번역 (나만 보기)", "ボットの最後のセリフを翻訳（自分だけに表示）")),
		cmd(cmdEnd, "End this scene and get your report", locp("이 장면을 마치고 리포트 받기", "この場面を終えてレポートを受け取る")),
		cmd(cmdReports, "Your past scene reports (only you see them)", locp("지난 장면 리포트 (나만 보기)", "過去の場面のレポート（自分だけに表示）")),
		cmd(cmdLink, "Link to your chatplay web account (only you see it)", locp("chatplay 웹 계정에 연결 (나만 보기)", "chatplay のウェブアカウントに連携（自分だけに表示）"),
			str(optCode, "A code from the website's Connected apps (without: get a code to enter there)",
				loc("웹사이트의 연결된 앱에서 받은 코드 (없으면: 웹에 입력할 코드 받기)", "ウェブサイトの連携アプリで出したコード（なし：ウェブで入力するコードを出す）"), false, maxLinkCodeLen)),
		cmd(cmdUnlink, "Unlink from your chatplay web account (only you see it)", locp("chatplay 웹 계정과 연결 끊기 (나만 보기)", "chatplay のウェブアカウントとの連携を解除（自分だけに表示）")),
		cmd(cmdHelp, "How to play", locp("사용법", "使い方")),
		{Type: discordgo.MessageApplicationCommand, Name: cmdTranslateMessage, NameLocalizations: locp("번역", "翻訳"),
			Contexts: contexts, IntegrationTypes: install},
	}
}
