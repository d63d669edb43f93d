// Small DOM helpers: typed lookups by id and element creation without innerHTML (no markup from data).

/** The element with this id; throws when the page lacks it, so a renamed id fails loudly. @example byId<HTMLButtonElement>('stream-start') */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`dashboard: no element #${id}`);
  return e as T;
}

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes and children (strings become text nodes). @example el('td', { class: 'num' }, '42') */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  e.append(...children);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element. @example svg('circle', { cx: 1, cy: 2, r: 3 }) */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  setAttrs(e, attrs);
  e.append(...children);
  return e;
}

function setAttrs(e: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
}

/** Sets an element's text only when it changed, so screen readers and layout are not disturbed every second. */
export function setText(e: Element, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}
