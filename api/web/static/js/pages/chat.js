// The chat page: the room, its history (older messages load on scroll), and
// turns streamed as they are written: send, regenerate, open the scene,
// retry a failed reply, reset. The page follows the room live (RoomWatch):
// a turn played elsewhere (another tab, Telegram, Discord) streams in as it
// is written, and feedback and goals update as the coach finds them.

import { api, meta, streamTurn } from '../api.js';
import { h, alertBox, showAlert } from '../dom.js';
import { t, errorText } from '../i18n.js';
import { roomName } from './rooms.js';
import { roomHeader, MessageView, emptyScene } from './chatview.js';
import { Hints } from './hints.js';
import { GoalsView } from './goals.js';
import { go } from '../router.js';
import { RoomWatch } from '../roomwatch.js';

const PAGE = 30; // messages per history page
const NEAR = 80; // px from an edge that counts as at it
const READY_WAIT_MS = 3000; // how long the history waits for the live events to be up

// chatPage shows room params.id.
export async function chatPage(root, params, signal) {
  let room, limits;
  try {
    [room, { limits }] = await Promise.all([api.getRoom(params.id, { signal }).then((res) => res.room), meta()]);
  } catch (err) {
    if (signal.aborted) return undefined;
    document.title = t('room.not_found') + ' · chatplay';
    root.append(h('section', { class: 'panel narrow' },
      h('p', { class: 'alert', role: 'alert', id: 'room-error' }, err.code === 'not_found' ? t('room.not_found') : errorText(err)),
      h('a', { href: '#/rooms', class: 'btn' }, t('nav.rooms'))));
    return undefined;
  }
  document.title = roomName(room) + ' · chatplay';
  return new Chat(root, room, limits, signal).start();
}

