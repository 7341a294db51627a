// The pieces of the chat page: the room's header and the messages.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, lang, languageName, levelName, errorText } from '../i18n.js';
import { roomName } from './rooms.js';
import { FeedbackView } from './feedback.js';
import { SOURCE_MARKS, sourceLabel } from '../sources.js';

// roomHeader shows what a room is: always its language, situation (as the
// title when it has none) and both roles.
export function roomHeader(room, toolbar) {
  return h('section', { class: 'roominfo', id: 'room-info' },
    h('div', { class: 'roominfo__top' },
      h('h1', { class: 'roominfo__title', id: 'room-name'}, roomName(room)),
      h('span', { class: 'badge', id: 'room-language' }, languageName(room.language)),
      h('span', { class: 'badge badge--level', id: 'room-info-level', title: levelName(room.level) }, room.level),
      h('span', { class: 'badge badge--quiet', id: 'room-info-feedback', dataset: { mode: feedbackMode(room) } }, t('room.feedback_' + feedbackMode(room)))),
    room.title ? h('p', { class: 'roominfo__situation', id: 'room-situation' }, room.situation) : null,
    h('p', { class: 'roles' },
      h('span', { class: 'role role--user' }, t('room.you'), h('strong', { id: 'room-user-role' }, room.user_role)),
      h('span', { class: 'role role--bot' }, t('room.bot'), h('strong', { id: 'room-bot-role' }, room.bot_role))),
    toolbar);
}

// feedbackMode is how a room's corrections show: on, hidden (behind the
// marker, never opened by itself) or off.
export function feedbackMode(room) {
  if (!room.feedback) return 'off';
  return room.feedback_hidden ? 'hidden' : 'on';
}

// MessageView is one message on the page; update() shows a new state of it.
// A learner's line carries the coach's feedback marker; a complete bot line
// a Translate action that shows the line in the interface language under it.
export class MessageView {
  constructor(msg, room) {
    this.msg = msg;
    this.room = room;
    this.text = document.createTextNode('');
    this.body = h('div', { class: 'msg__text', lang: room.language }, this.text);
    this.status = h('div', { class: 'msg__status', hidden: true });
    const who = msg.role === 'user' ? room.user_role : room.bot_role;
    this.feedback = msg.role === 'user' ? new FeedbackView(room.language, !!room.feedback_hidden) : null;
    this.tools = null;
    this.translation = null;
    if (msg.role === 'assistant') {
      this.translateButton = h('button', { type: 'button', class: 'msg__action msg__translate', 'aria-expanded': 'false', on: { click: () => this.toggleTranslation() } }, '⇄ ', t('chat.translate'));
      this.tools = h('div', { class: 'msg__tools', hidden: true }, this.translateButton);
      this.translation = h('p', { class: 'msg__translation', hidden: true });
    }
    this.source = h('span', { class: 'msg__source', role: 'img', hidden: true });
    this.el = h('li', { class: 'msg msg--' + msg.role },
      h('div', { class: 'msg__head' }, h('span', { class: 'msg__who' }, who), this.source),
      this.body,
      this.translation,
      this.feedback?.el,
      this.tools,
      this.status);
    this.update(msg);
  }

  // update shows msg: its text, whether it is being written or failed, and
  // its feedback.
  update(msg) {
    if (this.msg.id && msg.id === this.msg.id && msg.feedback === undefined && this.msg.feedback !== undefined) {
      msg = { ...msg, feedback: this.msg.feedback }; // an event without feedback keeps what is known
    }
    this.msg = msg;
    if (msg.id) this.el.dataset.id = String(msg.id);
    this.el.dataset.status = msg.status;
    this.text.data = msg.content || '';
    this.el.classList.toggle('msg--pending', msg.status === 'pending');
    this.el.classList.toggle('msg--failed', msg.status === 'failed');
    this.el.classList.toggle('msg--sending', msg.status === 'sending');
    this.body.hidden = msg.status === 'failed' && !msg.content;
    // The status line is built again only when it changes: the same reply
    // arrives from this page's stream and from the room's live events, and
    // its retry button must stay the node the learner is about to click.
    const statusKey = `${msg.status}|${msg.error_code || ''}`;
    if (statusKey !== this.statusKey) {
      this.statusKey = statusKey;
      this.status.replaceChildren();
      this.status.hidden = true;
      if (msg.status === 'failed') {
        this.status.hidden = false;
        const reason = msg.error_code ? errorText({ code: msg.error_code }) : t('chat.failed');
        this.status.append(h('span', { class: 'msg__error' }, '⚠ ', t('chat.failed'), ' ', reason));
      }
    }
    this.feedback?.update(msg.feedback, msg.content);
    this.showSource(msg.source || (msg.status === 'sending' ? 'web' : ''));
    if (this.tools) this.tools.hidden = !(msg.id && msg.status === 'complete' && msg.content);
  }

  // showSource marks where the message came from (web, telegram, discord)
  // with a small sign, named for the mouse and for screen readers.
  showSource(source) {
    const label = sourceLabel(source);
    this.source.hidden = !label;
    this.source.textContent = label ? SOURCE_MARKS[source] : '';
    this.source.title = label;
    this.source.dataset.source = source;
    if (label) this.source.setAttribute('aria-label', label);
    else this.source.removeAttribute('aria-label');
  }

  // setFeedback shows new feedback of this (user) message.
  setFeedback(fb) {
    this.msg = { ...this.msg, feedback: fb };
    this.feedback?.update(fb, this.msg.content);
  }

  // appendText adds a streamed piece of the reply.
  appendText(piece) {
    this.msg.content = (this.msg.content || '') + piece;
    this.body.hidden = false;
    this.text.appendData(piece);
  }

  // toggleTranslation shows the line's translation into the interface
  // language (asked once, then kept), or hides it.
  async toggleTranslation() {
    const button = this.translateButton;
    if (!this.translation.hidden) {
      this.translation.hidden = true;
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    const want = lang();
    if (this.translation.dataset.language !== want) {
      button.disabled = true;
      this.translation.classList.add('msg__translation--loading');
      this.translation.textContent = t('chat.translating');
      this.translation.removeAttribute('lang');
      this.translation.hidden = false;
      try {
        const { translation } = await api.translate(this.room.id, this.msg.id, want);
        this.translation.textContent = translation.text;
        this.translation.lang = translation.language;
        this.translation.dataset.language = want;
      } catch (err) {
        this.translation.textContent = errorText(err);
        delete this.translation.dataset.language;
      } finally {
        button.disabled = false;
        this.translation.classList.remove('msg__translation--loading');
      }
    }
    this.translation.hidden = false;
    button.setAttribute('aria-expanded', 'true');
  }

  // setRetry shows (with a handler) or hides (null) the retry button of a failed reply.
  // A button already shown stays (with the new handler).
  setRetry(onRetry) {
    const button = this.status.querySelector('.msg__retry');
    if (!onRetry || this.msg.status !== 'failed') {
      button?.remove();
      return;
    }
    this.onRetry = onRetry;
    if (!button) {
      this.status.append(h('button', { type: 'button', class: 'btn btn--small msg__retry', on: { click: () => this.onRetry() } }, t('chat.retry')));
    }
  }
}

// emptyScene is shown in a room with no conversation yet.
export function emptyScene(room, onOpen) {
  return h('div', { class: 'empty empty--chat', id: 'chat-empty' },
    h('p', {}, t('chat.empty', { bot: room.bot_role })),
    h('button', { type: 'button', class: 'btn btn--primary', id: 'open-scene', on: { click: onOpen } }, t('chat.open')));
}
