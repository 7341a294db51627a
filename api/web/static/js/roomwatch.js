// A room's live events (GET /api/v1/rooms/{id}/events, Server-Sent Events
// read with fetch): whatever surface a turn is played on, its line, its
// reply as it is written, the coach's feedback and the goals arrive here.
// The watch resumes after a dropped connection from the last event id it
// saw (the server replays what was missed), with a growing, capped delay
// between tries; a `reload` event means "re-read the history": the watch
// reconnects without an id and says so.

import { request, errorOf } from './api.js';
import { readEvents } from './sse.js';

// BACKOFF_MIN_MS and BACKOFF_MAX_MS bound the delay before a reconnection;
// it doubles after each failed try and starts over once a connection is up.
export const BACKOFF_MIN_MS = 1000;
export const BACKOFF_MAX_MS = 30000;

// The events a page is told of (onEvent); ready and reload are the watch's own.
const PAGE_EVENTS = new Set(['message', 'reply_started', 'delta', 'reply', 'feedback', 'goals']);

// backoff returns the delay before try n (0: the first retry), with jitter:
// between half and all of min·2ⁿ, capped.
export function backoff(n, random = Math.random) {
  const full = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(n, 16));
  return Math.round(full / 2 + (full / 2) * random());
}

// sleep resolves after ms, or at once when signal aborts.
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

// RoomWatch follows one room until its signal aborts (the page is left) or
// the room is gone.
//
// handlers:
//   onConnect()            a connection opened: events after it belong to it
//   onReady({resumed})     the replay is over; resumed is false when the
//                          connection started without an id (the first one,
//                          or after a reload): the page re-reads the history
//   onEvent(type, data)    message, reply_started, delta, reply, feedback,
//                          goals, with the event's data (the contract's
//                          shapes); a delta only for a reply whose
//                          reply_started came on the same connection
//   onGone(err)            the room is not there (404) or not the user's: the
//                          watch stops
// opts.connect(lastId, signal) → Promise<Response> and opts.wait(ms, signal)
// stand in for the network and the clock in tests.
export class RoomWatch {
  constructor(roomID, handlers, { signal, connect, wait } = {}) {
    this.roomID = roomID;
    this.handlers = handlers;
    this.signal = signal;
    this.connect = connect || ((lastId, s) => request('GET', `/rooms/${roomID}/events`
      + (lastId ? '?last_event_id=' + encodeURIComponent(lastId) : ''), undefined, { accept: 'text/event-stream', signal: s }));
    this.wait = wait || sleep;
    this.lastId = ''; // the newest event id seen; '' for none
    this.started = new Set(); // replies whose reply_started came on this connection
    this.failures = 0; // tries in a row that never got to ready
    this.quickReload = false; // the last connection ended in a reload before ready
  }

  // run follows the room; it resolves when the watch stops.
  async run() {
    while (!this.signal?.aborted) {
      let reload = false;
      let up = false;
      try {
        const res = await this.connect(this.lastId, this.signal);
        if (!res.ok) {
          const err = await errorOf(res);
          if (res.status === 404 || res.status === 403 || res.status === 401) {
            if (!this.signal?.aborted) this.handlers.onGone?.(err);
            return;
          }
          if (res.status === 400) this.lastId = ''; // an id the server does not take: start over, and re-read
          throw err;
        }
        const resumed = this.lastId !== '';
        this.started.clear();
        this.handlers.onConnect?.();
        await readEvents(res.body, (ev) => {
          if (this.signal?.aborted) return;
          if (ev.type === 'reload') {
            reload = true;
            return;
          }
          let data;
          try {
            data = JSON.parse(ev.data);
          } catch {
            return; // not an event of the contract
          }
          if (ev.id) this.lastId = ev.id;
          if (ev.type === 'ready') {
            up = true;
            this.failures = 0;
            this.quickReload = false;
            if (data.last_event_id !== undefined && data.last_event_id !== null) this.lastId = String(data.last_event_id);
            this.handlers.onReady?.({ resumed });
            return;
          }
          if (!PAGE_EVENTS.has(ev.type)) return;
          if (ev.type === 'reply_started') this.started.add(data.message?.id);
          if (ev.type === 'delta' && !this.started.has(data.message_id)) return;
          if (ev.type === 'reply') this.started.delete(data.message?.id);
          this.handlers.onEvent?.(ev.type, data);
        }, this.signal);
      } catch (err) {
        if (this.signal?.aborted) return;
        // a refused or dropped connection: tried again below
      }
      if (this.signal?.aborted) return;
      if (reload) { // re-read the history: from now on, at once unless the last try was a reload too
        this.lastId = '';
        const again = this.quickReload;
        this.quickReload = !up;
        if (!again) continue;
      }
      if (!up) this.failures++;
      await this.wait(backoff(Math.max(0, this.failures - 1)), this.signal);
    }
  }
}
