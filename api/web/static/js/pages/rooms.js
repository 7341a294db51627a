// The room list: enter, edit or delete each of the user's rooms.

import { api } from '../api.js';
import { h, alertBox, showAlert } from '../dom.js';
import { t, languageName, levelName, errorText } from '../i18n.js';

// roomName is what a room is called: its title, else its situation.
export function roomName(room) {
  return room.title || room.situation;
}

// roomCard is one room of the list.
function roomCard(room, onDeleted) {
  const box = alertBox();
  const actions = h('div', { class: 'card__actions' });
  const normal = [
    h('a', { href: `#/rooms/${room.id}`, class: 'btn btn--primary btn--small room-enter' }, t('rooms.enter')),
    h('a', { href: `#/rooms/${room.id}/edit`, class: 'btn btn--small room-edit' }, t('rooms.edit')),
    h('button', { type: 'button', class: 'btn btn--small btn--danger-ghost room-delete', on: { click: confirmDelete } }, t('rooms.delete')),
  ];
  actions.append(...normal);

  function confirmDelete() {
    actions.replaceChildren(
      h('span', { class: 'confirm-text' }, t('rooms.delete_confirm')),
      h('button', { type: 'button', class: 'btn btn--small btn--danger room-delete-yes', on: { click: doDelete } }, t('rooms.delete_yes')),
      h('button', { type: 'button', class: 'btn btn--small room-delete-no', on: { click: () => actions.replaceChildren(...normal) } }, t('common.cancel')));
    actions.querySelector('.room-delete-no').focus();
  }

  async function doDelete(e) {
    e.currentTarget.disabled = true;
    try {
      await api.deleteRoom(room.id);
      card.remove();
      onDeleted();
    } catch (err) {
      showAlert(box, errorText(err));
      actions.replaceChildren(...normal);
    }
  }

  const card = h('li', { class: 'card room-card', dataset: { roomId: String(room.id) } },
    h('div', { class: 'card__head' },
      h('h2', { class: 'card__title room-title' }, h('a', { href: `#/rooms/${room.id}` }, roomName(room))),
      h('span', { class: 'card__badges' },
        h('span', { class: 'badge' }, languageName(room.language)),
        room.level ? h('span', { class: 'badge badge--level room-level', title: levelName(room.level) }, room.level) : null)),
    room.title ? h('p', { class: 'card__text room-situation' }, room.situation) : null,
    h('p', { class: 'roles' },
      h('span', { class: 'role role--user' }, t('room.you'), h('strong', {}, room.user_role)),
      h('span', { class: 'role role--bot' }, t('room.bot'), h('strong', {}, room.bot_role))),
    actions,
    box);
  return card;
}

// roomsPage lists the user's rooms, newest first, a page at a time.
export async function roomsPage(root, params, signal) {
  document.title = t('rooms.title') + ' · chatplay';
  const list = h('ul', { class: 'cards', id: 'room-list', 'aria-busy': 'true' });
  const empty = h('div', { class: 'empty', id: 'rooms-empty', hidden: true },
    h('p', {}, t('rooms.empty')),
    h('a', { href: '#/rooms/new', class: 'btn btn--primary' }, t('rooms.create_first')));
  const box = alertBox();
  const more = h('button', { type: 'button', class: 'btn btn--block', id: 'rooms-more', hidden: true, on: { click: () => load(more.dataset.cursor) } }, t('rooms.more'));
  root.append(h('section', { class: 'page' },
    h('div', { class: 'page__head' },
      h('h1', { id: 'page-title' }, t('rooms.title')),
      h('a', { href: '#/rooms/new', class: 'btn btn--primary', id: 'rooms-new' }, '+ ', t('nav.new_room'))),
    box, list, empty, more));

  const updateEmpty = () => { empty.hidden = list.children.length > 0; };
  async function load(cursor) {
    more.disabled = true;
    try {
      const page = await api.listRooms(cursor, { signal });
      for (const room of page.rooms) list.append(roomCard(room, updateEmpty));
      more.dataset.cursor = page.next_cursor || '';
      more.hidden = !page.next_cursor;
      updateEmpty();
    } catch (err) {
      if (!signal.aborted) showAlert(box, errorText(err));
    } finally {
      more.disabled = false;
      list.setAttribute('aria-busy', 'false');
    }
  }
  await load('');
}
