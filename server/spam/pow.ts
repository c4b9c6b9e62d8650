import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { PowChallenge } from '../../shared/api-types.ts';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { CHALLENGE_MAX_AGE_MS } from './challenge.ts';

const Payload = z.object({
  algorithm: z.literal('SHA-256'),
  challenge: z.string().regex(/^[0-9a-f]{64}$/),
  number: z.number().int().min(0).max(10_000_000),
  salt: z.string().max(200),
  signature: z.string().regex(/^[0-9a-f]{64}$/),
});

export type PowVerdict =
  | { verdict: 'missing' | 'invalid' | 'expired' }
  | { verdict: 'ok'; replayKey: string; expiresAt: string };

/** An ALTCHA v1 challenge that lives as long as a time-trap challenge, so a slow writer is not turned into spam. */
export async function createPow(key: string, nowMs: number, maxnumber: number): Promise<PowChallenge> {
  const c = await createChallenge({
    hmacKey: key,
    maxnumber,
    algorithm: 'SHA-256',
    expires: new Date(nowMs + CHALLENGE_MAX_AGE_MS),
  });
  return { algorithm: 'SHA-256', challenge: c.challenge, salt: c.salt, maxnumber, signature: c.signature };
}

function decode(value: string): z.infer<typeof Payload> | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  try {
    const parsed = Payload.safeParse(JSON.parse(Buffer.from(value, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Checks the solution and its expiry against the injected clock (altcha-lib would read Date.now()). */
export async function verifyPow(key: string, value: string | undefined, nowMs: number): Promise<PowVerdict> {
  if (!value) return { verdict: 'missing' };
  const payload = decode(value);
  if (!payload || !(await verifySolution(payload, key, false))) return { verdict: 'invalid' };
  const expires = Number(extractParams(payload).expires) * 1000;
  if (!Number.isFinite(expires) || expires < nowMs) return { verdict: 'expired' };
  return { verdict: 'ok', replayKey: payload.signature, expiresAt: new Date(expires).toISOString() };
}

/** Records a used solution inside the lead's transaction; false when any instance used it before. */
export async function claimReplay(trx: Kysely<Database>, key: string, expiresAt: string): Promise<boolean> {
  const row = await trx
    .insertInto('spam_replay')
    .values({ key, expires_at: expiresAt })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return Boolean(row);
}

/** Forgets solutions whose challenge expired; those are refused as expired anyway. */
export async function pruneReplay(db: Db, nowIso: string): Promise<void> {
  await db.kysely.deleteFrom('spam_replay').where('expires_at', '<', nowIso).execute();
}
