// The pieces of the chat page: the room's header and the messages.

import { h } from '../dom.js';
import { t, languageName, errorText } from '../i18n.js';
import { roomName } from './rooms.js';

// roomHeader shows what a room is: always its language, situation (as the
// title when it has none) and both roles.
export function roomHeader(room, toolbar) {
  return h('section', { class: 'roominfo', id: 'room-info' },
    h('div', { class: 'roominfo__top' },
      h('h1', { class: 'roominfo__title', id: 'room-name'}, roomName(room)),
      h('span', { class: 'badge', id: 'room-language' }, languageName(room.language))),
    room.title ? h('p', { class: 'roominfo__situation', id: 'room-situation' }, room.situation) : null,
    h('p', { class: 'roles' },
      h('span', { class: 'role role--user' }, t('room.you'), h('strong', { id: 'room-user-role' }, room.user_role)),
      h('span', { class: 'role role--bot' }, t('room.bot'), h('strong', { id: 'room-bot-role' }, room.bot_role))),
    toolbar);
}

// messageView is one message on the page; update() shows a new state of it.
export class MessageView {
  constructor(msg, room) {
    this.msg = msg;
    this.text = document.createTextNode('');
    this.body = h('div', { class: 'msg__text', lang: room.language }, this.text);
    this.status = h('div', { class: 'msg__status', hidden: true });
    const who = msg.role === 'user' ? room.user_role : room.bot_role;
    this.el = h('li', { class: 'msg msg--' + msg.role },
      h('div', { class: 'msg__who' }, who),
      this.body,
      this.status);
    this.update(msg);
  }

  // update shows msg: its text, and whether it is being written or failed.
  update(msg) {
    this.msg = msg;
    if (msg.id) this.el.dataset.id = String(msg.id);
    this.el.dataset.status = msg.status;
    this.text.data = msg.content || '';
    this.el.classList.toggle('msg--pending', msg.status === 'pending');
    this.el.classList.toggle('msg--failed', msg.status === 'failed');
    this.el.classList.toggle('msg--sending', msg.status === 'sending');
    this.body.hidden = msg.status === 'failed' && !msg.content;
    this.status.replaceChildren();
    this.status.hidden = true;
    if (msg.status === 'failed') {
      this.status.hidden = false;
      const reason = msg.error_code ? errorText({ code: msg.error_code }) : t('chat.failed');
      this.status.append(h('span', { class: 'msg__error' }, '⚠ ', t('chat.failed'), ' ', reason));
    }
  }

  // appendText adds a streamed piece of the reply.
  appendText(piece) {
    this.msg.content = (this.msg.content || '') + piece;
    this.body.hidden = false;
    this.text.appendData(piece);
  }

  // setRetry shows (with a handler) or hides (null) the retry button of a failed reply.
  setRetry(onRetry) {
    this.status.querySelector('.msg__retry')?.remove();
    if (onRetry && this.msg.status === 'failed') {
      this.status.append(h('button', { type: 'button', class: 'btn btn--small msg__retry', on: { click: onRetry } }, t('chat.retry')));
    }
  }
}

// emptyScene is shown in a room with no conversation yet.
export function emptyScene(room, onOpen) {
  return h('div', { class: 'empty empty--chat', id: 'chat-empty' },
    h('p', {}, t('chat.empty', { bot: room.bot_role })),
    h('button', { type: 'button', class: 'btn btn--primary', id: 'open-scene', on: { click: onOpen } }, t('chat.open')));
}
