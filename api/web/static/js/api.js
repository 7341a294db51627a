// The client of chatplay's JSON API (/api/v1). The browser holds the session
// in HttpOnly cookies; unsafe requests echo the readable CSRF cookie in
// X-CSRF-Token (the API's double-submit check). An expired access token is
// refreshed once, silently, and the request retried; when that fails the
// unauthenticated handler runs (the app goes to the login page).

import { readEvents } from './sse.js';

const BASE = '/api/v1';
const CSRF_COOKIE = 'chatplay_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

// ApiError is an error answer of the API: {error: {code, message, field, reason}}.
export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter, reason) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field || '';
    this.reason = reason || '';
    this.retryAfter = retryAfter || 0;
  }
}

let unauthenticated = () => {};

// onUnauthenticated sets what happens when the session is over.
export function onUnauthenticated(fn) {
  unauthenticated = fn;
}

// csrfToken returns the value of the CSRF cookie, '' when signed out.
export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return '';
}

function send(method, path, body, accept, signal) {
  const headers = { Accept: accept || 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE.has(method)) {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  return fetch(BASE + path, {
    method, headers, signal, credentials: 'same-origin', cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

let refreshing = null;

// refresh trades the refresh cookie for new tokens, once at a time in this
// tab and, where Web Locks exist, across tabs: a tab that waited for another
// one's refresh (the CSRF cookie changed meanwhile) does not refresh again,
// since presenting a used refresh token would end the session.
function refresh(staleCSRF) {
  if (!refreshing) {
    const run = async () => {
      if (csrfToken() && csrfToken() !== staleCSRF) return true;
      if (!csrfToken()) return false; // never signed in here
      const res = await send('POST', '/auth/refresh');
      return res.ok;
    };
    const locked = navigator.locks ? navigator.locks.request('chatplay-refresh', run) : run();
    refreshing = locked.catch(() => false).finally(() => { refreshing = null; });
  }
  return refreshing;
}

// request sends one API request, refreshing the session once on a 401.
export async function request(method, path, body, { accept, signal, auth = true } = {}) {
  const csrf = csrfToken();
  let res = await send(method, path, body, accept, signal);
  if (res.status === 401 && auth) {
    if (await refresh(csrf)) res = await send(method, path, body, accept, signal);
    if (res.status === 401) unauthenticated();
  }
  return res;
}

// errorOf reads an error response as an ApiError.
export async function errorOf(res) {
  let detail = {};
  try {
    detail = (await res.json()).error || {};
  } catch {
    // not the API's envelope
  }
  const retry = Number(res.headers.get('Retry-After')) || 0;
  return new ApiError(res.status, detail.code || 'http_' + res.status, detail.message, detail.field, retry, detail.reason);
}

async function call(method, path, body, opts) {
  const res = await request(method, path, body, opts);
  if (!res.ok) throw await errorOf(res);
  return res.status === 204 ? null : res.json();
}

// The API's routes.
export const api = {
  me: (opts) => call('GET', '/auth/me', undefined, opts),
  signup: (body) => call('POST', '/auth/signup', body, { auth: false }),
  login: (body) => call('POST', '/auth/login', body, { auth: false }),
  logout: () => call('POST', '/auth/logout'),
  listRooms: (cursor, opts) => call('GET', '/rooms?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''), undefined, opts),
  getRoom: (id, opts) => call('GET', `/rooms/${id}`, undefined, opts),
  createRoom: (body) => call('POST', '/rooms', body),
  updateRoom: (id, body) => call('PATCH', `/rooms/${id}`, body),
  deleteRoom: (id) => call('DELETE', `/rooms/${id}`),
  resetRoom: (id) => call('POST', `/rooms/${id}/reset`),
  hint: (id, language) => call('POST', `/rooms/${id}/hint`, language ? { language } : undefined),
  translate: (id, messageID, language) => call('POST', `/rooms/${id}/messages/${messageID}/translate`, language ? { language } : undefined),
  updateMe: (body) => call('PATCH', '/auth/me', body),
  listScenarios: (query, opts) => call('GET', '/scenarios?' + new URLSearchParams(Object.entries(query).filter(([, v]) => v)), undefined, opts),
  endScene: (id) => call('POST', `/rooms/${id}/end`),
  listReports: (cursor, opts) => call('GET', '/reports?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''), undefined, opts),
  getReport: (id, opts) => call('GET', `/reports/${id}`, undefined, opts),
  listVocabulary: (cursor, opts) => call('GET', '/vocabulary?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''), undefined, opts),
  createLinkCode: () => call('POST', '/link-codes'),
  linkIdentity: (code) => call('POST', '/identities/link', { code }),
  unlinkIdentity: (provider) => call('DELETE', `/identities/${encodeURIComponent(provider)}`),
  listMessages: (id, before, limit, opts) => call('GET',
    `/rooms/${id}/messages?limit=${limit}` + (before ? '&before=' + encodeURIComponent(before) : ''), undefined, opts),
};

// DEFAULT_META stands in for the server's answer to GET /meta until it comes,
// or when it cannot be had: the engine's defaults.
const DEFAULT_META = {
  languages: ['ko', 'en', 'ja', 'zh', 'es', 'fr', 'de'],
  levels: ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'],
  default_level: 'B1',
  limits: { message: 4000, title: 100, situation: 1000, role: 200, display_name: 100 },
};

let metaOnce = null;

// meta returns the server's room languages and length limits (GET /meta),
// asked once per page load.
export function meta() {
  metaOnce ??= call('GET', '/meta', undefined, { auth: false }).catch(() => DEFAULT_META);
  return metaOnce;
}

// streamTurn plays a chat turn as a stream: kind is 'messages' (body
// {content}), 'regenerate' or 'open'. handlers get the API's events by name:
// message, reply_started, delta, reply, feedback (after reply, when the
// coach has looked at the learner's line), goals (after feedback, in a room
// with goals), error; each with the event's
// data. A stream that ends with neither reply nor error calls handlers.lost.
export async function streamTurn(roomID, kind, body, handlers, signal) {
  const res = await request('POST', `/rooms/${roomID}/${kind}`, body, { accept: 'text/event-stream', signal });
  if (!res.ok) throw await errorOf(res);
  const type = res.headers.get('Content-Type') || '';
  if (!type.startsWith('text/event-stream')) { // a JSON answer: the whole turn at once
    const turn = await res.json();
    if (turn.message) handlers.message?.({ message: turn.message });
    handlers.reply?.({ message: turn.reply });
    if (turn.message?.feedback) handlers.feedback?.({ message_id: turn.message.id, feedback: turn.message.feedback });
    return;
  }
  let finished = false;
  await readEvents(res.body, (ev) => {
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (ev.type === 'reply' || ev.type === 'error') finished = true;
    handlers[ev.type]?.(data);
  }, signal);
  if (!finished && !signal?.aborted) handlers.lost?.();
}
