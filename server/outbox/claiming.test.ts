import { tmpdir } from 'node:os';
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { JOB_KINDS } from '../store/job-kinds.ts';
import { freshSqlite, type TestDb } from '../testing/databases.ts';
import { recordSentMails } from '../testing/sent-mails.ts';
import { type JobKinds, rememberFullCap } from './claiming.ts';

const KINDS: JobKinds = {
  all: [JOB_KINDS.notification, JOB_KINDS.webhookCreated],
  mail: [JOB_KINDS.notification],
  other: [JOB_KINDS.webhookCreated],
};

describe('the mail cap check', () => {
  let t: TestDb;
  let now: number;
  let statements: number;
  let db: Db;
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      statements++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };

  beforeEach(async () => {
    t = await freshSqlite();
    now = Date.parse('2026-12-05T10:00:00.000Z');
    statements = 0;
    db = { ...t.db, kysely: t.db.kysely.withPlugin(counter) };
  });
  afterEach(() => t.drop());

  const sent = (n: number) => recordSentMails(t.db.kysely, n, now - 50 * 60_000);

  function check() {
    const config = loadConfig({ DATA_DIR: tmpdir(), MAIL_PER_HOUR: '3' });
    return rememberFullCap({ config, db, clock: () => new Date(now) }, KINDS, 1000);
  }

  it('counts the hour once while the cap stays full, and again when its oldest send leaves the hour', async () => {
    await sent(3);
    const allowance = check();
    const full = { kinds: KINDS.other, limit: 20, capFreesAt: new Date(now + 10 * 60_000) };
    for (let wake = 0; wake < 100; wake++) expect(await allowance(20, 0)).toEqual(full);
    expect(statements).toBe(1);
    now += 10 * 60_000;
    expect(await allowance(20, 0)).toEqual({ kinds: KINDS.all, limit: 1 });
    expect(statements).toBe(2);
  });

  it('counts again when a mail in flight ends, since an unsent one frees its place', async () => {
    await sent(2);
    const allowance = check();
    expect(await allowance(20, 1)).toMatchObject({ kinds: KINDS.other });
    expect(await allowance(20, 1)).toMatchObject({ kinds: KINDS.other });
    expect(statements).toBe(1);
    expect(await allowance(20, 0)).toEqual({ kinds: KINDS.all, limit: 1 });
    expect(statements).toBe(2);
  });

  it('counts on every claim while the cap has room', async () => {
    await sent(1);
    const allowance = check();
    expect(await allowance(20, 0)).toEqual({ kinds: KINDS.all, limit: 2 });
    expect(await allowance(20, 1)).toEqual({ kinds: KINDS.all, limit: 1 });
    expect(statements).toBe(2);
  });
});
