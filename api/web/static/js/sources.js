// The surfaces a message can come through (the web, Telegram, Discord) and
// the chat apps an account can link, with their small signs and names.

import { t } from './i18n.js';

// SOURCE_MARKS are the small signs of the surfaces.
export const SOURCE_MARKS = { web: '⌨', telegram: '✈', discord: '#' };

// PROVIDERS are the chat apps an account can link, in the order shown.
const PROVIDERS = ['telegram', 'discord'];

// providerName names a chat app.
export function providerName(provider) {
  return PROVIDERS.includes(provider) ? t('provider.' + provider) : String(provider);
}

// sourceLabel says, in the interface language, where a message came from:
// "Sent from Telegram"; '' for an unknown source.
export function sourceLabel(source) {
  return source in SOURCE_MARKS ? t('source.' + source) : '';
}
