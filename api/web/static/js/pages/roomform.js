// The room form: create a room, or edit one.

import { api, meta } from '../api.js';
import { h, field, alertBox, showAlert } from '../dom.js';
import { t, lang, languageName, levelName, errorText } from '../i18n.js';
import { go } from '../router.js';

// roomForm builds the form; onSubmit(values) saves it. The languages and
// length limits are the server's (GET /meta): a first check in the page,
// the API has the last word.
function roomForm(room, submitLabel, onSubmit, { languages, levels, default_level: defaultLevel, limits: MAX }) {
  const language = h('select', { id: 'room-language', name: 'language', required: true },
    languages.map((code) => h('option', { value: code, selected: code === (room?.language || lang()) }, languageName(code))));
  const situation = h('textarea', { id: 'room-situation', name: 'situation', required: true, maxLength: MAX.situation, rows: 4, placeholder: t('roomform.situation_placeholder') });
  const userRole = h('input', { type: 'text', id: 'room-user-role', name: 'user_role', required: true, maxLength: MAX.role, placeholder: t('roomform.user_role_placeholder') });
  const botRole = h('input', { type: 'text', id: 'room-bot-role', name: 'bot_role', required: true, maxLength: MAX.role, placeholder: t('roomform.bot_role_placeholder') });
  // Goals: one per line, at most MAX.goals of at most MAX.goal characters
  // each (checked again by the API).
  const goals = h('textarea', { id: 'room-goals', name: 'goals', rows: 3, maxLength: MAX.goals * (MAX.goal + 1), placeholder: t('roomform.goals_placeholder') });
  const title = h('input', { type: 'text', id: 'room-title', name: 'title', maxLength: MAX.title, placeholder: t('roomform.title_placeholder') });
  const level = h('select', { id: 'room-level', name: 'level' },
    levels.map((code) => h('option', { value: code, selected: code === (room?.level || defaultLevel) }, levelName(code))));
  const feedback = h('input', { type: 'checkbox', id: 'room-feedback', name: 'feedback', checked: room ? room.feedback : true });
  const hidden = h('input', { type: 'checkbox', id: 'room-feedback-hidden', name: 'feedback_hidden', checked: !!room?.feedback_hidden });
  const hiddenRow = checkField(hidden, t('field.feedback_hidden'), t('roomform.feedback_hidden_hint'));
  const syncHidden = () => {
    hidden.disabled = !feedback.checked;
    hiddenRow.classList.toggle('check--off', !feedback.checked);
  };
  feedback.addEventListener('change', syncHidden);
  syncHidden();
  if (room) {
    situation.value = room.situation;
    userRole.value = room.user_role;
    botRole.value = room.bot_role;
    title.value = room.title;
    goals.value = (room.goals || []).map((g) => g.text).join('\n');
  }
  const box = alertBox();
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', id: 'room-submit' }, submitLabel);
  const form = h('form', { class: 'form', id: 'room-form' },
    field(t('field.language'), language, t('roomform.language_hint')),
    field(t('field.situation'), situation, t('roomform.situation_hint')),
    h('div', { class: 'field-row' },
      field(t('field.user_role'), userRole),
      field(t('field.bot_role'), botRole)),
    field(t('field.goals'), goals, t('roomform.goals_hint', { n: MAX.goals })),
    field(t('field.level'), level, t('roomform.level_hint')),
    h('fieldset', { class: 'checks' },
      h('legend', {}, t('roomform.practice')),
      checkField(feedback, t('field.feedback'), t('roomform.feedback_hint')),
      hiddenRow),
    field(t('field.title'), title, t('roomform.title_hint')),
    box,
    h('div', { class: 'actions' },
      submit,
      h('a', { href: '#/rooms', class: 'btn btn--ghost', id: 'room-cancel' }, t('common.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    showAlert(box, '');
    try {
      await onSubmit({
        language: language.value, situation: situation.value, user_role: userRole.value,
        bot_role: botRole.value, title: title.value, level: level.value,
        feedback: feedback.checked, feedback_hidden: hidden.checked,
        goals: goals.value.split('\n').map((line) => line.trim()).filter((line) => line !== ''),
      });
    } catch (err) {
      showAlert(box, errorText(err));
      const bad = err.field && form.elements[err.field];
      if (bad) bad.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// checkField is a labelled checkbox with a hint.
function checkField(box, label, hint) {
  return h('div', { class: 'check' },
    box,
    h('label', { for: box.id }, label),
    hint ? h('p', { class: 'hint' }, hint) : null);
}

// createRoomPage creates a room and enters it.
export async function createRoomPage(root, params, signal) {
  document.title = t('roomform.create_title') + ' · chatplay';
  const limits = await meta();
  if (signal?.aborted) return;
  const form = roomForm(null, t('roomform.create'), async (values) => {
    const res = await api.createRoom(values);
    go(`/rooms/${res.room.id}`, { replace: true });
  }, limits);
  root.append(h('section', { class: 'panel' },
    h('h1', { id: 'page-title' }, t('roomform.create_title')),
    h('p', { class: 'lead' }, t('roomform.create_lead')),
    form));
  form.elements.situation.focus();
}

// editRoomPage changes a room and goes back to the list.
export async function editRoomPage(root, params, signal) {
  document.title = t('roomform.edit_title') + ' · chatplay';
  const section = h('section', { class: 'panel' }, h('h1', { id: 'page-title' }, t('roomform.edit_title')));
  root.append(section);
  let room, limits;
  try {
    [room, limits] = await Promise.all([api.getRoom(params.id, { signal }).then((res) => res.room), meta()]);
  } catch (err) {
    if (signal.aborted) return;
    section.append(h('p', { class: 'alert', role: 'alert', id: 'room-error' }, err.code === 'not_found' ? t('room.not_found') : errorText(err)),
      h('a', { href: '#/rooms', class: 'btn' }, t('nav.rooms')));
    return;
  }
  const form = roomForm(room, t('roomform.save'), async (values) => {
    const changed = {};
    for (const [key, value] of Object.entries(values)) {
      if (key === 'goals') {
        // Goals are replaced (and all open again) only when their texts changed.
        if (JSON.stringify(value) !== JSON.stringify((room.goals || []).map((g) => g.text))) changed.goals = value;
      } else if (value !== room[key]) changed[key] = value;
    }
    if (Object.keys(changed).length > 0) await api.updateRoom(room.id, changed);
    go('/rooms');
  }, limits);
  section.append(form);
}
