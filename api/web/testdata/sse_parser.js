// Cases for static/js/sse.js, run in the browser by TestBrowser/sse_parser.
// The expression resolves to a list of failures (empty when all pass).
(async () => {
  const { SSEParser } = await import('/js/sse.js');
  const failures = [];

  // parse feeds the chunks and returns the events as "type|data|id" strings.
  const parse = (chunks) => {
    const p = new SSEParser();
    const out = [];
    for (const c of chunks) for (const ev of p.push(c)) out.push(`${ev.type}|${ev.data}|${ev.id}`);
    p.end();
    return out;
  };
  const check = (name, chunks, want) => {
    const got = parse(chunks);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      failures.push(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  };
  // Every way of cutting a stream in two gives the same events.
  const splits = (name, stream, want) => {
    for (let i = 0; i <= stream.length; i++) check(`${name} cut at ${i}`, [stream.slice(0, i), stream.slice(i)], want);
    check(`${name} char by char`, [...stream], want);
  };

  const api = 'event: message\ndata: {"message":{"id":3}}\n\nevent: delta\ndata: {"text":"안녕"}\n\nevent: reply\ndata: {"message":{"id":4}}\n\n';
  splits('the API stream', api, ['message|{"message":{"id":3}}|', 'delta|{"text":"안녕"}|', 'reply|{"message":{"id":4}}|']);
  splits('CRLF', 'event: delta\r\ndata: a\r\n\r\n', ['delta|a|']);
  splits('CR', 'event: delta\rdata: a\r\rdata: b\r\r', ['delta|a|', 'message|b|']);
  check('a leading BOM', ['\uFEFFdata: x\n\n'], ['message|x|']);
  check('comments', [':ping\n\n: keep-alive\ndata: x\n\n'], ['message|x|']);
  check('multi-line data', ['data: one\ndata: two\ndata\n\n'], ['message|one\ntwo\n|']);
  check('no space after the colon, or two', ['data:x\n\ndata:  y\n\n'], ['message|x|', 'message| y|']);
  check('no data, no event', ['event: delta\n\n'], []);
  check('the type is reset after each event', ['event: delta\ndata: a\n\ndata: b\n\n'], ['delta|a|', 'message|b|']);
  check('an unfinished event is dropped', ['data: a\n\ndata: b\n'], ['message|a|']);
  check('unknown fields are ignored', ['foo: bar\ndata: a\nretry: 10\n\n'], ['message|a|']);
  check('the last event id is kept', ['id: 7\ndata: a\n\ndata: b\n\n'], ['message|a|7', 'message|b|7']);
  check('an id with NUL is ignored', ['id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n'], ['message|a|1', 'message|b|1']);
  return failures;
})()
