package telegram

// sceneCatalog holds the bot's words of scenes: the scene step of /new,
// goals, the end-of-scene report and /reports. It is part of catalog.
var sceneCatalog = map[string]map[lang]string{
	"askScene": {
		langEn: "<b>Choose a scene</b> (page %d of %d):",
		langKo: "<b>장면을 골라 주세요</b> (%d/%d 쪽):",
		langJa: "<b>場面を選んでください</b>（%d/%d ページ）:",
	},
	"sceneOrCustom": {
		langEn: "Or tap ✏️ to make your own scene (or just type its situation).",
		langKo: "직접 장면을 만들려면 ✏️ 를 누르거나 상황을 바로 입력해 주세요.",
		langJa: "自分で場面を作るなら ✏️ を押すか、場面をそのまま入力してください。",
	},
	"customButton": {langEn: "✏️ Custom", langKo: "✏️ 직접 만들기", langJa: "✏️ 自分で作る"},
	"sceneChosen":  {langEn: "Scene: %s", langKo: "장면: %s", langJa: "場面: %s"},
	"customChosen": {langEn: "Scene: your own", langKo: "장면: 직접 만들기", langJa: "場面: 自分で作る"},
	"goalsTitle":   {langEn: "<b>Goals</b>", langKo: "<b>목표</b>", langJa: "<b>目標</b>"},
	"allGoalsDone": {
		langEn: "🏁 All goals done! Send /end for your report, or play on.",
		langKo: "🏁 목표를 모두 달성했어요! /end 를 보내면 리포트를 받을 수 있어요. 계속 연기해도 돼요.",
		langJa: "🏁 目標をすべて達成しました！ /end を送るとレポートが届きます。続けて演じてもかまいません。",
	},
	"reportTitle":    {langEn: "<b>Report: %s</b>", langKo: "<b>리포트: %s</b>", langJa: "<b>レポート: %s</b>"},
	"reportMistakes": {langEn: "<b>Mistakes to work on</b>", langKo: "<b>고쳐 볼 실수</b>", langJa: "<b>直したい間違い</b>"},
	"reportWords":    {langEn: "<b>Words and phrases</b>", langKo: "<b>단어와 표현</b>", langJa: "<b>単語と表現</b>"},
	"reportNext":     {langEn: "<b>Practise next</b>", langKo: "<b>다음에 연습할 것</b>", langJa: "<b>次に練習すること</b>"},
	"reportFooter": {
		langEn: "Find it again with /reports. /reset plays the scene again.",
		langKo: "/reports 에서 다시 볼 수 있어요. /reset 으로 장면을 다시 할 수 있어요.",
		langJa: "/reports でまた見られます。/reset で場面をやり直せます。",
	},
	"reportsTitle": {langEn: "<b>Your reports</b> (newest first)", langKo: "<b>내 리포트</b> (최신순)", langJa: "<b>あなたのレポート</b>（新しい順）"},
	"noReports": {
		langEn: "No reports yet. Send /end in a room when a scene is done.",
		langKo: "아직 리포트가 없어요. 장면이 끝나면 방에서 /end 를 보내 주세요.",
		langJa: "まだレポートがありません。場面が終わったらルームで /end を送ってください。",
	},
	"errEmptyScene": {
		langEn: "Say something in the scene first: there is nothing to report yet.",
		langKo: "먼저 장면에서 대사를 말해 주세요. 아직 리포트할 내용이 없어요.",
		langJa: "まず場面で何か話してください。まだレポートする内容がありません。",
	},
	"errReportNotFound": {langEn: "That report was not found. See /reports.", langKo: "리포트를 찾을 수 없어요. /reports 를 확인해 주세요.", langJa: "レポートが見つかりません。/reports を確認してください。"},
	"cmdEnd":            {langEn: "End the scene: your report", langKo: "장면 끝내기: 리포트", langJa: "場面を終える: レポート"},
	"cmdReports":        {langEn: "Your past reports", langKo: "지난 리포트", langJa: "これまでのレポート"},
}

func init() {
	for k, v := range sceneCatalog {
		if _, dup := catalog[k]; dup {
			panic("telegram: catalog entry " + k + " defined twice")
		}
		catalog[k] = v
	}
}
