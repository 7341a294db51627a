// The learner's vocabulary list: the words of all their reports, newest
// first, each with the scene it came from, and the whole list as a file for
// Anki.

import { api, request, errorOf } from '../api.js';
import { h, alertBox, showAlert } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { wordTable, wordRow } from './report.js';

const TSV = '/api/v1/vocabulary?format=tsv';
const FILE = 'chatplay-vocabulary.tsv';

// download saves the TSV file through the API client, so that an expired
// access token is refreshed first (a plain link would get a 401 then).
async function download(e) {
  e.preventDefault();
  const link = e.currentTarget;
  const box = link.closest('.page').querySelector('.alert');
  try {
    const res = await request('GET', '/vocabulary?format=tsv', undefined, { accept: 'text/tab-separated-values' });
    if (!res.ok) throw await errorOf(res);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = FILE;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  } catch (err) {
    showAlert(box, errorText(err));
  }
}

// vocabularyPage shows the list a page at a time.
export async function vocabularyPage(root, params, signal) {
  document.title = t('vocabulary.title') + ' · chatplay';
  const table = wordTable([], true);
  table.id = 'vocabulary-table';
  table.hidden = true;
  const body = table.querySelector('tbody');
  const empty = h('p', { class: 'empty', id: 'vocabulary-empty', hidden: true }, t('vocabulary.empty'));
  const box = alertBox();
  const more = h('button', { type: 'button', class: 'btn btn--block', id: 'vocabulary-more', hidden: true, on: { click: () => load(more.dataset.cursor) } }, t('vocabulary.more'));
  root.append(h('section', { class: 'page' },
    h('div', { class: 'page__head' },
      h('h1', { id: 'page-title' }, t('vocabulary.title')),
      h('a', { href: TSV, class: 'btn', id: 'vocabulary-tsv', download: FILE, on: { click: download } }, '⤓ ', t('vocabulary.download'))),
    h('p', { class: 'hint' }, t('vocabulary.anki_hint')),
    box, table, empty, more));
  async function load(cursor) {
    more.disabled = true;
    try {
      const page = await api.listVocabulary(cursor, { signal });
      for (const w of page.vocabulary) body.append(wordRow(w, true));
      more.dataset.cursor = page.next_cursor || '';
      more.hidden = !page.next_cursor;
      table.hidden = body.children.length === 0;
      empty.hidden = !table.hidden;
    } catch (err) {
      if (!signal.aborted) showAlert(box, errorText(err));
    } finally {
      more.disabled = false;
    }
  }
  await load('');
}