// Chat is the state and behaviour of one open chat page.
class Chat {
  constructor(root, room, limits, signal) {
    this.room = room;
    this.signal = signal;
    this.views = [];     // MessageView, oldest first
    this.cursor = '';    // the older page's cursor, '' at the start
    this.loadingOlder = false;
    this.busy = false;
    this.streams = new Set(); // AbortControllers of the streams still open (a turn, or its feedback after the reply)
    // Live events wait (held, in order) while the history loads and while
    // a turn of this page runs, and are applied after it: applying is
    // idempotent by message id, so what the turn's own stream showed is
    // only confirmed.
    this.holds = 0;
    this.held = [];
    this.live = new Set(); // replies whose reply_started came on the watch's connection: their deltas apply
    this.turn = null; // a promise while a turn of this page runs, until its reply is done
    this.resyncing = null; // a promise while the history is read again
    this.rereadWanted = false; // a re-read was asked for since the last one began
    // Messages this page removed (the replies a regeneration replaced, a
    // reset's whole conversation): ids are never reused, so an event about
    // one, which a watch that lags behind may still bring, is not news.
    this.gone = new Set();
    this.loadBegun = false;
    // A turn started before the history has loaded (a quick first line)
    // shows at once but is sent only once the history is in place, so that
    // it lands below it.
    this.ready = new Promise((resolve) => { this.historyLoaded = resolve; });

    this.regen = h('button', { type: 'button', class: 'btn btn--small', id: 'chat-regenerate', on: { click: () => this.play('regenerate') } }, '↻ ', t('chat.regenerate'));
    this.endButton = h('button', { type: 'button', class: 'btn btn--small', id: 'chat-end', on: { click: () => this.endScene() } }, '⚑ ', t('report.end'));
    this.goals = new GoalsView(room.goals, () => this.endScene());
    this.resetButton = h('button', { type: 'button', class: 'btn btn--small btn--danger-ghost', id: 'chat-reset', on: { click: () => this.confirmReset() } }, t('chat.reset'));
    this.toolbar = h('div', { class: 'toolbar' },
      this.regen, this.endButton, this.resetButton,
      h('a', { href: `#/rooms/${room.id}/edit`, class: 'btn btn--small', id: 'chat-edit' }, t('rooms.edit')));
    this.list = h('ol', { class: 'messages', id: 'messages', 'aria-live': 'polite' });
    this.older = h('p', { class: 'older', id: 'older', hidden: true }, t('chat.loading_older'));
    this.scroller = h('div', { class: 'chat__scroll', id: 'chat-scroll', on: { scroll: () => this.onScroll() } }, this.older, this.list);
    this.empty = emptyScene(room, () => this.play('open'));
    this.empty.hidden = true;
    this.input = h('textarea', { id: 'chat-input', rows: 1, maxLength: limits.message, placeholder: t('chat.placeholder', { role: room.user_role }), 'aria-label': t('chat.input_label') });
    this.send = h('button', { type: 'submit', class: 'btn btn--primary', id: 'chat-send' }, t('chat.send'));
    this.hints = new Hints(room, {
      onUse: (text) => {
        this.input.value = text;
        this.input.focus();
      },
      onError: (text) => showAlert(this.alert, text),
      onBusy: () => this.refresh(),
      signal,
    });
    this.alert = alertBox();
    this.alert.id = 'chat-alert';
    const composer = h('form', { class: 'composer', id: 'composer' }, this.hints.button, this.input, this.send);
    composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.sendMessage();
    });
    // On a keyboard Enter sends and Shift+Enter is a new line; never while an
    // IME composes. On a touch screen Enter is a new line: Send sends.
    const enterSends = !window.matchMedia('(pointer: coarse)').matches;
    this.input.addEventListener('keydown', (e) => {
      if (enterSends && e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        this.sendMessage();
      }
    });
    root.append(h('div', { class: 'chat' },
      roomHeader(room, this.toolbar),
      this.goals.el,
      h('div', { class: 'chat__body' }, this.scroller, this.empty),
      h('div', { class: 'chat__foot' }, this.alert, this.hints.box, composer)));
  }

  // start follows the room's events, then loads the history once they are
  // up (so that nothing falls between the two), or at once when they are
  // not to be had, or after READY_WAIT_MS; events wait until the history is
  // in place.
  async start() {
    this.holds++;
    let firstReady;
    const ready = new Promise((resolve) => { firstReady = resolve; });
    this.watch = new RoomWatch(this.room.id, {
      onConnect: () => {
        this.list.dataset.live = 'false';
        this.onWatch('connect');
      },
      onReady: ({ resumed }) => {
        this.list.dataset.live = 'true'; // following the room (tests wait for it)
        if (!this.loadBegun) firstReady();
        else if (!resumed) { // after a reload, or up only after the history
          // The history is read again, after now: what earlier connections
          // brought and is still held is older than that, and may be about
          // messages gone since (a regeneration, a reset).
          const at = this.held.findLastIndex(([type]) => type === 'connect');
          if (at > 0) this.held.splice(0, at);
          this.resync();
        }
      },
      onEvent: (type, data) => this.onWatch(type, data),
      onGone: () => { this.list.dataset.live = 'false'; },
    }, { signal: this.signal });
    const stopped = this.watch.run();
    let timer;
    await Promise.race([ready, stopped, new Promise((resolve) => { timer = setTimeout(resolve, READY_WAIT_MS); })]);
    clearTimeout(timer);
    this.loadBegun = true;
    if (this.signal.aborted) return undefined;
    try {
      const page = await api.listMessages(this.room.id, '', PAGE, { signal: this.signal });
      this.cursor = page.next_cursor || '';
      // Lines typed while the history loaded are newer than all of it.
      const early = this.views.splice(0);
      for (const m of page.messages) this.add(m);
      for (const v of early) {
        this.views.push(v);
        this.list.append(v.el);
      }
      this.refresh();
      this.scrollToEnd();
      this.historyLoaded();
      await this.fill();
    } catch (err) {
      if (!this.signal.aborted) showAlert(this.alert, errorText(err));
    }
    this.historyLoaded(); // also when it failed: a waiting turn goes on (and says why it fails)
    this.list.dataset.loaded = 'true';
    this.unhold();
    return () => this.streams.forEach((s) => s.abort());
  }

  // onWatch takes a live event: applied now, or held until the history is
  // in place and this page's turn is done.
  onWatch(type, data) {
    if (this.holds > 0) this.held.push([type, data]);
    else this.apply(type, data);
  }

  // unhold ends one reason to hold events; with none left, the held ones
  // are applied in order.
  unhold() {
    this.holds--;
    while (this.holds === 0 && this.held.length > 0 && !this.signal.aborted) this.apply(...this.held.shift());
  }

  // apply shows one live event. Every event is about a message by id, or
  // the goals: a message shown already is updated in place (never taken
  // back from complete to pending, nor its feedback from ready to pending),
  // any other is added.
  apply(type, data) {
    const follow = this.atEnd();
    switch (type) {
      case 'connect':
        this.live.clear();
        return;
      case 'message':
        this.upsert(data.message);
        break;
      case 'reply_started':
        if (this.upsert(data.message)) this.live.add(data.message.id);
        break;
      case 'delta':
        if (this.live.has(data.message_id)) this.byID(data.message_id)?.appendText(data.text);
        break;
      case 'reply':
        this.live.delete(data.message?.id);
        this.upsert(data.message);
        break;
      case 'feedback':
        this.byID(data.message_id)?.setFeedback(data.feedback);
        break;
      case 'goals':
        this.goals.update(data.goals);
        break;
      default:
        return;
    }
    this.refresh();
    if (follow) this.scrollToEnd();
  }

  // byID returns the view of message id, if shown.
  byID(id) {
    return id ? this.views.find((v) => v.msg.id === id) : undefined;
  }

  // upsert shows msg: in its view when it has one (a line of this page not
  // stored yet counts, by its text), else in a new one at the end. It returns
  // the view, or null when msg is older than what the view shows.
  upsert(msg) {
    if (!msg?.id || this.gone.has(msg.id)) return null;
    if (msg.role === 'user' && this.room.feedback && !msg.feedback) msg = { ...msg, feedback: { status: 'pending', items: [] } };
    const view = this.byID(msg.id)
      || (msg.role === 'user' ? this.views.find((v) => !v.msg.id && v.msg.status === 'sending' && v.msg.content === msg.content) : undefined);
    if (!view) return this.add(msg);
    const had = view.msg;
    if (msg.status === 'pending' && (had.status === 'complete' || had.status === 'failed')) return null;
    if (had.feedback && had.feedback.status !== 'pending' && (!msg.feedback || msg.feedback.status === 'pending')) msg = { ...msg, feedback: had.feedback };
    view.update(msg);
    return view;
  }

  // resync re-reads the newest page of the history and the room's goals
  // (after a reload event: the history changed, or events were missed),
  // once this page's turn is done, holding events meanwhile. Asked again
  // while it reads, it reads again: the answer on its way may predate what
  // the new request is about. A message shown before and after keeps its
  // view, and with it what the learner opened there (a correction, a
  // translation) and the button under the pointer.
  resync() {
    this.rereadWanted = true;
    if (this.resyncing) return this.resyncing;
    this.holds++;
    this.resyncing = (async () => {
      try {
        await this.ready;
        let page, room;
        for (;;) {
          while (this.turn) await this.turn;
          this.rereadWanted = false;
          [page, { room }] = await Promise.all([
            api.listMessages(this.room.id, '', PAGE, { signal: this.signal }),
            api.getRoom(this.room.id, { signal: this.signal })]);
          if (!this.turn && !this.rereadWanted) break;
        }
        const shown = new Map(this.views.filter((v) => v.msg.id).map((v) => [v.msg.id, v]));
        this.views = page.messages.filter((m) => !this.gone.has(m.id)).map((m) => {
          const view = shown.get(m.id);
          if (!view) return new MessageView(m, this.room);
          view.update(m);
          return view;
        });
        this.list.replaceChildren(...this.views.map((v) => v.el));
        this.cursor = page.next_cursor || '';
        this.goals.update(room.goals);
        this.refresh();
        this.scrollToEnd();
      } catch (err) {
        if (!this.signal.aborted) showAlert(this.alert, errorText(err));
      } finally {
        this.resyncing = null;
        this.unhold();
        this.showBusy();
      }
    })();
    this.showBusy();
    return this.resyncing;
  }

  // blocked reports whether a turn may not start now: one of this page runs,
  // or a reply is being written (here or elsewhere).
  blocked() {
    return this.busy || this.views.some((v) => v.msg.status === 'pending');
  }

  // add appends a message (or prepends, with before) and returns its view.
  add(msg, before = false) {
    const view = new MessageView(msg, this.room);
    if (before) {
      this.views.unshift(view);
      this.list.prepend(view.el);
    } else {
      this.views.push(view);
      this.list.append(view.el);
    }
    return view;
  }

  // refresh sets what depends on the conversation: the empty scene, the
  // retry button of a failed last reply, the buttons while a turn runs.
  refresh() {
    const busy = this.blocked();
    const last = this.views.at(-1);
    this.views.forEach((v) => v.setRetry(null));
    if (last && !busy) last.setRetry(() => this.play('regenerate'));
    this.empty.hidden = this.views.length > 0 || this.cursor !== '';
    this.scroller.hidden = !this.empty.hidden;
    this.regen.disabled = busy || !this.views.some((v) => v.msg.role === 'assistant');
    this.resetButton.disabled = busy || this.views.length === 0;
    this.endButton.disabled = busy || this.ending || !this.views.some((v) => v.msg.role === 'user');
    this.goals.done.querySelector('button').disabled = this.endButton.disabled;
    this.send.disabled = busy;
    this.hints.button.disabled = busy || this.hints.asking;
    this.empty.querySelector('button').disabled = busy;
    this.showBusy();
  }

  // showBusy marks the list busy while a turn runs, a reply is being
  // written, or the history is read again (tests wait for it).
  showBusy() {
    this.list.setAttribute('aria-busy', String(this.blocked() || this.resyncing !== null));
  }

  atEnd() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR;
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  onScroll() {
    if (this.scroller.scrollTop < NEAR) this.loadOlder();
  }

  // fill loads older pages while the history does not fill the view, so that
  // there is something to scroll.
  async fill() {
    while (this.cursor && this.scroller.scrollHeight <= this.scroller.clientHeight && !this.signal.aborted) {
      if (!(await this.loadOlder())) break;
    }
  }

  // loadOlder prepends the page before the oldest message shown, keeping the
  // view where it was.
  async loadOlder() {
    if (!this.cursor || this.loadingOlder) return false;
    this.loadingOlder = true;
    this.older.hidden = false;
    try {
      const page = await api.listMessages(this.room.id, this.cursor, PAGE, { signal: this.signal });
      const from = this.scroller.scrollHeight - this.scroller.scrollTop;
      for (const m of [...page.messages].reverse()) this.add(m, true);
      this.cursor = page.next_cursor || '';
      this.scroller.scrollTop = this.scroller.scrollHeight - from;
      return true;
    } catch (err) {
      if (!this.signal.aborted) showAlert(this.alert, errorText(err));
      return false;
    } finally {
      this.loadingOlder = false;
      this.older.hidden = true;
      this.refresh();
    }
  }

  sendMessage() {
    const content = this.input.value;
    if (this.blocked() || content.trim() === '') return;
    this.input.value = '';
    this.play('messages', content);
  }

  // play streams one turn: kind is 'messages' (with content), 'regenerate' or
  // 'open'. The page is free for the next turn once the reply is done; the
  // stream may stay open a while after it for the coach's feedback on the
  // line.
  async play(kind, content) {
    if (this.blocked()) return;
    this.busy = true;
    this.holds++; // live events wait for this turn's reply
    let endTurn;
    this.turn = new Promise((resolve) => { endTurn = resolve; });
    showAlert(this.alert, '');
    this.hints.close();
    const sending = content !== undefined ? this.add({ role: 'user', content, status: 'sending' }) : null;
    if (sending) this.scrollToEnd();
    this.refresh();
    let reply = null;
    const stream = new AbortController();
    this.streams.add(stream);
    const signal = AbortSignal.any([this.signal, stream.signal]);
    let released = false;
    const release = () => { // the reply is done: the page takes the next turn
      if (released) return;
      released = true;
      this.busy = false;
      this.turn = null;
      endTurn();
      this.unhold();
      if (!this.signal.aborted) {
        this.refresh();
        if (kind === 'messages') this.input.focus();
      }
    };
    try {
      await this.ready;
      await streamTurn(this.room.id, kind, content !== undefined ? { content } : undefined, {
        message: ({ message }) => {
          // In a room with feedback on, the coach is at work from now.
          if (this.room.feedback && !message.feedback) message = { ...message, feedback: { status: 'pending', items: [] } };
          sending?.update(message);
        },
        reply_started: ({ message }) => {
          if (kind === 'regenerate') this.dropLastReplies();
          reply = this.add(message);
          this.scrollToEnd();
        },
        delta: ({ text }) => {
          const follow = this.atEnd();
          reply?.appendText(text);
          if (follow) this.scrollToEnd();
        },
        reply: ({ message }) => {
          reply?.update(message);
          release();
        },
        feedback: ({ message_id: id, feedback }) => {
          const view = this.views.find((v) => v.msg.id === id);
          view?.setFeedback(feedback);
        },
        goals: ({ goals }) => {
          this.goals.update(goals);
        },
        error: ({ error, reply: failed }) => {
          // The failed reply says why; without one, the alert does.
          if (!reply) showAlert(this.alert, errorText(error));
          else reply.update(failed || { ...reply.msg, status: 'failed', error_code: error.code });
          release();
        },
        lost: () => {
          if (reply) reply.update({ ...reply.msg, status: 'failed', error_code: '' });
          showAlert(this.alert, t('chat.lost'));
        },
      }, signal);
    } catch (err) {
      if (signal.aborted) return;
      // Refused before anything was stored: the message goes back to the input.
      if (sending && !sending.msg.id) {
        this.views.splice(this.views.indexOf(sending), 1);
        sending.el.remove();
        if (this.input.value === '') this.input.value = content;
      }
      showAlert(this.alert, errorText(err));
    } finally {
      this.streams.delete(stream);
      // A line whose feedback did not come on this stream gets it from the
      // live events.
      release();
    }
  }

  // dropLastReplies removes the replies after the last user message: a
  // regeneration replaces them.
  dropLastReplies() {
    while (this.views.length > 0 && this.views.at(-1).msg.role === 'assistant') {
      const view = this.views.pop();
      if (view.msg.id) this.gone.add(view.msg.id);
      view.el.remove();
    }
  }

  confirmReset() {
    const yes = h('button', { type: 'button', class: 'btn btn--small btn--danger', id: 'chat-reset-yes', on: { click: () => this.reset() } }, t('chat.reset_yes'));
    const no = h('button', { type: 'button', class: 'btn btn--small', id: 'chat-reset-no', on: { click: () => this.restoreToolbar() } }, t('common.cancel'));
    this.savedTools = [...this.toolbar.childNodes];
    this.toolbar.replaceChildren(h('span', { class: 'confirm-text' }, t('chat.reset_confirm')), yes, no);
    no.focus();
  }

  restoreToolbar() {
    if (this.savedTools) this.toolbar.replaceChildren(...this.savedTools);
    this.savedTools = null;
  }

  async reset() {
    this.restoreToolbar();
    this.busy = true;
    this.refresh();
    try {
      await api.resetRoom(this.room.id);
      for (const v of this.views) if (v.msg.id) this.gone.add(v.msg.id);
      this.rereadWanted = true; // a re-read on its way may predate the reset
      this.views = [];
      this.cursor = '';
      this.list.replaceChildren();
      // The scene starts over: its goals are open again.
      this.goals.update(this.goals.goals.map((g) => ({ ...g, achieved: false, achieved_at: null, message_id: null })));
    } catch (err) {
      if (!this.signal.aborted) showAlert(this.alert, errorText(err));
    } finally {
      this.busy = false;
      this.refresh();
    }
  }

  // endScene asks for the report of the scene (a model call: it takes a
  // moment) and shows it.
  async endScene() {
    if (this.blocked() || this.ending) return;
    this.ending = true;
    this.endButton.textContent = t('report.writing');
    showAlert(this.alert, '');
    this.refresh();
    try {
      const res = await api.endScene(this.room.id);
      if (!this.signal.aborted) go(`/reports/${res.report.id}`);
    } catch (err) {
      if (!this.signal.aborted) showAlert(this.alert, errorText(err));
    } finally {
      this.ending = false;
      this.endButton.replaceChildren('⚑ ', t('report.end'));
      if (!this.signal.aborted) this.refresh();
    }
  }
}
