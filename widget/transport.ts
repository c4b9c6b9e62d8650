import type { ErrorBody, LeadCreated, ValidationIssue } from '../shared/api-types.ts';
import { solvePow } from './pow.ts';

/** What the spam protection asks to be sent back with the lead; empty when the server has none. */
export interface SpamProof {
  challenge?: string;
  pow?: string;
  /** Date.now() from which the server counts a submission as a person's; not sent. */
  ready?: number;
}

/** Fetches the challenge and solves its proof of work; any failure yields {} so the visitor is never blocked. */
export async function fetchProof(api: string): Promise<SpamProof> {
  try {
    const res = await fetch(`${api}/api/leads/challenge`, { credentials: 'omit' });
    if (!res.ok) return {};
    const data = await res.json();
    return {
      challenge: typeof data.challenge == 'string' ? data.challenge : undefined,
      // Measured on the visitor's clock from the answer, so clock skew to the server does not matter.
      ready: Date.now() + Math.min(+data.wait || 0, 6e4) + 300,
      pow: data.pow && crypto.subtle ? await solvePow(data.pow) : undefined,
    };
  } catch {
    return {};
  }
}

/** A fresh Idempotency-Key; randomUUID needs a secure context, getRandomValues does not. */
export function newKey(): string {
  return (
    crypto.randomUUID?.() ??
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
  );
}

export interface LeadAnswer {
  status: number;
  /** Any of the server's answers, or {} when the body was not JSON. */
  data: Partial<LeadCreated & ErrorBody & { issues: ValidationIssue[] }>;
}

/** Posts the lead; throws only when the network fails, so the caller can keep everything and offer a retry. */
export async function postLead(api: string, key: string, json: string): Promise<LeadAnswer> {
  const res = await fetch(`${api}/api/leads`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: json,
    credentials: 'omit',
  });
  return { status: res.status, data: await res.json().catch(() => ({})) };
}
