import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { loadSecret } from '../spam/secret.ts';

const ID = /^[0-9a-f-]{36}$/;
const keys = new WeakMap<Config, Promise<Buffer>>();

/** The link key, derived from the shared secret so every instance signs and checks alike; loaded once per config. */
export function optInKey(deps: { config: Config; db: Db; clock: Clock }): Promise<Buffer> {
  let key = keys.get(deps.config);
  if (!key) {
    key = loadSecret(deps.config, deps.db, deps.clock).then((s) =>
      createHmac('sha256', s).update('marketing-optin').digest(),
    );
    key.catch(() => keys.delete(deps.config));
    keys.set(deps.config, key);
  }
  return key;
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** `<consent id>.<expiry, unix seconds>.<HMAC>`: opaque to the visitor, unforgeable without the key. */
export function signOptIn(key: Buffer, consentId: string, expiresAt: string): string {
  const payload = `${consentId}.${Math.floor(Date.parse(expiresAt) / 1000)}`;
  return `${payload}.${mac(key, payload)}`;
}

export type TokenCheck = { ok: true; consentId: string; expiresAt: number } | { ok: false };

/** Checks the signature in constant time; what the token points at is for the caller to look up. */
export function verifyOptIn(key: Buffer, token: unknown): TokenCheck {
  if (typeof token !== 'string' || token.length > 200) return { ok: false };
  const [id, exp, sig, ...rest] = token.split('.');
  if (rest.length || !id || !ID.test(id) || !/^\d{1,12}$/.test(exp ?? '') || !sig) return { ok: false };
  const want = Buffer.from(mac(key, `${id}.${exp}`));
  const got = Buffer.from(sig);
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false };
  return { ok: true, consentId: id, expiresAt: Number(exp) * 1000 };
}
