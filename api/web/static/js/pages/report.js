// The end-of-scene report, and the list of past reports. Everything in a
// report was written by the model: it goes into the page as text only.

import { api } from '../api.js';
import { h, alertBox, showAlert } from '../dom.js';
import { t, lang, errorText, has } from '../i18n.js';

// when is a date and time in the interface language.
function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(lang(), { dateStyle: 'medium', timeStyle: 'short' });
}

// kindName is a mistake's kind in the interface language.
function kindName(kind) {
  return has('feedback.kind.' + kind) ? t('feedback.kind.' + kind) : kind;
}

// part is a titled part of the report, left out when it has nothing.
function part(id, title, body) {
  return h('section', { class: 'report__part', id }, h('h2', {}, title), body);
}

// reportView is the whole report.
function reportView(r) {
  const achieved = r.goals.filter((g) => g.achieved).length;
  return h('article', { class: 'report', id: 'report', dataset: { reportId: String(r.id) } },
    h('div', { class: 'page__head' },
      h('h1', { id: 'page-title' }, t('report.title')),
      r.room_id ? h('a', { href: `#/rooms/${r.room_id}`, class: 'btn btn--small', id: 'report-room' }, t('report.back_to_room')) : null),
    h('p', { class: 'report__meta' },
      h('strong', { id: 'report-scene' }, r.scene), ' · ', h('time', { datetime: r.created_at }, when(r.created_at))),
    h('p', { class: 'report__summary', id: 'report-summary' }, r.summary),
    r.goals.length ? part('report-goals', t('report.goals', { done: achieved, total: r.goals.length }),
      h('ul', { class: 'goals' }, r.goals.map((g) => h('li', { class: 'goal' + (g.achieved ? ' goal--done' : ' goal--missed'), dataset: { achieved: String(g.achieved) } },
        h('span', { class: 'goal__mark', 'aria-hidden': 'true' }, g.achieved ? '✓' : '✗'),
        h('span', { class: 'goal__text' }, g.text),
        h('span', { class: 'sr-only' }, g.achieved ? t('goals.achieved') : t('goals.missed')))))) : null,
    part('report-mistakes', t('report.mistakes'), r.mistakes.length
      ? h('ul', { class: 'report__mistakes' }, r.mistakes.map((m) => h('li', { class: 'mistake' },
        h('span', { class: 'badge badge--quiet mistake__kind' }, kindName(m.kind)),
        h('p', { class: 'mistake__pair' },
          h('del', { class: 'mistake__original' }, m.original), ' → ', h('ins', { class: 'mistake__better' }, m.better)),
        h('p', { class: 'mistake__why' }, m.explanation))))
      : h('p', { class: 'hint' }, t('report.no_mistakes'))),
    r.vocabulary.length ? part('report-words', t('report.words'), wordTable(r.vocabulary, false)) : null,
    r.next_steps.length ? part('report-next', t('report.next_steps'),
      h('ul', { class: 'report__next' }, r.next_steps.map((s) => h('li', {}, s)))) : null,
    h('p', { class: 'actions' },
      h('a', { href: '#/vocabulary', class: 'btn', id: 'report-vocabulary' }, t('nav.vocabulary')),
      h('a', { href: '#/reports', class: 'btn btn--ghost', id: 'report-all' }, t('reports.title'))));
}

// wordTable is a table of words: term, meaning, example (and the scene).
export function wordTable(words, withScene) {
  return h('table', { class: 'words' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('vocabulary.term')),
      h('th', { scope: 'col' }, t('vocabulary.meaning')),
      h('th', { scope: 'col' }, t('vocabulary.example')),
      withScene ? h('th', { scope: 'col' }, t('vocabulary.scene')) : null)),
    h('tbody', {}, words.map((w) => wordRow(w, withScene))));
}

// wordRow is one word of a wordTable.
export function wordRow(w, withScene) {
  return h('tr', { class: 'word' },
    h('td', { class: 'word__term' }, w.term),
    h('td', { class: 'word__meaning' }, w.meaning),
    h('td', { class: 'word__example' }, w.example),
    withScene ? h('td', { class: 'word__scene' }, h('a', { href: `#/reports/${w.report_id}` }, w.scene)) : null);
}

// reportPage shows report params.id.
export async function reportPage(root, params, signal) {
  document.title = t('report.title') + ' · chatplay';
  const section = h('section', { class: 'page page--report' });
  root.append(section);
  try {
    const res = await api.getReport(params.id, { signal });
    section.append(reportView(res.report));
    document.title = res.report.scene + ' · ' + t('report.title') + ' · chatplay';
  } catch (err) {
    if (signal.aborted) return;
    section.append(h('p', { class: 'alert', role: 'alert', id: 'report-error' }, err.code === 'not_found' ? t('report.not_found') : errorText(err)),
      h('a', { href: '#/reports', class: 'btn' }, t('reports.title')));
  }
}

// reportsPage lists the learner's reports, newest first, a page at a time.
export async function reportsPage(root, params, signal) {
  document.title = t('reports.title') + ' · chatplay';
  const list = h('ul', { class: 'cards', id: 'report-list', 'aria-busy': 'true' });
  const empty = h('p', { class: 'empty', id: 'reports-empty', hidden: true }, t('reports.empty'));
  const box = alertBox();
  const more = h('button', { type: 'button', class: 'btn btn--block', id: 'reports-more', hidden: true, on: { click: () => load(more.dataset.cursor) } }, t('reports.more'));
  root.append(h('section', { class: 'page' },
    h('div', { class: 'page__head' }, h('h1', { id: 'page-title' }, t('reports.title'))),
    box, list, empty, more));
  async function load(cursor) {
    more.disabled = true;
    try {
      const page = await api.listReports(cursor, { signal });
      for (const r of page.reports) {
        const achieved = r.goals.filter((g) => g.achieved).length;
        list.append(h('li', { class: 'card report-card', dataset: { reportId: String(r.id) } },
          h('div', { class: 'card__head' },
            h('h2', { class: 'card__title' }, h('a', { href: `#/reports/${r.id}` }, r.scene)),
            r.goals.length ? h('span', { class: 'badge badge--quiet' }, t('report.goals', { done: achieved, total: r.goals.length })) : null),
          h('p', { class: 'hint' }, when(r.created_at)),
          h('p', { class: 'card__text' }, r.summary)));
      }
      more.dataset.cursor = page.next_cursor || '';
      more.hidden = !page.next_cursor;
      empty.hidden = list.children.length > 0;
    } catch (err) {
      if (!signal.aborted) showAlert(box, errorText(err));
    } finally {
      more.disabled = false;
      list.setAttribute('aria-busy', 'false');
    }
  }
  await load('');
}
