import { FIELD_NAMES, LEAD_FIELDS, type LeadField } from '../shared/lead-spec.ts';
import { h } from './dom.ts';
import type { Inquiry } from './inquiry.ts';
import { TEXT } from './strings.ts';

// Field, input type, autocomplete token: data, not markup, keeps the bundle small.
const INPUTS: [LeadField, string?, string?][] = [
  ['name', 'text', 'name'],
  ['email', 'email', 'email'],
  ['company', 'text', 'organization'],
  ['phone', 'tel', 'tel'],
  ['topic'],
  ['message'],
];

const errorLine = (id: string) => h('p', { id: `${id}-e`, class: 'e', 'aria-live': 'polite' });

function build(inq: Inquiry, topics: string[]): HTMLElement {
  const { cfg } = inq;
  const text = TEXT[cfg.lang];
  if (inq.status == 'done')
    return h(
      'div',
      { class: 'k', role: 'status', tabindex: -1 },
      h('h3', {}, text.thanks),
      h('p', {}, text.thanksText),
    );
  const field = ([name, type, auto]: (typeof INPUTS)[number]) => {
    const id = `bl-${name}`;
    const required = 'required' in LEAD_FIELDS[name];
    const props = {
      id,
      name,
      required,
      'aria-describedby': `${id}-e`,
      onInput: (e: Event) => inq.set(name, (e.target as HTMLInputElement).value),
    };
    const control =
      name == 'topic'
        ? h(
            'select',
            props,
            h('option', { value: '' }, text.choose),
            topics.map((t) => h('option', { value: t }, t)),
          )
        : type
          ? h('input', { ...props, type, autocomplete: auto })
          : h('textarea', { ...props, rows: 5 });
    return (
      (name != 'topic' || topics.length > 0) &&
      h(
        'div',
        { class: 'f' },
        h('label', { for: id }, text[name], required && h('span', { 'aria-hidden': 'true' }, ' *')),
        control,
        errorLine(id),
      )
    );
  };
  const check = (name: 'consent' | 'marketing') =>
    cfg[name] &&
    h(
      'div',
      {},
      h(
        'label',
        { class: 'c' },
        h('input', {
          type: 'checkbox',
          name,
          id: `bl-${name}`,
          required: name == 'consent',
          'aria-describedby': `bl-${name}-e`,
          onChange: (e: Event) => inq.set(name, (e.target as HTMLInputElement).checked),
        }),
        h('span', {}, text[name]),
      ),
      errorLine(`bl-${name}`),
    );
  return h(
    'form',
    { novalidate: true, onFocusIn: inq.prime, onSubmit: (e: Event) => (e.preventDefault(), inq.submit()) },
    h('p', { class: 'n' }, text.required),
    INPUTS.map(field),
    check('consent'),
    check('marketing'),
    // Honeypot: invisible and unreachable for people, filled in by naive bots.
    h(
      'div',
      { class: 'z', 'aria-hidden': 'true' },
      h(
        'label',
        {},
        'Website',
        h('input', {
          name: 'website',
          tabindex: -1,
          autocomplete: 'off',
          onInput: (e: Event) => inq.set('website', (e.target as HTMLInputElement).value),
        }),
      ),
    ),
    h('p', { id: 'bl-', class: 'e', role: 'alert' }),
    h(
      'div',
      { class: 's' },
      h('button', { type: 'submit', class: 'p' }),
      h('a', { href: cfg.privacyUrl, target: '_blank', rel: 'noopener' }, text.privacy),
    ),
  );
}

/** Returns a draw function: it rebuilds the form only when its shape changes, otherwise syncs values and errors in place. */
export function formView(slot: HTMLElement, inq: Inquiry): (focus?: string) => void {
  let shape = '';
  return (focus) => {
    const topics = [...new Set([...inq.cfg.topics, inq.values.topic].filter(Boolean))];
    const next = JSON.stringify([inq.status == 'done', inq.cfg, topics]);
    if (next != shape) slot.replaceChildren(build(inq, topics));
    shape = next;
    const text = TEXT[inq.cfg.lang];
    for (const name of [...FIELD_NAMES, 'website', 'consent', 'marketing', '']) {
      const input = slot.querySelector<HTMLInputElement>(`[name="${name}"]`);
      const error = inq.errors[name] ?? '';
      if (input) {
        if (input.type == 'checkbox') input.checked = inq[name as 'consent'];
        else if (input.value != inq.values[name as LeadField]) input.value = inq.values[name as LeadField];
        if (error) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
      const line = slot.querySelector(`[id="bl-${name}${name && '-e'}"]`);
      if (line && line.textContent != error) line.textContent = error;
    }
    const button = slot.querySelector('button');
    if (button)
      button.textContent = inq.status == 'sending' ? text.sending : inq.status == 'failed' ? text.retry : text.send;
    if (focus) slot.querySelector<HTMLElement>(focus)?.focus();
  };
}
