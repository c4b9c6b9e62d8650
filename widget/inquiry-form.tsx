import { Check, Field, type FieldSpec, Honeypot } from './field.tsx';
import type { Inquiry } from './inquiry.ts';
import { TEXT, type Texts } from './strings.ts';

// Fields as data, not markup, keeps the bundle small.
const FIELDS: FieldSpec[] = [
  ['name', 'text', 'name'],
  ['email', 'email', 'email'],
  ['company', 'text', 'organization'],
  ['phone', 'tel', 'tel'],
  ['topic'],
  ['message'],
];

/** What the visitor sees after the lead was stored; focused so a screen reader announces it. */
export const Thanks = ({ text }: { text: Texts }) => (
  <div class="k" role="status" tabIndex={-1}>
    <h3>{text.thanks}</h3>
    <p>{text.thanksText}</p>
  </div>
);

/** The whole form, drawn from its store: fields, consent and marketing checks, honeypot, form error and submit. */
export function InquiryForm({ inq }: { inq: Inquiry }) {
  const { cfg, status, values } = inq;
  const text = TEXT[cfg.lang];
  if (status == 'done') return <Thanks text={text} />;
  // A topic prefilled by an opener but missing from data-topics is still offered, and selected.
  const topics = [...new Set([...cfg.topics, values.topic].filter(Boolean))];
  return (
    <form noValidate onFocusIn={inq.prime} onSubmit={(e) => (e.preventDefault(), inq.submit())}>
      <p class="n">{text.required}</p>
      {FIELDS.map(
        (spec) => (spec[0] != 'topic' || topics.length > 0) && <Field inq={inq} spec={spec} topics={topics} />,
      )}
      {cfg.consent && <Check inq={inq} name="consent" />}
      {cfg.marketing && <Check inq={inq} name="marketing" />}
      <Honeypot inq={inq} />
      <p id="bl-" class="e" role="alert">
        {inq.errors['']}
      </p>
      <div class="s">
        <button type="submit" class="p">
          {status == 'sending' ? text.sending : status == 'failed' ? text.retry : text.send}
        </button>
        <a href={cfg.privacyUrl} target="_blank" rel="noopener">
          {text.privacy}
        </a>
      </div>
    </form>
  );
}
