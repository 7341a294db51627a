// The web app's entry point: the top bar, the routes and the auth guard.

import { api, onUnauthenticated } from './api.js';
import { h, clear } from './dom.js';
import { LANGS, lang, setLang, onLangChange, t } from './i18n.js';
import { route, beforeRender, start, render, go, leave, path } from './router.js';
import { currentUser, ensureUser, setUser, onUserChange, forget, rememberReturn } from './session.js';
import { homePage, notFoundPage } from './pages/home.js';
import { loginPage, registerPage } from './pages/auth.js';
import { roomsPage } from './pages/rooms.js';
import { createRoomPage, editRoomPage } from './pages/roomform.js';
import { chatPage } from './pages/chat.js';
import { scenariosPage } from './pages/scenarios.js';
import { reportPage, reportsPage } from './pages/report.js';
import { vocabularyPage } from './pages/vocabulary.js';
import { accountPage } from './pages/account.js';

route('/', homePage);
route('/login', loginPage, { auth: 'guest' });
route('/register', registerPage, { auth: 'guest' });
route('/rooms', roomsPage, { auth: 'user' });
route('/rooms/new', scenariosPage, { auth: 'user' });
route('/rooms/new/custom', createRoomPage, { auth: 'user' });
route('/reports', reportsPage, { auth: 'user' });
route('/reports/:id', reportPage, { auth: 'user' });
route('/vocabulary', vocabularyPage, { auth: 'user' });
route('/account', accountPage, { auth: 'user' });
route('/rooms/:id/edit', editRoomPage, { auth: 'user' });
route('/rooms/:id', chatPage, { auth: 'user' });
route('/404', notFoundPage);

// The guard: signed-out visitors of a private page go to login (and come
// back after), signed-in visitors of login or register go to their rooms.
beforeRender(async (r) => {
  const user = await ensureUser();
  if (r.auth === 'user' && !user) {
    rememberReturn(path());
    return '/login';
  }
  if (r.auth === 'guest' && user) return '/rooms';
  return null;
});

// The session ended under us (expired, revoked elsewhere): back to login.
onUnauthenticated(() => {
  if (currentUser()) {
    setUser(null);
    render();
  }
});

// logOut ends the session at the API, forgets everything on the page and
// shows the login page; history entries of private pages then lead there too.
async function logOut(button) {
  button.disabled = true;
  try {
    await api.logout();
  } catch {
    // the session is over either way: the cookies are cleared or dead
  }
  leave();
  clear(document.getElementById('app'));
  sessionStorage.clear();
  setUser(null);
  go('/login', { replace: true });
}

// chooseLang switches the interface language and, when signed in, saves it
// as the learner's own language (PATCH /auth/me), the one explanations and
// translations are written in.
function chooseLang(code) {
  setLang(code);
  const user = currentUser();
  if (user && user.locale !== code) {
    api.updateMe({ locale: code }).then((res) => {
      if (currentUser() === user) user.locale = res.user.locale;
    }).catch(() => {
      // not saved: the interface switched all the same, and hints and
      // translations on the web ask in the interface language
    });
  }
}

function languageSwitch() {
  const select = h('select', {
    id: 'lang-select', class: 'lang-select', 'aria-label': t('nav.language'),
    on: { change: (e) => chooseLang(e.target.value) },
  }, LANGS.map((l) => h('option', { value: l.code, selected: l.code === lang() }, l.name)));
  return select;
}

function drawTopbar() {
  const bar = document.getElementById('topbar');
  const user = currentUser();
  const nav = user
    ? [
      h('a', { href: '#/rooms', class: 'nav-link', id: 'nav-rooms' }, t('nav.rooms')),
      h('a', { href: '#/rooms/new', class: 'nav-link', id: 'nav-new' }, t('nav.new_room')),
      h('a', { href: '#/reports', class: 'nav-link', id: 'nav-reports' }, t('nav.reports')),
      h('a', { href: '#/vocabulary', class: 'nav-link', id: 'nav-vocabulary' }, t('nav.vocabulary')),
      h('a', { href: '#/account', class: 'nav-user', id: 'nav-account', title: t('account.title') + (user.email ? ' · ' + user.email : '') }, user.display_name || user.email || ''),
      h('button', { type: 'button', class: 'btn btn--ghost btn--small', id: 'logout', on: { click: (e) => logOut(e.currentTarget) } }, t('nav.logout')),
    ]
    : [
      h('a', { href: '#/login', class: 'nav-link', id: 'nav-login' }, t('nav.login')),
      h('a', { href: '#/register', class: 'nav-link', id: 'nav-register' }, t('nav.register')),
    ];
  bar.replaceChildren(
    h('a', { href: '#/', class: 'brand' }, h('span', { class: 'brand__mark', 'aria-hidden': 'true' }, '◆'), 'chatplay'),
    h('nav', { class: 'nav', 'aria-label': t('nav.main') }, nav, languageSwitch()),
  );
}

onUserChange(drawTopbar);
onLangChange(() => {
  drawTopbar();
  render();
});

// A page restored from the back-forward cache asks the API again who is
// signed in: after a logout it shows the login page, nothing private.
window.addEventListener('pageshow', (e) => {
  if (e.persisted) {
    forget();
    render();
  }
});

drawTopbar();
start();
