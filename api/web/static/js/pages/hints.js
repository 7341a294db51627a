// The hint box of the chat page: "what could I say next?" One or two lines
// for the learner's role, each with its translation; a click puts one in the
// input. Everything the model wrote goes into the page as text.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, lang, errorText } from '../i18n.js';

// Hints are the Hint button and the box of lines above the input of one
// room's chat. onUse(text) takes a chosen line; onError(text) shows why the
// hint failed; onBusy() is called when asking starts or ends.
export class Hints {
  constructor(room, { onUse, onError, onBusy }) {
    this.room = room;
    this.onUse = onUse;
    this.onError = onError;
    this.onBusy = onBusy;
    this.asking = false;
    this.button = h('button', { type: 'button', class: 'btn btn--ghost composer__hint', id: 'chat-hint', title: t('chat.hint_help'), on: { click: () => this.toggle() } }, '✦ ', t('chat.hint'));
    this.box = h('div', { class: 'hints', id: 'hints', hidden: true });
  }

  // toggle asks for lines and offers them, or closes the box.
  async toggle() {
    const { signal } = this;
    if (!this.box.hidden) {
      this.close();
      return;
    }
    this.asking = true;
    this.onBusy();
    this.onError('');
    this.box.replaceChildren(h('p', { class: 'hints__loading' }, t('chat.hint_loading')));
    this.box.hidden = false;
    try {
      const { hint } = await api.hint(this.room.id, lang());
      if (signal?.aborted) return;
      const lines = (hint.lines || []).map((line) => h('li', {},
        h('button', { type: 'button', class: 'hint-line', on: { click: () => this.use(line.text) } },
          h('span', { class: 'hint-line__text', lang: this.room.language }, line.text),
          line.translation ? h('span', { class: 'hint-line__translation' }, line.translation) : null)));
      this.box.replaceChildren(
        h('div', { class: 'hints__head' },
          h('span', { class: 'hints__title' }, t('chat.hint_title')),
          h('button', { type: 'button', class: 'btn btn--ghost btn--small', id: 'hints-close', 'aria-label': t('chat.hint_close'), on: { click: () => this.close() } }, '×')),
        lines.length ? h('ul', { class: 'hints__lines' }, lines) : h('p', { class: 'hints__loading' }, t('chat.hint_none')));
    } catch (err) {
      if (signal?.aborted) return;
      this.close();
      this.onError(errorText(err));
    } finally {
      this.asking = false;
      if (!signal?.aborted) this.onBusy();
    }
  }

  // use hands a chosen line over and closes the box.
  use(text) {
    this.close();
    this.onUse(text);
  }

  close() {
    this.box.hidden = true;
    this.box.replaceChildren();
  }
}
