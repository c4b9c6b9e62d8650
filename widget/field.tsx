import { LEAD_FIELDS, type LeadField } from '../shared/lead-spec.ts';
import type { Inquiry } from './inquiry.ts';
import { TEXT } from './strings.ts';

/** Field name, input type (none: a textarea), autocomplete token. */
export type FieldSpec = [LeadField, ('text' | 'email' | 'tel')?, string?];

type Target = { currentTarget: { value: string; checked?: boolean } };

/** The error text under a control, named by the control's aria-describedby. */
export const ErrorLine = ({ id, error }: { id: string; error?: string }) => (
  <p id={`${id}-e`} class="e" aria-live="polite">
    {error}
  </p>
);

/** A labelled input, select or textarea; value, aria-invalid and error text come from the store. */
export function Field({ inq, spec: [name, type, auto], topics }: { inq: Inquiry; spec: FieldSpec; topics: string[] }) {
  const id = `bl-${name}`;
  const text = TEXT[inq.cfg.lang];
  const required = 'required' in LEAD_FIELDS[name];
  const error = inq.errors[name];
  const props = {
    id,
    name,
    required,
    value: inq.values[name],
    'aria-invalid': !!error || undefined,
    'aria-describedby': `${id}-e`,
    onInput: (e: Target) => inq.set(name, e.currentTarget.value),
  };
  return (
    <div class="f">
      <label for={id}>
        {text[name]}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {name == 'topic' ? (
        <select {...props}>
          <option value="">{text.choose}</option>
          {topics.map((t) => (
            <option value={t}>{t}</option>
          ))}
        </select>
      ) : type ? (
        <input {...props} type={type as 'text'} autocomplete={auto} />
      ) : (
        <textarea {...props} rows={5} />
      )}
      <ErrorLine id={id} error={error} />
    </div>
  );
}

/** A checkbox with its text as the label: the consent (required when configured) or the separate marketing opt-in. */
export function Check({ inq, name }: { inq: Inquiry; name: 'consent' | 'marketing' }) {
  const id = `bl-${name}`;
  const error = inq.errors[name];
  return (
    <div>
      <label class="c">
        <input
          type="checkbox"
          name={name}
          id={id}
          required={name == 'consent'}
          checked={inq[name]}
          aria-invalid={!!error || undefined}
          aria-describedby={`${id}-e`}
          onChange={(e) => inq.set(name, e.currentTarget.checked)}
        />
        <span>{TEXT[inq.cfg.lang][name]}</span>
      </label>
      <ErrorLine id={id} error={error} />
    </div>
  );
}

/** Invisible and unreachable for people, filled in by naive bots. */
export const Honeypot = ({ inq }: { inq: Inquiry }) => (
  <div class="z" aria-hidden="true">
    <label>
      Website
      <input
        name="website"
        tabIndex={-1}
        autocomplete="off"
        value={inq.values.website}
        onInput={(e: Target) => inq.set('website', e.currentTarget.value)}
      />
    </label>
  </div>
);
