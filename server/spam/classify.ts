import type { ChallengeResponse } from '../../shared/api-types.ts';
import type { AppDeps } from '../deps.ts';
import { issueChallenge, verifyChallenge } from './challenge.ts';
import { createPow, verifyPow } from './pow.ts';
import { spamKeys } from './secret.ts';

export interface SpamSignals {
  website?: string;
  challenge?: string;
  pow?: string;
}

/** Not spam yet; a proof of work still has to be claimed as unused inside the lead's transaction. */
export type Classification =
  | { spam: false; replay?: { key: string; expiresAt: string } }
  | { spam: true; reason: string };

export interface SpamGuard {
  issue(): Promise<ChallengeResponse>;
  classify(signals: SpamSignals): Promise<Classification>;
}

/** Honeypot, signed minimum fill time and optional ALTCHA proof of work; no third party sees the visitor. */
export function createSpamGuard(deps: Pick<AppDeps, 'config' | 'db' | 'clock'>): SpamGuard {
  const { config, clock } = deps;
  const minFillMs = config.MIN_FILL_SECONDS * 1000;
  const powOn = config.SPAM_POW === 'on';
  return {
    async issue() {
      const keys = await spamKeys(deps);
      const now = clock().getTime();
      const answer: ChallengeResponse = { challenge: issueChallenge(keys.challenge, now), wait: minFillMs };
      if (powOn) answer.pow = await createPow(keys.pow, now, config.POW_MAX_NUMBER);
      return answer;
    },
    async classify(signals) {
      if (signals.website?.trim()) return { spam: true, reason: 'honeypot' };
      const keys = minFillMs > 0 || powOn ? await spamKeys(deps) : undefined;
      const now = clock().getTime();
      if (keys && minFillMs > 0) {
        const verdict = verifyChallenge(keys.challenge, signals.challenge, now, minFillMs);
        if (verdict !== 'ok') return { spam: true, reason: `challenge_${verdict}` };
      }
      if (keys && powOn) {
        const pow = await verifyPow(keys.pow, signals.pow, now);
        if (pow.verdict !== 'ok') return { spam: true, reason: `pow_${pow.verdict}` };
        return { spam: false, replay: { key: pow.replayKey, expiresAt: pow.expiresAt } };
      }
      return { spam: false };
    },
  };
}
