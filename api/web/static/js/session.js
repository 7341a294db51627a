// The signed-in user, as the API knows it. The session itself lives in the
// API's HttpOnly cookies; this module only remembers who that is.

import { api } from './api.js';
import { go } from './router.js';

const RETURN_KEY = 'chatplay.return';

let user = null;
let checked = false;
const listeners = new Set();

// currentUser returns the signed-in user, or null.
export function currentUser() {
  return user;
}

// setUser records a sign-in (or, with null, a sign-out) and tells the listeners.
export function setUser(u) {
  user = u;
  checked = true;
  for (const fn of listeners) fn(user);
}

// onUserChange calls fn with the user after every sign-in and sign-out.
export function onUserChange(fn) {
  listeners.add(fn);
}

// ensureUser asks the API who is signed in, once; later calls answer from
// memory. It resolves to the user or null.
export async function ensureUser() {
  if (checked) return user;
  try {
    setUser((await api.me()).user);
  } catch {
    setUser(null);
  }
  return user;
}

// forget drops what is known, so that the next ensureUser asks the API again
// (a page restored from the back-forward cache).
export function forget() {
  checked = false;
}

// rememberReturn keeps the private page a signed-out visitor asked for.
export function rememberReturn(p) {
  sessionStorage.setItem(RETURN_KEY, p);
}

// afterSignIn records the user and goes where the visitor was headed before
// the login page, or to the room list.
export function afterSignIn(u) {
  setUser(u);
  const back = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  go(back && back.startsWith('/rooms') ? back : '/rooms', { replace: true });
}
