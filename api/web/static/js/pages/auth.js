// The login and sign-up pages.

import { api } from '../api.js';
import { h, field, alertBox, showAlert } from '../dom.js';
import { t, lang, errorText } from '../i18n.js';
import { afterSignIn } from '../session.js';

// submitting disables a form's button while fn runs, and shows its error.
async function submitting(form, box, fn) {
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  showAlert(box, '');
  try {
    await fn();
  } catch (err) {
    showAlert(box, err.code === 'unauthenticated' ? t('auth.wrong') : errorText(err));
  } finally {
    button.disabled = false;
  }
}

// loginPage signs a visitor in with email and password.
export function loginPage(root) {
  document.title = t('login.title') + ' · chatplay';
  const email = h('input', { type: 'email', id: 'login-email', name: 'email', autocomplete: 'username', required: true, maxLength: 320 });
  const password = h('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', required: true });
  const box = alertBox();
  const form = h('form', { class: 'form', id: 'login-form' },
    field(t('field.email'), email),
    field(t('field.password'), password),
    box,
    h('button', { type: 'submit', class: 'btn btn--primary btn--block', id: 'login-submit' }, t('login.submit')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(form, box, async () => {
      const res = await api.login({ email: email.value, password: password.value });
      afterSignIn(res.user);
    });
  });
  root.append(h('section', { class: 'panel narrow' },
    h('h1', { id: 'page-title' }, t('login.title')),
    form,
    h('p', { class: 'switch' }, t('login.no_account'), ' ', h('a', { href: '#/register', id: 'to-register' }, t('nav.register')))));
  email.focus();
}

// registerPage creates an account and signs it in.
export function registerPage(root) {
  document.title = t('register.title') + ' · chatplay';
  const name = h('input', { type: 'text', id: 'register-name', name: 'display_name', autocomplete: 'nickname', maxLength: 100 });
  const email = h('input', { type: 'email', id: 'register-email', name: 'email', autocomplete: 'username', required: true, maxLength: 320 });
  const password = h('input', { type: 'password', id: 'register-password', name: 'password', autocomplete: 'new-password', required: true, minLength: 8, maxLength: 128 });
  const box = alertBox();
  const form = h('form', { class: 'form', id: 'register-form' },
    field(t('field.display_name'), name, t('register.name_hint')),
    field(t('field.email'), email),
    field(t('field.password'), password, t('register.password_hint')),
    box,
    h('button', { type: 'submit', class: 'btn btn--primary btn--block', id: 'register-submit' }, t('register.submit')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(form, box, async () => {
      const res = await api.signup({ email: email.value, password: password.value, display_name: name.value, locale: lang() });
      afterSignIn(res.user);
    });
  });
  root.append(h('section', { class: 'panel narrow' },
    h('h1', { id: 'page-title' }, t('register.title')),
    form,
    h('p', { class: 'switch' }, t('register.have_account'), ' ', h('a', { href: '#/login', id: 'to-login' }, t('nav.login')))));
  name.focus();
}
