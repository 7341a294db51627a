// A Server-Sent Events parser following the WHATWG HTML specification's
// "event stream interpretation", for streams read with fetch (EventSource
// cannot POST). Feed it decoded text as it arrives; it returns the events
// completed so far.

export class SSEParser {
  constructor() {
    this.buffer = '';
    this.first = true; // a leading BOM is dropped
    this.pendingCR = false; // the last chunk ended in CR: an LF next is part of it
    this.reset();
    this.lastEventId = '';
    this.retry = null;
  }

  reset() {
    this.eventType = '';
    this.data = '';
    this.hasData = false;
  }

  // push takes the next piece of text and returns the completed events, each
  // {type, data, id}.
  push(text) {
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.pendingCR = false;
    this.buffer += text;
    const events = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (c === '\r') {
        if (i + 1 === this.buffer.length) this.pendingCR = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
      const ev = this.line(line);
      if (ev) events.push(ev);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  // end is called when the stream ends: an event not closed by a blank line
  // is discarded, as the specification says.
  end() {
    this.buffer = '';
    this.reset();
    return [];
  }

  // line processes one line and returns an event when it was a blank line
  // that completes one.
  line(line) {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    let name = line;
    let value = '';
    const colon = line.indexOf(':');
    if (colon >= 0) {
      name = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (name) {
      case 'event': this.eventType = value; break;
      case 'data': this.data += value + '\n'; this.hasData = true; break;
      case 'id': if (!value.includes('\0')) this.lastEventId = value; break;
      case 'retry': if (/^\d+$/.test(value)) this.retry = Number(value); break;
      default: break; // ignored
    }
    return null;
  }

  dispatch() {
    if (!this.hasData) {
      this.reset();
      return null;
    }
    const ev = { type: this.eventType || 'message', data: this.data.slice(0, -1), id: this.lastEventId };
    this.reset();
    return ev;
  }
}

// readEvents reads an event stream from a fetch Response body and calls
// onEvent for each event as it arrives. It resolves when the stream ends.
export async function readEvents(body, onEvent, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SSEParser();
  const abort = () => reader.cancel().catch(() => {});
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const ev of parser.push(value)) onEvent(ev);
    }
    parser.end();
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
