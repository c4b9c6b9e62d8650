import { checkField, FIELD_NAMES, type LeadField, message } from '../shared/lead-spec.ts';
import { attribution } from './attribution.ts';
import type { WidgetConfig } from './config.ts';
import { TEXT } from './strings.ts';
import { fetchProof, type LeadAnswer, newKey, postLead, type SpamProof } from './transport.ts';

export type Status = 'idle' | 'sending' | 'failed' | 'done';
export type Values = Record<LeadField | 'website', string>;
export type Emit = (event: string, detail: Record<string, unknown>) => void;

const blank = (): Values => ({ name: '', email: '', company: '', phone: '', topic: '', message: '', website: '' });

/**
 * The store of one form: what was typed, its errors, and its one Idempotency-Key, kept across close, re-mount and
 * retry. Its view subscribes with listen(); every change calls draw(), optionally naming what to focus afterwards.
 */
export class Inquiry {
  values = blank();
  consent = false;
  marketing = false;
  /** Field name (or 'consent') to message; '' holds the message for the whole form. */
  errors: Record<string, string> = {};
  status: Status = 'idle';
  private key = '';
  private sent = '';
  private proof?: Promise<SpamProof>;
  private source?: ReturnType<typeof attribution>;
  private listeners: ((focus?: string) => void)[] = [];

  constructor(
    readonly cfg: WidgetConfig,
    readonly emit: Emit,
  ) {}

  listen(fn: (focus?: string) => void) {
    this.listeners.push(fn);
  }

  draw(focus?: string) {
    for (const fn of this.listeners) fn(focus);
  }

  /** First interaction: fetch the spam challenge in the background, never before. */
  prime = () => (this.proof ??= fetchProof(this.cfg.api));

  reset() {
    Object.assign(this, {
      values: blank(),
      consent: false,
      marketing: false,
      errors: {},
      status: 'idle',
      key: '',
      sent: '',
      proof: undefined,
      source: undefined,
    });
  }

  set(field: string, value: string | boolean) {
    if (typeof value == 'boolean') this[field as 'consent' | 'marketing'] = value;
    else this.values[field as LeadField] = value;
    // Once a field shows an error, it is re-checked as the visitor types so the error leaves as soon as it is fixed.
    if (this.errors[field]) this.errors[field] = this.check(field);
    this.draw();
  }

  check(field: string): string {
    if (field == 'consent') return this.cfg.consent && !this.consent ? TEXT[this.cfg.lang].consentMissing : '';
    const code = checkField(field as LeadField, this.values[field as LeadField].trim());
    return code ? message(this.cfg.lang, code, field as LeadField) : '';
  }

  submit = async () => {
    if (this.status == 'sending' || this.status == 'done') return;
    const { cfg } = this;
    const text = TEXT[cfg.lang];
    const topic = this.values.topic.trim() || undefined;
    this.errors = {};
    for (const field of [...FIELD_NAMES, 'consent']) {
      const error = this.check(field);
      if (error) this.errors[field] = error;
    }
    if (Object.keys(this.errors).length) return this.draw('[aria-invalid=true]');
    this.status = 'sending';
    this.draw();
    this.emit('submit', { topic });
    const body: Record<string, unknown> = { locale: cfg.lang, source: (this.source ??= attribution()) };
    for (const field of FIELD_NAMES) if (this.values[field].trim()) body[field] = this.values[field].trim();
    if (cfg.consent) Object.assign(body, { consent: this.consent, consentVersion: cfg.consentVersion });
    if (cfg.marketing) body.marketing = this.marketing;
    if (this.values.website) body.website = this.values.website;
    const { ready = 0, ...proof } = await this.prime();
    // A visitor faster than the server's minimum fill time (autofill, a prefilled 'open') waits instead of being taken for a bot.
    if (ready > Date.now()) await new Promise((r) => setTimeout(r, ready - Date.now()));
    Object.assign(body, proof);
    const json = JSON.stringify(body);
    // The same inquiry keeps its key across retries; an edited one is a new request and gets a new key.
    if (json != this.sent) [this.sent, this.key] = [json, newKey()];
    let answer: LeadAnswer;
    try {
      answer = await postLead(cfg.api, this.key, json);
    } catch {
      return this.fail(text.offline, { error: 'network' });
    }
    const { status, data } = answer;
    if (status == 201) {
      this.status = 'done';
      this.draw('.k');
      this.emit('success', { id: data.id, topic });
      if (cfg.successUrl) location.assign(cfg.successUrl);
      return;
    }
    for (const issue of (status == 422 && data.issues) || []) {
      const field = [...FIELD_NAMES, 'consent'].includes(issue.path) ? issue.path : '';
      this.errors[field] ||= issue.message;
    }
    this.fail(this.errors[''] || (status == 422 && data.issues ? text.fix : text.failed), {
      status,
      error: data.error,
    });
  };

  private fail(error: string, detail: Record<string, unknown>) {
    this.status = 'failed';
    this.errors[''] = error;
    this.draw('[aria-invalid=true]');
    this.emit('error', detail);
  }
}
