import { solveChallenge } from 'altcha-lib/v1';
import type { ChallengeResponse } from '../../shared/api-types.ts';
import type { Harness } from './app-harness.ts';

export const validLead = {
  name: 'Jürgen Größe',
  email: 'juergen@example.de',
  message: 'Wir möchten Rechnungen automatisch auslesen.',
  locale: 'de',
};

export async function fetchChallenge(h: Pick<Harness, 'app'>): Promise<ChallengeResponse> {
  const res = await h.app.request('/api/leads/challenge');
  if (res.status !== 200) throw new Error(`challenge answered ${res.status}`);
  return (await res.json()) as ChallengeResponse;
}

/** Solves the puzzle as the widget does and encodes the ALTCHA v1 payload. */
export async function solvePow(answer: ChallengeResponse, number?: number): Promise<string> {
  const pow = answer.pow!;
  const n = number ?? (await solveChallenge(pow.challenge, pow.salt, pow.algorithm, pow.maxnumber).promise)!.number;
  const payload = {
    algorithm: pow.algorithm,
    challenge: pow.challenge,
    number: n,
    salt: pow.salt,
    signature: pow.signature,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64');
}

export const postLead = (
  h: Pick<Harness, 'app'>,
  body: unknown,
  headers: Record<string, string> = {},
  remoteAddress?: string,
) =>
  h.app.request(
    '/api/leads',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    remoteAddress ? { incoming: { socket: { remoteAddress } } } : undefined,
  );

/** The stored status and the number of mail jobs of one lead. */
export async function leadState(h: Harness, id: string): Promise<{ status: string; jobs: number }> {
  const k = h.testDb.db.kysely;
  const lead = await k.selectFrom('leads').select('status').where('id', '=', id).executeTakeFirstOrThrow();
  const jobs = await k.selectFrom('jobs').select('id').where('lead_id', '=', id).execute();
  return { status: lead.status, jobs: jobs.length };
}
