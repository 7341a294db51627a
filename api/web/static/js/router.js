// Hash routing: #/path → a page. Each page renders into the app element and
// may return a cleanup function; every navigation gets an AbortSignal that
// aborts when the page is left, so late answers never touch a newer page.

const routes = [];
let current = null; // {cleanup, controller}
let renderHook = () => {};

// route adds a page for a pattern like '/rooms/:id'. opts.auth: 'user' (signed
// in only), 'guest' (signed out only) or undefined (anyone).
export function route(pattern, page, opts = {}) {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (m, name) => {
    names.push(name);
    return '([^/]+)';
  }) + '$');
  routes.push({ re, names, page, auth: opts.auth });
}

// beforeRender sets fn(route) → Promise<string|null>: a hash to go to instead
// (the auth guard), or null to render.
export function beforeRender(fn) {
  renderHook = fn;
}

// path returns the current route path, e.g. '/rooms/3'.
export function path() {
  const hash = location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash.split('?')[0] : '/';
}

// go navigates to a route path; replace keeps it out of the history.
export function go(to, { replace = false } = {}) {
  const hash = '#' + to;
  if (location.hash === hash) {
    render();
  } else if (replace) {
    location.replace(hash);
  } else {
    location.hash = hash;
  }
}

function match(p) {
  for (const r of routes) {
    const m = r.re.exec(p);
    if (m) {
      const params = {};
      r.names.forEach((name, i) => { params[name] = decodeURIComponent(m[i + 1]); });
      return { ...r, params };
    }
  }
  return null;
}

// leave ends the current page: its requests are aborted, its cleanup runs.
export function leave() {
  if (!current) return;
  current.controller.abort();
  try {
    current.cleanup?.();
  } finally {
    current = null;
  }
}

// render shows the page of the current route, in root.
export async function render() {
  leave();
  const controller = new AbortController();
  const mine = { controller, cleanup: null };
  current = mine;
  const r = match(path()) || match('/404');
  const redirect = await renderHook(r);
  if (current !== mine) return;
  if (redirect) {
    go(redirect, { replace: true });
    return;
  }
  const root = document.getElementById('app');
  root.replaceChildren();
  root.className = 'app app--' + (r.page.name || 'page');
  mine.cleanup = await r.page(root, r.params, controller.signal);
  if (current !== mine) mine.cleanup?.();
}

// start renders now and on every hash change.
export function start() {
  window.addEventListener('hashchange', render);
  render();
}
