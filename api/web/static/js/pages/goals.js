// The scene's goals on the chat page: a checklist ticked live as the coach
// finds them achieved (the stream's goals event), and, once all are, a word
// to the learner with an invitation to end the scene.

import { h } from '../dom.js';
import { t } from '../i18n.js';

// GoalsView shows a room's goals; el is null-free but hidden when the room
// has none.
export class GoalsView {
  constructor(goals, onEnd) {
    this.list = h('ul', { class: 'goals', id: 'goals-list' });
    this.count = h('span', { class: 'goals__count', id: 'goals-count' });
    this.done = h('div', { class: 'goals__done', id: 'goals-done', role: 'status', hidden: true },
      h('p', {}, t('goals.all_done')),
      h('button', { type: 'button', class: 'btn btn--primary btn--small', id: 'goals-end', on: { click: onEnd } }, t('report.end')));
    this.el = h('section', { class: 'goalbox', id: 'goals', 'aria-label': t('goals.title') },
      h('h2', { class: 'goalbox__title' }, t('goals.title'), ' ', this.count),
      this.list, this.done);
    this.goals = [];
    this.update(goals);
  }

  // update shows goals (the room's, in order) as they now stand.
  update(goals) {
    this.goals = goals || [];
    this.el.hidden = this.goals.length === 0;
    this.list.replaceChildren(...this.goals.map((g) => h('li', {
      class: 'goal' + (g.achieved ? ' goal--done' : ''),
      dataset: { goalId: String(g.id), achieved: String(!!g.achieved) },
    },
    h('span', { class: 'goal__mark', 'aria-hidden': 'true' }, g.achieved ? '✓' : '○'),
    h('span', { class: 'goal__text' }, g.text),
    h('span', { class: 'sr-only' }, g.achieved ? t('goals.achieved') : t('goals.open')))));
    const achieved = this.goals.filter((g) => g.achieved).length;
    this.count.textContent = t('goals.count', { done: achieved, total: this.goals.length });
    this.done.hidden = this.goals.length === 0 || achieved < this.goals.length;
  }
}
