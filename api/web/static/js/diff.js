// A small word-level diff, to show what a correction changed in a learner's
// line. Words are compared whole; in Chinese and Japanese, which put no
// spaces between words, each character is a word.

// TOKEN splits a line into spaces, single CJK characters, runs of other
// letters and digits, and single other characters (punctuation, symbols).
const TOKEN = /\s+|[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]|[^\s\p{P}\p{S}\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]+|[^\s]/gu;

// MAX_CELLS bounds the work of one diff (the product of both lengths in
// tokens); past it the lines are shown as wholly replaced.
const MAX_CELLS = 200000;

// tokens returns the tokens of s.
export function tokens(s) {
  return String(s || '').match(TOKEN) || [];
}

// diffWords returns the edit from a to b as a list of parts, each
// {op: 'same' | 'del' | 'ins', text}, in order; adjacent parts of one op are
// merged.
export function diffWords(a, b) {
  const x = tokens(a);
  const y = tokens(b);
  const parts = [];
  const push = (op, text) => {
    const last = parts.at(-1);
    if (last && last.op === op) last.text += text;
    else parts.push({ op, text });
  };
  if (x.length * y.length > MAX_CELLS) {
    if (x.length) push('del', x.join(''));
    if (y.length) push('ins', y.join(''));
    return parts;
  }
  // lcs[i][j]: the longest common subsequence of x[i:] and y[j:].
  const n = x.length;
  const m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      push('same', x[i]);
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      push('ins', y[j++]);
    } else {
      push('del', x[i++]);
    }
  }
  return parts;
}
