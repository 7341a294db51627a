// The scenario gallery: the first choice on "New room". Ready scenes,
// filtered by level and theme; a card starts a room from its scenario in one
// step (language and level chosen on the card). The custom form is one click
// away.

import { api, meta } from '../api.js';
import { h, alertBox, showAlert } from '../dom.js';
import { t, lang, languageName, levelName, errorText, has } from '../i18n.js';
import { go } from '../router.js';

// THEMES are the scenario themes, in the gallery's order.
const THEMES = ['daily', 'travel', 'work', 'social', 'health', 'shopping'];

// LANGUAGE_KEY remembers the language the learner last practised.
const LANGUAGE_KEY = 'chatplay.practice_language';

// themeName is a theme in the interface language.
function themeName(theme) {
  return has('theme.' + theme) ? t('theme.' + theme) : theme;
}

function lastLanguage(languages) {
  let saved = null;
  try {
    saved = localStorage.getItem(LANGUAGE_KEY);
  } catch {
    // storage may be disabled
  }
  if (saved && languages.includes(saved)) return saved;
  // Practising the interface's own language is rare: the first other one.
  return languages.find((code) => code !== lang()) || languages[0];
}

// scenarioCard is one scenario: what it is, its goals and levels, and the
// choice of language and level that starts it.
function scenarioCard(s, { languages, levels, level: wanted }) {
  const box = alertBox();
  const language = h('select', { class: 'scenario-language', 'aria-label': t('field.language') },
    languages.map((code) => h('option', { value: code, selected: code === lastLanguage(languages) }, languageName(code))));
  const fit = wanted && s.levels.includes(wanted) ? wanted : s.levels[Math.floor((s.levels.length - 1) / 2)];
  const level = h('select', { class: 'scenario-level', 'aria-label': t('field.level') },
    levels.map((code) => h('option', { value: code, selected: code === fit }, levelName(code))));
  const start = h('button', { type: 'submit', class: 'btn btn--primary btn--small scenario-start' }, t('scenarios.start'));
  const form = h('form', { class: 'scenario-form' }, language, level, start);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    start.disabled = true;
    showAlert(box, '');
    try {
      try {
        localStorage.setItem(LANGUAGE_KEY, language.value);
      } catch {
        // not remembered: the next card asks again
      }
      const res = await api.createRoom({ scenario_id: s.id, language: language.value, level: level.value });
      go(`/rooms/${res.room.id}`, { replace: true });
    } catch (err) {
      showAlert(box, errorText(err));
      start.disabled = false;
    }
  });
  return h('li', { class: 'card scenario-card', dataset: { scenarioId: s.id, theme: s.theme } },
    h('div', { class: 'card__head' },
      h('h2', { class: 'card__title scenario-title' }, s.title),
      h('span', { class: 'badge badge--quiet scenario-theme' }, themeName(s.theme))),
    h('p', { class: 'card__text scenario-description' }, s.description),
    h('p', { class: 'roles' },
      h('span', { class: 'role role--user' }, t('room.you'), h('strong', {}, s.user_role)),
      h('span', { class: 'role role--bot' }, t('room.bot'), h('strong', {}, s.bot_role))),
    h('ul', { class: 'goals goals--plain scenario-goals', 'aria-label': t('goals.title') },
      s.goals.map((g) => h('li', { class: 'goal' }, h('span', { class: 'goal__mark', 'aria-hidden': 'true' }, '◎'), g))),
    h('p', { class: 'scenario-levels' },
      s.levels.map((l) => h('span', { class: 'badge badge--level', title: levelName(l) }, l))),
    form,
    box);
}

// scenariosPage is the gallery, at #/rooms/new.
export async function scenariosPage(root, params, signal) {
  document.title = t('scenarios.title') + ' · chatplay';
  const limits = await meta();
  if (signal?.aborted) return;
  const levelFilter = h('select', { id: 'scenario-filter-level', 'aria-label': t('scenarios.filter_level') },
    h('option', { value: '' }, t('scenarios.any_level')),
    limits.levels.map((code) => h('option', { value: code }, levelName(code))));
  const themeFilter = h('select', { id: 'scenario-filter-theme', 'aria-label': t('scenarios.filter_theme') },
    h('option', { value: '' }, t('scenarios.any_theme')),
    THEMES.map((code) => h('option', { value: code }, themeName(code))));
  const list = h('ul', { class: 'cards scenarios', id: 'scenario-list', 'aria-busy': 'true' });
  const empty = h('p', { class: 'empty', id: 'scenarios-empty', hidden: true }, t('scenarios.none'));
  const box = alertBox();
  root.append(h('section', { class: 'page' },
    h('div', { class: 'page__head' },
      h('h1', { id: 'page-title' }, t('scenarios.title')),
      h('a', { href: '#/rooms/new/custom', class: 'btn', id: 'scenarios-custom' }, '✎ ', t('scenarios.custom'))),
    h('p', { class: 'lead' }, t('scenarios.lead')),
    h('div', { class: 'filters', id: 'scenario-filters' },
      h('label', {}, t('scenarios.filter_level'), levelFilter),
      h('label', {}, t('scenarios.filter_theme'), themeFilter)),
    box, list, empty));

  let asked = 0; // the newest request: an older answer never replaces it
  async function load() {
    const mine = ++asked;
    list.setAttribute('aria-busy', 'true');
    try {
      const res = await api.listScenarios({ level: levelFilter.value, theme: themeFilter.value, locale: lang() }, { signal });
      if (mine !== asked) return;
      const level = levelFilter.value;
      list.replaceChildren(...res.scenarios.map((s) => scenarioCard(s, { ...limits, level })));
      empty.hidden = res.scenarios.length > 0;
      showAlert(box, '');
    } catch (err) {
      if (!signal.aborted && mine === asked) showAlert(box, errorText(err));
    } finally {
      if (mine === asked) list.setAttribute('aria-busy', 'false');
    }
  }
  levelFilter.addEventListener('change', load);
  themeFilter.addEventListener('change', load);
  await load();
}
