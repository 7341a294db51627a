// The account page: who is signed in, and the connected apps — the Telegram
// and Discord accounts linked to this one, a code to link one from the bot
// (/link CODE), a form for a code a bot gave (/link without a code), and
// Unlink. Everything the API returns goes into the page as text.

import { api } from '../api.js';
import { h, alertBox, showAlert } from '../dom.js';
import { t, lang, errorText } from '../i18n.js';
import { currentUser } from '../session.js';
import { SOURCE_MARKS, providerName } from '../sources.js';

// formatTime shows an instant in the interface language: a date and a time,
// or the time only (short).
function formatTime(iso, timeOnly) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const opts = timeOnly ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(lang(), opts).format(d);
}

// accountPage shows the account and its connected apps.
export async function accountPage(root, params, signal) {
  document.title = t('account.title') + ' · chatplay';
  const user = currentUser();
  const apps = new ConnectedApps(signal);
  root.append(h('section', { class: 'page account' },
    h('div', { class: 'page__head' }, h('h1', { id: 'page-title' }, t('account.title'))),
    h('p', { class: 'lead', id: 'account-email' }, user?.display_name ? user.display_name + ' · ' : '', user?.email || ''),
    apps.el));
  await apps.load();
  return () => apps.stop();
}

// ConnectedApps is the "Connected apps" section of the account page.
class ConnectedApps {
  constructor(signal) {
    this.signal = signal;
    this.expiryTimer = 0;
    this.asked = 0; // the newest load of the list
    this.list = h('ul', { class: 'identities', id: 'identities', 'aria-busy': 'true' });
    this.empty = h('p', { class: 'empty empty--small', id: 'identities-empty', hidden: true }, t('apps.none'));
    this.listAlert = alertBox();
    this.listAlert.id = 'identities-alert';

    // A code of this account, to send to a bot.
    this.codeButton = h('button', { type: 'button', class: 'btn btn--primary', id: 'link-code-new', on: { click: () => this.newCode() } }, t('apps.get_code'));
    this.codeBox = h('div', { class: 'linkcode', id: 'link-code-box', hidden: true });
    this.codeAlert = alertBox();
    this.codeAlert.id = 'link-code-alert';

    // A code a bot gave, to enter here.
    this.input = h('input', { type: 'text', id: 'link-code-input', autocomplete: 'off', spellcheck: false, autocapitalize: 'characters', maxLength: 40, placeholder: 'ABCD-EFGH-JK' });
    this.submit = h('button', { type: 'submit', class: 'btn', id: 'link-submit' }, t('apps.link'));
    this.formAlert = alertBox();
    this.formAlert.id = 'link-alert';
    this.done = h('p', { class: 'notice', id: 'link-done', role: 'status', hidden: true });
    const form = h('form', { class: 'form linkform', id: 'link-form', novalidate: true },
      h('div', { class: 'field' },
        h('label', { for: this.input.id }, t('apps.code_label')),
        h('div', { class: 'linkform__row' }, this.input, this.submit),
        h('p', { class: 'hint' }, t('apps.code_hint'))),
      this.formAlert);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.link();
    });

    // Back from the chat app where the code was sent: look again.
    this.onFocus = () => {
      if (!this.codeBox.hidden) this.load();
    };
    window.addEventListener('focus', this.onFocus);

    this.el = h('section', { class: 'panel apps', id: 'connected-apps', 'aria-labelledby': 'apps-title' },
      h('h2', { id: 'apps-title' }, t('apps.title')),
      h('p', { class: 'hint' }, t('apps.lead')),
      this.listAlert, this.list, this.empty, this.done,
      h('h3', {}, t('apps.from_web_title')),
      h('p', { class: 'hint' }, t('apps.from_web_hint')),
      h('div', { class: 'actions' }, this.codeButton),
      this.codeAlert, this.codeBox,
      h('h3', {}, t('apps.from_bot_title')),
      form);
  }

  stop() {
    clearTimeout(this.expiryTimer);
    window.removeEventListener('focus', this.onFocus);
  }

  // load reads the account's identities (GET /auth/me) and lists them. Of
  // loads that overlap (the window came back into focus while a link was
  // made), the newest one's answer is shown: an older one may predate the
  // change.
  async load() {
    const mine = ++this.asked;
    this.list.setAttribute('aria-busy', 'true');
    try {
      const { user } = await api.me({ signal: this.signal });
      if (mine !== this.asked) return;
      const me = currentUser();
      if (me) me.identities = user.identities;
      this.show(user.identities || []);
      showAlert(this.listAlert, '');
    } catch (err) {
      if (!this.signal.aborted && mine === this.asked) showAlert(this.listAlert, errorText(err));
    } finally {
      if (mine === this.asked) this.list.setAttribute('aria-busy', 'false');
    }
  }

  // show lists the identities.
  show(ids) {
    this.list.replaceChildren(...ids.map((id) => this.item(id)));
    this.empty.hidden = ids.length > 0;
  }

  // item is one identity with its Unlink button (asks first).
  item(id) {
    const name = providerName(id.provider);
    const actions = h('div', { class: 'identity__actions' });
    const box = alertBox();
    const unlink = h('button', { type: 'button', class: 'btn btn--small btn--danger-ghost identity-unlink', on: { click: confirm } }, t('apps.unlink'));
    actions.append(unlink);
    const signal = this.signal;
    const reload = () => this.load();
    function confirm() {
      const no = h('button', { type: 'button', class: 'btn btn--small identity-unlink-no', on: { click: () => actions.replaceChildren(unlink) } }, t('common.cancel'));
      actions.replaceChildren(
        h('span', { class: 'confirm-text' }, t('apps.unlink_confirm', { app: name })),
        h('button', { type: 'button', class: 'btn btn--small btn--danger identity-unlink-yes', on: { click: doUnlink } }, t('apps.unlink_yes')),
        no);
      no.focus();
    }
    async function doUnlink(e) {
      e.currentTarget.disabled = true;
      try {
        await api.unlinkIdentity(id.provider);
        await reload();
      } catch (err) {
        if (signal.aborted) return;
        showAlert(box, errorText(err));
        actions.replaceChildren(unlink);
      }
    }
    return h('li', { class: 'identity', dataset: { provider: id.provider } },
      h('span', { class: 'identity__icon', 'aria-hidden': 'true', dataset: { source: id.provider } }, SOURCE_MARKS[id.provider] || '•'),
      h('div', { class: 'identity__main' },
        h('strong', { class: 'identity__app' }, name),
        id.username ? h('span', { class: 'identity__name' }, '@' + id.username) : null,
        id.linked_at ? h('span', { class: 'identity__when' }, t('apps.linked_at', { when: formatTime(id.linked_at) })) : null),
      actions, box);
  }

  // newCode asks for a link code of this account and shows it, with what to
  // send in each app and until when.
  async newCode() {
    this.codeButton.disabled = true;
    showAlert(this.codeAlert, '');
    try {
      const { code, expires_at: expires } = await api.createLinkCode();
      this.showCode(code, expires);
    } catch (err) {
      if (!this.signal.aborted) showAlert(this.codeAlert, errorText(err));
    } finally {
      this.codeButton.disabled = false;
    }
  }

  showCode(code, expires) {
    clearTimeout(this.expiryTimer);
    const minutes = Math.max(1, Math.round((new Date(expires) - Date.now()) / 60000));
    const expiry = h('p', { class: 'linkcode__expiry', id: 'link-code-expiry' }, t('apps.code_expires', { time: formatTime(expires, true), minutes }));
    this.codeBox.replaceChildren(
      h('p', { class: 'linkcode__code' }, h('code', { id: 'link-code' }, code)),
      expiry,
      h('ul', { class: 'linkcode__how' },
        h('li', { id: 'link-code-telegram' }, t('apps.how_telegram'), ' ', h('code', {}, '/link ' + code)),
        h('li', { id: 'link-code-discord' }, t('apps.how_discord'), ' ', h('code', {}, '/link code:' + code))));
    this.codeBox.hidden = false;
    this.codeBox.dataset.expired = 'false';
    this.codeButton.textContent = t('apps.new_code');
    const left = new Date(expires) - Date.now();
    if (left > 0 && left < 2 ** 31) {
      this.expiryTimer = setTimeout(() => {
        this.codeBox.dataset.expired = 'true';
        expiry.textContent = t('apps.code_expired');
      }, left);
    }
  }

  // link redeems a code a bot gave: that chat account joins this one.
  async link() {
    const code = this.input.value.trim();
    showAlert(this.formAlert, '');
    this.done.hidden = true;
    if (!code) {
      showAlert(this.formAlert, t('apps.code_required'));
      this.input.focus();
      return;
    }
    this.submit.disabled = true;
    try {
      const { identity } = await api.linkIdentity(code);
      this.input.value = '';
      this.done.textContent = t('apps.linked', { app: providerName(identity.provider) });
      this.done.hidden = false;
      await this.load();
    } catch (err) {
      if (this.signal.aborted) return;
      showAlert(this.formAlert, errorText(err));
      this.input.focus();
    } finally {
      this.submit.disabled = false;
    }
  }
}

