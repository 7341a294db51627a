// The interface's languages: a message catalog per language, the choice
// taken from the browser's languages, switchable, and remembered in
// localStorage.

import en from './i18n/en.js';
import ko from './i18n/ko.js';
import ja from './i18n/ja.js';

const catalogs = { en, ko, ja };
const STORAGE_KEY = 'chatplay.lang';

// LANGS are the interface languages, each with its own name.
export const LANGS = [
  { code: 'ko', name: '한국어' },
  { code: 'en', name: 'English' },
  { code: 'ja', name: '日本語' },
];

let current = detect();
const listeners = new Set();

// detect returns the remembered language, else the first of the browser's
// languages the interface speaks, else English.
function detect() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage may be disabled
  }
  if (saved && catalogs[saved]) return saved;
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language || 'en'];
  for (const tag of wanted) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (catalogs[base]) return base;
  }
  return 'en';
}

// lang returns the current interface language.
export function lang() {
  return current;
}

// setLang switches the interface language, remembers it, and tells the listeners.
export function setLang(code) {
  if (!catalogs[code] || code === current) return;
  current = code;
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // not remembered, still switched
  }
  document.documentElement.lang = code;
  for (const fn of listeners) fn(code);
}

// onLangChange calls fn with the new language after every switch.
export function onLangChange(fn) {
  listeners.add(fn);
}

// t returns the message key in the current language (English when it has
// none), with {name} placeholders filled from params.
export function t(key, params) {
  let text = catalogs[current][key] ?? catalogs.en[key] ?? key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return text;
}

// has reports whether the catalogs know key.
export function has(key) {
  return key in catalogs.en;
}

// languageName returns the name of a room language (ko, en, ja, zh, es, fr, de)
// in the interface language.
export function languageName(code) {
  return has('language.' + code) ? t('language.' + code) : code;
}

// levelName returns a CEFR level with its name in the interface language:
// "B1 · Intermediate".
export function levelName(code) {
  const key = 'level.' + String(code).toLowerCase();
  return has(key) ? code + ' · ' + t(key) : code;
}

// errorText returns what to tell the user about an API error, in the
// interface language: from its code, refined by its reason and field.
export function errorText(err) {
  if (!err || !err.code) return t('error.network');
  const { code, reason, field } = err;
  if (code === 'invalid' && field && has('field.' + field)) {
    const params = { field: t('field.' + field), message: err.message };
    return has(`error.invalid.${reason}`) ? t(`error.invalid.${reason}`, params) : t('error.invalid_field', params);
  }
  if (reason && has(`error.${code}.${reason}`)) return t(`error.${code}.${reason}`);
  if (code === 'rate_limited' && err.retryAfter) return t('error.rate_limited_after', { seconds: err.retryAfter });
  if (has('error.' + code)) return t('error.' + code);
  return err.message || t('error.internal');
}

document.documentElement.lang = current;
