import { optInKey, signOptIn } from '../consent/optin-token.ts';
import { uuidv7 } from '../ids.ts';
import type { Harness } from './app-harness.ts';

export interface ConsentProbe {
  op: string;
  status: number;
  send: () => Promise<Response>;
}

/** Real answers of the consent pages for the API document's tests: a fresh, a used, an unknown and a forged link. */
export function consentProbes(h: Harness): ConsentProbe[] {
  let n = 0;
  const link = async (kind: 'fresh' | 'unknown') => {
    const key = await optInKey(h.deps);
    const future = new Date(h.deps.clock().getTime() + 86_400_000).toISOString();
    if (kind === 'unknown') return signOptIn(key, uuidv7(), future);
    n++;
    // A client address per lead, so the suite's rate limit never answers in place of the intake.
    const res = await h.app.request(
      '/api/leads',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Anna', email: `probe${n}@example.de`, message: 'Hallo', marketing: true }),
      },
      { incoming: { socket: { remoteAddress: `198.51.100.${n}` } } },
    );
    if (res.status !== 201) throw new Error(`the probe's lead got ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const row = await h.deps.db.kysely
      .selectFrom('marketing_consents')
      .select(['id', 'expires_at'])
      .where('lead_id', '=', id)
      .executeTakeFirstOrThrow();
    return signOptIn(key, row.id, row.expires_at);
  };
  const show = (t: string) => Promise.resolve(h.app.request(`/consent/marketing?t=${encodeURIComponent(t)}`));
  const press = (t: string, extra = '') =>
    Promise.resolve(
      h.app.request('/consent/marketing', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `t=${encodeURIComponent(t)}${extra}`,
      }),
    );
  const used = async () => {
    const t = await link('fresh');
    await press(t);
    return t;
  };
  return [
    { op: 'showMarketingConsent', status: 200, send: async () => show(await link('fresh')) },
    { op: 'showMarketingConsent', status: 400, send: () => show('forged.1.x') },
    { op: 'showMarketingConsent', status: 409, send: async () => show(await used()) },
    { op: 'showMarketingConsent', status: 410, send: async () => show(await link('unknown')) },
    { op: 'confirmMarketingConsent', status: 200, send: async () => press(await link('fresh')) },
    { op: 'confirmMarketingConsent', status: 400, send: () => press('forged.1.x') },
    { op: 'confirmMarketingConsent', status: 409, send: async () => press(await used()) },
    { op: 'confirmMarketingConsent', status: 410, send: async () => press(await link('unknown')) },
    { op: 'confirmMarketingConsent', status: 413, send: () => press('x', `&pad=${'x'.repeat(5000)}`) },
    { op: 'getConsentStylesheet', status: 200, send: () => Promise.resolve(h.app.request('/consent/consent.css')) },
  ];
}
