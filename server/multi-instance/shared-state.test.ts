import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChallengeResponse } from '../../shared/api-types.ts';
import { freshPostgres, type TestDb } from '../testing/databases.ts';
import { clusterSkipReason, instanceEnv } from '../testing/instances.ts';
import { solvePow } from '../testing/lead-client.ts';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';

const skip = await clusterSkipReason();

describe.skipIf(Boolean(skip))('state two instances share through PostgreSQL', () => {
  let testDb: TestDb;
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    testDb = await freshPostgres();
    // No CHALLENGE_SECRET: the instances must agree on the secret the first one stored in the database.
    const env = instanceEnv(testDb.url, 'smtp://127.0.0.1:9', {
      CHALLENGE_SECRET: '',
      MIN_FILL_SECONDS: '1',
      SPAM_POW: 'on',
      POW_MAX_NUMBER: '1000',
      RATE_LIMIT_PER_MINUTE: '4',
      TRUST_PROXY: 'loopback',
    });
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    for (const p of [a, b]) p?.child.kill('SIGKILL');
    await Promise.all([a, b].map((p) => p?.exited));
    await testDb?.drop();
  });

  const challenge = async (p: ServerProcess): Promise<ChallengeResponse> =>
    (await fetch(`${p.url}/api/leads/challenge`)).json() as Promise<ChallengeResponse>;
  const post = (p: ServerProcess, client: string, body: Record<string, unknown>) =>
    fetch(`${p.url}/api/leads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': client },
      body: JSON.stringify({
        name: 'Jürgen Größe',
        email: `${client}@example.de`,
        message: 'Bitte um Rückruf.',
        ...body,
      }),
    });
  const status = async (id: string) =>
    (await testDb.db.pgPool!.query<{ status: string }>('select status from leads where id = $1', [id])).rows[0]?.status;
  const spamReason = async (p: ServerProcess, client: string, answer: ChallengeResponse, pow: string) => {
    const res = await post(p, client, { challenge: answer.challenge, pow });
    expect(res.status).toBe(201);
    return status(((await res.json()) as { id: string }).id);
  };

  it('accepts a challenge and proof of work issued by one instance at the other', { timeout: 30_000 }, async () => {
    const answer = await challenge(a);
    const pow = await solvePow(answer);
    await new Promise((r) => setTimeout(r, answer.wait + 200));
    expect(await spamReason(b, '203.0.113.10', answer, pow)).toBe('new');
  });

  it('stores a proof of work replayed at the other instance as spam', { timeout: 30_000 }, async () => {
    const answer = await challenge(b);
    const pow = await solvePow(answer);
    await new Promise((r) => setTimeout(r, answer.wait + 200));
    expect(await spamReason(b, '203.0.113.20', answer, pow)).toBe('new');
    expect(await spamReason(a, '203.0.113.21', answer, pow)).toBe('spam');
  });

  it('counts one visitor’s posts to both instances against one limit', { timeout: 30_000 }, async () => {
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await post(i % 2 ? b : a, '198.51.100.7', { message: `Anfrage ${i}` });
      codes.push(res.status);
      await res.arrayBuffer();
    }
    expect(codes.filter((c) => c === 201)).toHaveLength(4);
    expect(codes.slice(4)).toEqual([429, 429, 429, 429]);
    const { rows } = await testDb.db.pgPool!.query<{ n: number }>(
      "select count(*)::int as n from leads where email = '198.51.100.7@example.de'",
    );
    expect(rows[0].n).toBe(4);
  });
});
