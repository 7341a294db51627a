// Cases for static/js/diff.js, run in the browser by TestBrowser/word_diff.
// The expression resolves to a list of failures (empty when all pass).
(async () => {
  const { diffWords, tokens } = await import('/js/diff.js');
  const failures = [];
  const show = (parts) => parts.map((p) => (p.op === 'same' ? p.text : `${p.op === 'del' ? '-' : '+'}[${p.text}]`)).join('');
  const check = (a, b, want) => {
    const parts = diffWords(a, b);
    const got = show(parts);
    if (got !== want) failures.push(`diff(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${got}, want ${want}`);
    // Whatever the edit, the kept and removed parts are the line, the kept
    // and added parts the correction.
    const from = parts.filter((p) => p.op !== 'ins').map((p) => p.text).join('');
    const to = parts.filter((p) => p.op !== 'del').map((p) => p.text).join('');
    if (from !== a || to !== b) failures.push(`diff(${JSON.stringify(a)}, ${JSON.stringify(b)}) loses text: ${from} / ${to}`);
  };
  check('I goed to the store.', 'I went to the store.', 'I +[went]-[goed] to the store.');
  check('same line', 'same line', 'same line');
  check('', 'new', '+[new]');
  check('old', '', '-[old]');
  check('이 가방이 좋아요.', '이 가방이 마음에 들어요.', '이 가방이 +[마음에 들어요]-[좋아요].');
  // Japanese and Chinese have no spaces: each character is a word.
  check('カードで払うもいいですか', 'カードで払ってもいいですか', 'カードで払+[って]-[う]もいいですか');
  check('我去了商店', '我去商店了', '我去-[了]商店+[了]');
  // Punctuation is a word of its own.
  check('Hello,world', 'Hello, world', 'Hello,+[ ]world');
  // Past the size bound, the whole line is replaced.
  const long = 'あ'.repeat(600);
  check(long, long + 'い', `-[${long}]+[${long}い]`);
  const toks = tokens('Hi, 세계! 日本');
  if (JSON.stringify(toks) !== JSON.stringify(['Hi', ',', ' ', '세계', '!', ' ', '日', '本'])) failures.push(`tokens = ${JSON.stringify(toks)}`);
  return failures;
})()
