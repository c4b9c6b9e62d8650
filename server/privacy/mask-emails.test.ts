import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { startOutbox } from '../start-outbox.ts';
import { LEAD, type OutboxFixture, outboxFixture } from '../testing/outbox-fixture.ts';
import { maskEmails } from './mask-emails.ts';

describe('maskEmails', () => {
  it('masks internationalised addresses like ASCII ones, plain, punycode and URL-encoded', () => {
    expect(maskEmails('550 Recipient <juergen@müller.de> rejected')).toBe('550 Recipient <j***@müller.de> rejected');
    expect(maskEmails('Jürgen.Größe@straße.de, 用户@例子.广告')).toBe('J***@straße.de, 用***@例子.广告');
    expect(maskEmails('to anna@xn--mller-kva.de')).toBe('to a***@xn--mller-kva.de');
    expect(maskEmails('?email=j%C3%BCrgen%40m%C3%BCller.de')).toBe('?email=j***%40m%C3%BCller.de');
  });
});

describe('an SMTP refusal naming an internationalised address', () => {
  let f: OutboxFixture;
  afterEach(() => f.close());

  it('is masked in the log line, in jobs.last_error and in job_attempts.error', async () => {
    const chunks: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _enc, cb) {
          chunks.push(String(chunk));
          cb();
        },
      }),
    );
    f = await outboxFixture('sqlite');
    // The fixture's worker steps aside for one that logs to the captured stream.
    await f.outbox.stop();
    const worker = startOutbox({
      config: f.h.config,
      db: f.h.testDb.db,
      clock: f.h.deps.clock,
      logger,
      transport: f.transport,
    });
    f.peer.failNext(550, 1, '5.1.1 Recipient <juergen@müller.de> rejected');
    const leadId = await f.post({ ...LEAD, email: 'juergen@müller.de' });
    await worker.drainOnce();
    await worker.stop();
    const job = await f.job(leadId);
    const [attempt] = await f.attempts(job.id);
    expect(job.state).toBe('dead');
    expect(job.last_error).toBe('E_SMTP_PERMANENT: 550 5.1.1 Recipient <j***@müller.de> rejected');
    expect(attempt.error).toBe(job.last_error);
    const log = chunks.join('');
    expect(log).toContain('<j***@müller.de> rejected');
    expect(log).not.toContain('juergen');
  });
});
