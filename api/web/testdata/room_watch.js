// Cases for static/js/roomwatch.js, run in the browser by
// TestBrowser/room_watch against fake streams (no server route involved).
// The expression resolves to a list of failures (empty when all pass).
(async () => {
  const { RoomWatch, backoff, BACKOFF_MIN_MS, BACKOFF_MAX_MS } = await import('/js/roomwatch.js');
  const failures = [];
  const eq = (name, got, want) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  const sse = (text) => new Response(text, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  const json = (status, code) => new Response(JSON.stringify({ error: { code, message: code } }), { status, headers: { 'Content-Type': 'application/json' } });

  // run plays a script: each connection gets the next answer (a Response,
  // or an Error to throw); after the last one the page is left. It returns
  // what the page was told and the ids and waits of the connections.
  const run = async (script) => {
    const page = new AbortController();
    const log = [];
    const ids = [];
    const waits = [];
    let n = 0;
    const watch = new RoomWatch(7, {
      onConnect: () => log.push('connect'),
      onReady: ({ resumed }) => log.push(`ready ${resumed}`),
      onEvent: (type, data) => log.push(`${type} ${JSON.stringify(data)}`),
      onGone: (err) => log.push(`gone ${err.code}`),
    }, {
      signal: page.signal,
      connect: async (lastId) => {
        ids.push(lastId);
        if (n >= script.length) {
          page.abort();
          throw new DOMException('left', 'AbortError');
        }
        const next = script[n++];
        if (next instanceof Error) throw next;
        return next;
      },
      wait: async (ms) => { waits.push(ms); },
    });
    await watch.run();
    return { log, ids, waits };
  };

  // One connection: the replay, ready, live events in order; a delta of a
  // reply not started on this connection is dropped; a dropped stream is
  // resumed from the last id, after a short wait.
  {
    const { log, ids, waits } = await run([
      sse('id: 4\nevent: reply_started\ndata: {"message":{"id":9,"content":"Hel","status":"pending"}}\n\n'
        + 'event: ready\nid: 5\ndata: {"last_event_id":5}\n\n'
        + 'event: delta\ndata: {"message_id":9,"text":"lo"}\n\n'
        + 'event: delta\ndata: {"message_id":8,"text":"stale"}\n\n'
        + ': ping\n\n'
        + 'id: 6\nevent: reply\ndata: {"message":{"id":9,"content":"Hello","status":"complete"}}\n\n'
        + 'event: delta\ndata: {"message_id":9,"text":"late"}\n\n'
        + 'id: 7\nevent: feedback\ndata: {"message_id":3,"feedback":{"status":"ready"}}\n\n'
        + 'id: 8\nevent: goals\ndata: {"goals":[{"id":1,"achieved":true}]}\n\n'
        + 'event: unknown\ndata: {}\n\n'),
      sse('event: ready\nid: 8\ndata: {"last_event_id":8}\n\n'),
    ]);
    eq('events', log, ['connect',
      'reply_started {"message":{"id":9,"content":"Hel","status":"pending"}}', 'ready false',
      'delta {"message_id":9,"text":"lo"}',
      'reply {"message":{"id":9,"content":"Hello","status":"complete"}}',
      'feedback {"message_id":3,"feedback":{"status":"ready"}}',
      'goals {"goals":[{"id":1,"achieved":true}]}',
      'connect', 'ready true']);
    eq('resumed from the last id', ids, ['', '8', '8']);
    if (waits.length !== 2 || waits.some((w) => w < BACKOFF_MIN_MS / 2 || w > BACKOFF_MIN_MS)) {
      failures.push(`waits after a stream that was up: ${JSON.stringify(waits)}`);
    }
  }

  // A client without an id takes the one ready gives.
  {
    const { ids } = await run([sse('event: ready\nid: 41\ndata: {"last_event_id":41}\n\n'), sse('')]);
    eq('the id of ready', ids.slice(0, 2), ['', '41']);
  }

  // reload: at once, without an id; the next ready says to re-read.
  {
    const { log, ids, waits } = await run([
      sse('event: ready\nid: 3\ndata: {"last_event_id":3}\n\nevent: reload\ndata: {}\n\n'),
      sse('event: ready\nid: 12\ndata: {"last_event_id":12}\n\n'),
    ]);
    eq('reload: connections', ids.slice(0, 2), ['', '']);
    eq('reload: told to re-read', log, ['connect', 'ready false', 'connect', 'ready false']);
    eq('reload: no wait before reconnecting', waits.length, 1); // only after the last stream ended
  }

  // Repeated reloads before ready are slowed down.
  {
    const reload = () => sse('event: reload\ndata: {}\n\n');
    const { waits } = await run([reload(), reload(), reload()]);
    if (waits.length < 1) failures.push('reloads in a loop were not slowed down');
  }

  // Failed connections: the delay doubles, capped; up again, it starts over.
  {
    const { waits, ids } = await run([new TypeError('network'), json(500, 'internal'), json(503, 'unavailable'),
      new TypeError('network'), new TypeError('network'), new TypeError('network'), new TypeError('network'),
      sse('event: ready\nid: 2\ndata: {"last_event_id":2}\n\n')]);
    const caps = [1, 2, 4, 8, 16, 30, 30].map((s) => s * 1000);
    caps.forEach((cap, i) => {
      if (!(waits[i] >= cap / 2 && waits[i] <= cap)) failures.push(`wait ${i} = ${waits[i]}, want within [${cap / 2}, ${cap}]`);
    });
    if (!(waits[7] <= BACKOFF_MIN_MS)) failures.push(`after a connection was up the wait is ${waits[7]}`);
    eq('ids while failing', ids.slice(0, 8), ['', '', '', '', '', '', '', '']);
  }

  // An id the server refuses: the next try starts without one.
  {
    const { ids, log } = await run([sse('event: ready\nid: 9\ndata: {"last_event_id":9}\n\n'), json(400, 'invalid'),
      sse('event: ready\nid: 10\ndata: {"last_event_id":10}\n\n')]);
    eq('a refused id', ids.slice(0, 3), ['', '9', '']);
    eq('a refused id: told to re-read', log, ['connect', 'ready false', 'connect', 'ready false']);
  }

  // The room is gone (or not the user's): the watch stops.
  {
    const { log, ids } = await run([json(404, 'not_found'), sse('')]);
    eq('gone', log, ['gone not_found']);
    eq('gone: one try', ids, ['']);
  }

  // backoff stays within its bounds.
  for (let n = 0; n < 40; n++) {
    for (const r of [0, 0.5, 1]) {
      const d = backoff(n, () => r);
      const full = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** n);
      if (d < full / 2 || d > full) failures.push(`backoff(${n}, ${r}) = ${d}`);
    }
  }
  return failures;
})()
