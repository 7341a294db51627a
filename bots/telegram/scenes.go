package telegram

import (
	"context"
	"strconv"
	"strings"

	"github.com/chatplay/chatplay/engine"
)

// scenesPerPage is how many scenarios one page of /new's scene keyboard
// offers (a button each, one per row).
const scenesPerPage = 6

// themeIcons mark a scenario's theme on its button.
var themeIcons = map[engine.Theme]string{
	engine.ThemeDaily: "☕", engine.ThemeTravel: "✈️", engine.ThemeWork: "💼",
	engine.ThemeSocial: "🎉", engine.ThemeHealth: "🩺", engine.ThemeShopping: "🛍",
}

// themeIcon returns the icon of theme t, a clapperboard for one without.
func themeIcon(t engine.Theme) string {
	if s, ok := themeIcons[t]; ok {
		return s
	}
	return "🎬"
}

// scenesFor returns the scenarios offered at level: those that suit it, or
// all of them when none does (or the level is not one the engine knows).
func (b *Bot) scenesFor(level string) []*engine.Scenario {
	if all, err := b.eng.ListScenarios(level, ""); err == nil && len(all) > 0 {
		return all
	}
	all, _ := b.eng.ListScenarios("", "")
	return all
}

// scenePages returns the number of pages of n scenarios.
func scenePages(n int) int { return max(1, (n+scenesPerPage-1)/scenesPerPage) }

// sceneText lists one page of scenarios in l: title and one-line
// description, then how to write one's own.
func sceneText(l lang, scenes []*engine.Scenario, page int) string {
	var sb strings.Builder
	sb.WriteString(l.t("askScene", page+1, scenePages(len(scenes))))
	for _, s := range pageOf(scenes, page) {
		t := s.In(string(l))
		sb.WriteString("\n\n" + themeIcon(s.Theme) + " <b>" + EscapeHTML(t.Title) + "</b>\n" + EscapeHTML(t.Description))
	}
	sb.WriteString("\n\n" + l.t("sceneOrCustom"))
	return sb.String()
}

// pageOf returns page (from 0) of scenes.
func pageOf(scenes []*engine.Scenario, page int) []*engine.Scenario {
	from := min(page*scenesPerPage, len(scenes))
	return scenes[from:min(from+scenesPerPage, len(scenes))]
}

// sceneKeyboard offers one page of scenes, a button each, then ◀ ▶ to the
// pages around it and ✏️ to write one's own scene.
func sceneKeyboard(l lang, scenes []*engine.Scenario, page int) *inlineKeyboard {
	var rows [][]inlineButton
	for _, s := range pageOf(scenes, page) {
		rows = append(rows, []inlineButton{button(themeIcon(s.Theme)+" "+shorten(s.Title.In(string(l)), 40), callback{verb: cbScene, arg: s.ID})})
	}
	var nav []inlineButton
	if page > 0 {
		nav = append(nav, button("◀", callback{verb: cbScenePage, arg: strconv.Itoa(page - 1)}))
	}
	if page+1 < scenePages(len(scenes)) {
		nav = append(nav, button("▶", callback{verb: cbScenePage, arg: strconv.Itoa(page + 1)}))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, []inlineButton{button(l.t("customButton"), callback{verb: cbCustom})})
	return &inlineKeyboard{InlineKeyboard: rows}
}

// askScene is the scene step of /new, after the language and the level: a
// page of the scenarios that suit the level, with a custom scene beside them.
func (b *Bot) askScene(ctx context.Context, req *request, w *wizard) {
	scenes := b.scenesFor(w.level)
	w.promptID = b.say(ctx, req, b.addressed(req, sceneText(req.lang, scenes, 0)), sceneKeyboard(req.lang, scenes, 0))
	w.step = "scenario"
	if w.promptID != 0 {
		b.wizards.put(req.chatID, req.from.ID, *w)
	}
}

// sceneWizard returns the presser's /new waiting for a scene, or says the
// step has expired and returns nil.
func (b *Bot) sceneWizard(ctx context.Context, req *request) *wizard {
	w := b.wizards.get(req.chatID, req.from.ID)
	if w == nil || w.room != 0 || w.step != "scenario" {
		b.say(ctx, req, req.lang.t("expired"), nil)
		return nil
	}
	return w
}

// turnScenePage shows another page of the scene step, in place.
func (b *Bot) turnScenePage(ctx context.Context, req *request, arg string) {
	w := b.sceneWizard(ctx, req)
	if w == nil {
		return
	}
	scenes := b.scenesFor(w.level)
	page, err := strconv.Atoi(arg)
	if err != nil || page < 0 || page >= scenePages(len(scenes)) {
		b.say(ctx, req, req.lang.t("expired"), nil)
		return
	}
	if err := b.edit(ctx, req.chatID, req.keyboardMsg, b.addressed(req, sceneText(req.lang, scenes, page)), sceneKeyboard(req.lang, scenes, page)); err != nil {
		b.log.Warn("telegram: edit scene page", "chat", req.chatID, "err", err)
	}
	b.wizards.put(req.chatID, req.from.ID, *w) // the wizard lives on while pages turn
}

// chooseScene makes the room from the scenario chosen, in the wizard's
// language and level, its texts in the user's own language, and starts it.
func (b *Bot) chooseScene(ctx context.Context, req *request, id string) {
	w := b.sceneWizard(ctx, req)
	if w == nil {
		return
	}
	s, err := b.eng.FindScenario(id)
	if err != nil {
		b.say(ctx, req, req.lang.t("expired"), nil)
		return
	}
	if err := b.edit(ctx, req.chatID, req.keyboardMsg, req.lang.t("sceneChosen", themeIcon(s.Theme)+" "+s.Title.In(string(req.lang))), nil); err != nil {
		b.log.Warn("telegram: edit scene question", "chat", req.chatID, "err", err)
	}
	w.scenario = s.ID
	b.wizards.drop(req.chatID, req.from.ID)
	b.createRoom(ctx, req, w.input(req.from.LanguageCode), w)
}

// chooseCustom leaves the scene step for the questions of a scene of one's own.
func (b *Bot) chooseCustom(ctx context.Context, req *request) {
	w := b.sceneWizard(ctx, req)
	if w == nil {
		return
	}
	if err := b.edit(ctx, req.chatID, req.keyboardMsg, req.lang.t("customChosen"), nil); err != nil {
		b.log.Warn("telegram: edit scene question", "chat", req.chatID, "err", err)
	}
	b.ask(ctx, req, w, "situation")
}

// goalsView is a room's goals as a checklist (☑ achieved, ☐ open), one a
// line; "" for a room without goals.
func goalsView(goals []engine.Goal) string {
	var sb strings.Builder
	for _, g := range goals {
		mark := "☐ "
		if g.Achieved {
			mark = "☑ "
		}
		sb.WriteString("\n" + mark + EscapeHTML(g.Text))
	}
	return sb.String()
}
