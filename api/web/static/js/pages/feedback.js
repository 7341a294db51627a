// The coach's feedback on a learner's line: a quiet marker under the line
// (✓ fine, ✎ has feedback, … being checked) that opens the correction, with
// what changed highlighted and the explanations. Everything the model wrote
// goes into the page as text.

import { h } from '../dom.js';
import { t, has } from '../i18n.js';
import { diffWords } from '../diff.js';

// feedbackState names what a line's feedback amounts to: none (feedback is
// off), pending, fine, corrected or unavailable.
export function feedbackState(fb, content) {
  if (!fb) return 'none';
  if (fb.status === 'pending') return 'pending';
  if (fb.status !== 'ready') return 'unavailable';
  const items = fb.items || [];
  return items.length > 0 || (fb.corrected && fb.corrected !== content) ? 'corrected' : 'fine';
}

// MARKS are the marker's sign per state.
const MARKS = { pending: '…', fine: '✓', corrected: '✎', unavailable: '–', hidden: '✍' };

// FeedbackView is the marker and panel of one user message.
export class FeedbackView {
  // hidden: the room keeps its feedback behind the marker, which then does
  // not tell a fine line from a corrected one before it is opened.
  constructor(lang, hidden) {
    this.lang = lang;
    this.hidden = hidden;
    this.fb = null;
    this.content = '';
    this.marker = h('button', { type: 'button', class: 'fb-marker', 'aria-expanded': 'false', on: { click: () => this.toggle() } });
    this.panel = h('div', { class: 'fb-panel', hidden: true });
    this.el = h('div', { class: 'fb', hidden: true }, this.marker, this.panel);
  }

  // update shows the feedback fb (null: none) of the line content.
  update(fb, content) {
    this.fb = fb || null;
    this.content = content || '';
    const state = feedbackState(this.fb, this.content);
    this.el.hidden = state === 'none';
    this.el.dataset.state = state;
    const shown = this.hidden && (state === 'fine' || state === 'corrected') ? 'hidden' : state;
    this.marker.dataset.state = shown;
    this.marker.replaceChildren(h('span', { class: 'fb-marker__sign', 'aria-hidden': 'true' }, MARKS[shown] || ''), ' ', t('feedback.' + shown));
    this.marker.disabled = state === 'pending';
    if (!this.panel.hidden) this.draw();
    if (state === 'pending' || state === 'none') this.close();
  }

  toggle() {
    if (this.panel.hidden) this.open();
    else this.close();
  }

  open() {
    this.draw();
    this.panel.hidden = false;
    this.marker.setAttribute('aria-expanded', 'true');
  }

  close() {
    this.panel.hidden = true;
    this.marker.setAttribute('aria-expanded', 'false');
  }

  // draw fills the panel from the feedback.
  draw() {
    const fb = this.fb;
    const state = feedbackState(fb, this.content);
    const parts = [];
    if (state === 'unavailable') {
      parts.push(h('p', { class: 'fb-panel__note' }, t('feedback.unavailable_text')));
    }
    if (state === 'corrected' && fb.corrected && fb.corrected !== this.content) {
      parts.push(diffLines(this.content, fb.corrected, this.lang));
    }
    if (state === 'fine') {
      parts.push(h('p', { class: 'fb-panel__fine' }, '✓ ', t('feedback.fine_text')));
    }
    if (fb?.note) parts.push(h('p', { class: 'fb-panel__note' }, fb.note));
    const items = state === 'corrected' ? fb.items || [] : [];
    if (items.length > 0) {
      parts.push(h('ul', { class: 'fb-items' }, items.map((it) => h('li', { class: 'fb-item' },
        h('span', { class: 'fb-item__kind' }, kindName(it.kind)),
        h('span', { class: 'fb-item__change' },
          h('span', { class: 'fb-item__original', lang: this.lang }, it.original || ''),
          ' → ',
          h('span', { class: 'fb-item__better', lang: this.lang }, it.better || '')),
        it.explanation ? h('span', { class: 'fb-item__why' }, it.explanation) : null))));
    }
    this.panel.replaceChildren(...parts);
  }
}

// kindName names an issue kind (grammar, vocabulary, …) in the interface language.
function kindName(kind) {
  return has('feedback.kind.' + kind) ? t('feedback.kind.' + kind) : String(kind || '');
}

// diffLines shows the line as written with the removed words struck out, and
// the corrected line with the new words marked.
function diffLines(line, corrected, lang) {
  const parts = diffWords(line, corrected);
  const yours = h('p', { class: 'fb-diff__line fb-diff__yours', lang },
    parts.filter((p) => p.op !== 'ins').map((p) => (p.op === 'del' ? h('del', {}, p.text) : p.text)));
  const better = h('p', { class: 'fb-diff__line fb-diff__better', lang },
    parts.filter((p) => p.op !== 'del').map((p) => (p.op === 'ins' ? h('ins', {}, p.text) : p.text)));
  return h('div', { class: 'fb-diff' },
    h('span', { class: 'fb-diff__label' }, t('feedback.yours')), yours,
    h('span', { class: 'fb-diff__label' }, t('feedback.better')), better);
}
