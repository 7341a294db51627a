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
)

// languageChoices are the room languages offered by /room new, by their own
// names.
var languageChoices = []struct{ code, name string }{
	{"ko", "한국어 (Korean)"}, {"en", "English"}, {"ja", "日本語 (Japanese)"}, {"zh", "中文 (Chinese)"},
	{"es", "Español (Spanish)"}, {"fr", "Français (French)"}, {"de", "Deutsch (German)"},
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
				str(optSituation, "The situation, e.g. ordering coffee in Seoul", loc("상황 (예: 서울 카페에서 커피 주문)", "場面（例：ソウルのカフェで注文）"), true, lim.MaxSituationRunes),
				str(optUserRole, "The part you play", loc("내 역할", "あなたの役"), true, lim.MaxRoleRunes),
				str(optBotRole, "The part the bot plays", loc("봇의 역할", "ボットの役"), true, lim.MaxRoleRunes),
				str(optTitle, "A title", loc("제목", "タイトル"), false, lim.MaxTitleRunes)),
			sub(subList, "List your rooms", loc("내 방 목록", "ルーム一覧")),
			sub(subEdit, "Edit a room", loc("방 수정", "ルームを編集"), roomOpt()),
			sub(subDelete, "Delete a room", loc("방 삭제", "ルームを削除"), roomOpt()),
			sub(subEnter, "Open a thread for a room and play", loc("방의 스레드를 열고 시작", "ルームのスレッドを開いて始める"), roomOpt())),
		cmd(cmdSay, "Say something in this room", locp("이 방에서 말하기", "このルームで話す"),
			str(optText, "What you say", loc("할 말", "話す内容"), true, lim.MaxMessageRunes)),
		cmd(cmdRetry, "Write the last reply again", locp("마지막 답 다시 쓰기", "最後の返事を書き直す")),
		cmd(cmdReset, "Clear this room's conversation", locp("이 방의 대화 지우기", "このルームの会話を消す")),
		cmd(cmdHelp, "How to play", locp("사용법", "使い方")),
	}
}
