import { safe } from './safe.ts';

export type Child = Node | string | false | null | undefined | Child[];
type Props = Record<string, unknown>;

/**
 * Builds an element with DOM APIs only (no innerHTML, so Trusted Types and strict CSP hold, and every visitor
 * string stays a text node). `onX` props become listeners that can never throw into the page, `value`/`checked` are set as properties, the rest as attributes.
 */
export function h(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key[0] == 'o' && key[1] == 'n') el.addEventListener(key.slice(2).toLowerCase(), safe(value as EventListener));
    else if (key == 'value' || key == 'checked') (el as unknown as Props)[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...(children.flat(9).filter((c) => c != null && c !== false) as (Node | string)[]));
  return el;
}
