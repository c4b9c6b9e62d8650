import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { mailNotification } from '../outbox/mail-notification.ts';
import { describeEachDb } from '../testing/each-db.ts';
import { type WebhookFixture, webhookFixture } from '../testing/webhook-fixture.ts';
import { type Receiver, startReceiver, TEST_SECRET } from '../testing/webhook-receiver.ts';
import { addressProblem } from './addresses.ts';
import { type Resolver, systemResolver } from './guarded-lookup.ts';
import { webhookHandlers } from './handler.ts';
import { postJson } from './post.ts';
import { WebhookError } from './webhook-error.ts';

const settings = (env: Record<string, string>) => () => loadConfig({ WEBHOOK_SECRET: TEST_SECRET, ...env });

describe('webhook targets at start-up', () => {
  it.each([
    ['http://10.0.0.1/', /WEBHOOK_URLS: refused "http:\/\/10\.0\.0\.1\/": .*must use https:/],
    ['https://10.0.0.1/', /WEBHOOK_URLS: .*10\.0\.0\.1 is a private, link-local, metadata or reserved address/],
    ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a private/],
    ['https://[::ffff:169.254.169.254]/', /is a private/],
    ['https://[fd00:ec2::254]/', /is a private/],
    ['https://[fe80::1]/', /is a private/],
    ['https://100.64.0.1/', /is a private/],
    ['https://0.0.0.0/', /is a private/],
    ['https://192.168.1.10:8443/hook', /is a private/],
    ['https://172.20.0.5/', /is a private/],
    ['https://metadata.google.internal/computeMetadata/v1/', /metadata\.google\.internal is a cloud metadata service/],
    ['http://crm.example.de/hook', /must use https:/],
    ['ftp://crm.example.de/', /"ftp:" is not https:/],
    ['slack:not a url', /is not a URL/],
  ])('refuses %s with a message naming WEBHOOK_URLS', (url, message) => {
    expect(settings({ WEBHOOK_URLS: url })).toThrow(message);
    expect(settings({ WEBHOOK_URLS: url })).toThrow(/WEBHOOK_URLS/);
  });

  it('refuses loopback targets in production and allows them otherwise', () => {
    for (const url of [
      'http://127.0.0.1:9000/h',
      'https://127.0.0.2/',
      'https://[::1]/',
      'https://localhost/',
      'http://localhost:3000/',
    ]) {
      expect(settings({ WEBHOOK_URLS: url, NODE_ENV: 'production' })).toThrow(/WEBHOOK_URLS: .*(loopback|https:)/);
      expect(settings({ WEBHOOK_URLS: url })().WEBHOOK_URLS).toEqual([url]);
    }
  });

  it('accepts https targets and a slack: prefix, and trims the comma list', () => {
    const config = settings({
      WEBHOOK_URLS: ' https://crm.example.de/hooks/lead?x=1 , slack:https://hooks.slack.com/services/T0/B0/xyz ',
      NODE_ENV: 'production',
    })();
    expect(config.WEBHOOK_URLS).toEqual([
      'https://crm.example.de/hooks/lead?x=1',
      'slack:https://hooks.slack.com/services/T0/B0/xyz',
    ]);
    expect(config.WEBHOOK_TIMEOUT_MS).toBe(10_000);
  });

  it('requires a valid whsec_ secret for signed targets, naming WEBHOOK_SECRET and how to make one', () => {
    const url = 'https://crm.example.de/hook';
    expect(() => loadConfig({ WEBHOOK_URLS: url })).toThrow(/WEBHOOK_SECRET: is required .*openssl rand -base64 32/);
    expect(() => loadConfig({ WEBHOOK_URLS: url, WEBHOOK_SECRET: 'geheim' })).toThrow(
      /WEBHOOK_SECRET: must be whsec_ followed by base64/,
    );
    expect(() =>
      loadConfig({ WEBHOOK_URLS: url, WEBHOOK_SECRET: `whsec_${Buffer.alloc(8).toString('base64')}` }),
    ).toThrow(/24 to 64 bytes .*holds 8/);
    expect(() => loadConfig({ WEBHOOK_URLS: url, WEBHOOK_SECRET: 'whsec_ab$d' })).toThrow(/WEBHOOK_SECRET/);
    // Slack needs no signature, so no secret.
    expect(loadConfig({ WEBHOOK_URLS: 'slack:https://hooks.slack.com/services/T0/B0/xyz' }).WEBHOOK_URLS).toHaveLength(
      1,
    );
  });

  it('refuses a URL listed twice and a timeout the outbox lease could not outlast', () => {
    expect(settings({ WEBHOOK_URLS: 'https://a.example/h,https://a.example/h' })).toThrow(
      /WEBHOOK_URLS: lists a URL twice/,
    );
    expect(settings({ WEBHOOK_TIMEOUT_MS: '60000' })).toThrow(/WEBHOOK_TIMEOUT_MS: use at most 30000/);
  });
});

