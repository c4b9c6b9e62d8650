import { expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { mailTimeouts } from './timeouts.ts';

it('sets its own SMTP timeouts and a lease longer than any send can take', () => {
  const t = mailTimeouts(loadConfig({}));
  expect(t).toMatchObject({ connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  expect(t.sendDeadlineMs).toBeGreaterThanOrEqual(t.connectionTimeout + t.greetingTimeout + t.socketTimeout);
  expect(t.leaseMs).toBeGreaterThan(t.sendDeadlineMs);
  const slow = mailTimeouts(loadConfig({ SMTP_CONNECT_TIMEOUT_MS: '120000', SMTP_SOCKET_TIMEOUT_MS: '600000' }));
  expect(slow.leaseMs).toBeGreaterThan(slow.sendDeadlineMs);
});

it('names the mail setting and the fix when a value is wrong', () => {
  expect(() => loadConfig({ MAIL_PER_HOUR: '-5' })).toThrow(ConfigError);
  expect(() => loadConfig({ MAIL_PER_HOUR: '-5' })).toThrow(/MAIL_PER_HOUR: use 0 \(no cap\)/);
  expect(() => loadConfig({ SMTP_CONNECT_TIMEOUT_MS: '10' })).toThrow(/SMTP_CONNECT_TIMEOUT_MS: use at least 1000/);
  expect(() => loadConfig({ MAIL_MAX_ATTEMPTS: '0' })).toThrow(/MAIL_MAX_ATTEMPTS: use at least 1 try/);
});
