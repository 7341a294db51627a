// The main page, and the page of an unknown route.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { currentUser } from '../session.js';

// homePage introduces chatplay and leads to sign-up, login or the rooms.
export function homePage(root) {
  document.title = 'chatplay';
  const user = currentUser();
  const actions = user
    ? [h('a', { href: '#/rooms', class: 'btn btn--primary', id: 'home-rooms' }, t('home.my_rooms')),
      h('a', { href: '#/rooms/new', class: 'btn' }, t('nav.new_room'))]
    : [h('a', { href: '#/register', class: 'btn btn--primary', id: 'home-register' }, t('home.start')),
      h('a', { href: '#/login', class: 'btn', id: 'home-login' }, t('nav.login'))];
  root.append(
    h('section', { class: 'hero' },
      h('h1', { class: 'hero__title' }, t('home.title')),
      h('p', { class: 'hero__lead' }, t('home.lead')),
      h('div', { class: 'actions' }, actions)),
    h('ol', { class: 'steps' },
      [1, 2, 3].map((n) => h('li', { class: 'step' },
        h('span', { class: 'step__n', 'aria-hidden': 'true' }, String(n)),
        h('div', {},
          h('h2', { class: 'step__title' }, t(`home.step${n}.title`)),
          h('p', {}, t(`home.step${n}.text`)))))),
  );
}

// notFoundPage answers an unknown route.
export function notFoundPage(root) {
  document.title = t('notfound.title') + ' · chatplay';
  root.append(h('section', { class: 'panel narrow' },
    h('h1', {}, t('notfound.title')),
    h('p', {}, t('notfound.text')),
    h('a', { href: '#/', class: 'btn' }, t('notfound.home'))));
}
