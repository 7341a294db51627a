// Small DOM helpers. Everything a user typed or a model wrote goes into the
// page as text (text nodes, textContent), never as HTML.

// h creates an element. attrs: properties of the element, except "class"
// (className), "dataset" (an object), "on" (event listeners by type) and keys
// with a dash (aria-*, data-*), which are set as attributes. Children are
// nodes or strings (added as text nodes); null, false and undefined are
// skipped; arrays are flattened.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on') {
      for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    } else if (key.includes('-') || key === 'for' || key === 'role') el.setAttribute(key, value === true ? '' : String(value));
    else el[key] = value;
  }
  append(el, children);
  return el;
}

// append adds children (nodes or strings, as text) to el.
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// clear removes every child of el.
export function clear(el) {
  el.replaceChildren();
  return el;
}

// field is a labelled form control with an optional hint.
export function field(label, control, hint) {
  const id = control.id || (control.id = 'f-' + Math.random().toString(36).slice(2, 9));
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'hint' }, hint) : null);
}

// alertBox is an (initially hidden) live region for a form's errors.
export function alertBox() {
  return h('p', { class: 'alert', role: 'alert', hidden: true });
}

// showAlert shows text in an alert box made by alertBox, or hides it when text is empty.
export function showAlert(box, text) {
  box.textContent = text || '';
  box.hidden = !text;
}