describe('address classes', () => {
  it.each([
    '10.1.2.3',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.127.0.1',
    '0.0.0.0',
    '::',
    'fc00::1',
    'fe80::abcd',
    '::ffff:10.0.0.1',
    '224.0.0.1',
    '64:ff9b::a00:1',
  ])('refuses %s', (ip) => expect(addressProblem(ip, true)).toMatch(/private, link-local/));
  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2a00:1450:4001:80b::200e'])('allows public %s', (ip) =>
    expect(addressProblem(ip, false)).toBeUndefined(),
  );
  it('treats loopback by the setting', () => {
    for (const ip of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) {
      expect(addressProblem(ip, true)).toBeUndefined();
      expect(addressProblem(ip, false)).toMatch(/loopback/);
    }
  });
});

describe('the send-time guard', () => {
  let receiver: Receiver;
  afterEach(() => receiver.close());
  const opts = (resolver: Resolver, allowLoopback: boolean) => ({ timeoutMs: 2000, allowLoopback, resolver });

  it('refuses a name that really resolves to 127.0.0.1 (localhost, via the system resolver) in production, without connecting', async () => {
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    const err = await postJson(new URL(`https://localhost:${port}/x`), '{}', {}, opts(systemResolver, false)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WebhookError);
    expect(err).toMatchObject({
      permanent: true,
      code: 'E_WEBHOOK_BLOCKED',
      message: expect.stringMatching(/localhost resolves to 127\.0\.0\.1 is a loopback address/),
    });
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses a name when any one of its addresses is private', async () => {
    receiver = await startReceiver();
    const mixed: Resolver = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    const err = await postJson(
      new URL(receiver.url.replace('127.0.0.1', 'localhost')),
      '{}',
      {},
      opts(mixed, true),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ permanent: true, message: expect.stringMatching(/10\.0\.0\.7 is a private/) });
    expect(receiver.received).toHaveLength(0);
  });

  it('connects to exactly the address it checked, resolving once', async () => {
    receiver = await startReceiver();
    const asked: string[] = [];
    const resolver: Resolver = async (name) => {
      asked.push(name);
      return [{ address: '127.0.0.1', family: 4 } satisfies LookupAddress];
    };
    expect(
      await postJson(new URL(receiver.url.replace('127.0.0.1', 'localhost')), '{"a":1}', {}, opts(resolver, true)),
    ).toBe(200);
    expect(asked).toEqual(['localhost']);
    expect(receiver.received.map((r) => r.body)).toEqual(['{"a":1}']);
  });
});

describeEachDb('SSRF at send time through the outbox', (dialect) => {
  let w: WebhookFixture;
  afterEach(() => w.close());

  it('marks a delivery dead when its host resolves to loopback under NODE_ENV=production (a rebinding DNS)', async () => {
    // The DNS answer changed after start-up: at start the name was public, now it points at the server itself.
    const rebinding: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    w = await webhookFixture(
      dialect,
      (url) => ({ WEBHOOK_URLS: `https://crm.rebind.test:${new URL(url).port}/hook`, NODE_ENV: 'production' }),
      { handlers: [...webhookHandlers({ resolver: rebinding }), mailNotification] },
    );
    const id = await w.f.post();
    await w.f.outbox.drainOnce();
    expect(await w.deliveries(id)).toMatchObject([
      {
        state: 'dead',
        attempts: 1,
        last_error: expect.stringMatching(
          /^E_WEBHOOK_BLOCKED: crm\.rebind\.test resolves to 127\.0\.0\.1 is a loopback/,
        ),
      },
    ]);
    expect(w.receiver.received).toHaveLength(0);
    expect(w.f.peer.mails).toHaveLength(1);
  });
});
