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
}

func init() {
	for k, v := range sceneCatalog {
		if _, dup := catalog[k]; dup {
			panic("telegram: catalog entry " + k + " defined twice")
		}
		catalog[k] = v
	}
}
