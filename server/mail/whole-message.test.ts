import { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.ts';
import { type SmtpPeer, startSmtpPeer } from '../testing/smtp-peer.ts';
import { createMailTransport } from './transport.ts';

let peer: SmtpPeer;
beforeAll(async () => {
  peer = await startSmtpPeer();
});
afterAll(() => peer.close());

it('sends a multipart mail to the SMTP peer in one socket write, and it arrives intact', async () => {
  const config = loadConfig({ SMTP_URL: peer.url, MAIL_FROM: 'leads@kunde.de', SALES_INBOX: 'vertrieb@kunde.de' });
  const transport = createMailTransport(config);
  const text = `Grüße aus Köln\n${'Zeile mit Umlauten: äöüß\n'.repeat(100)}.eine Zeile, die mit einem Punkt beginnt\nEnde`;
  const html = `<p>${'Grüße aus Köln '.repeat(200)}</p>`;
  await transport.send({ from: 'leads@kunde.de', to: 'vertrieb@kunde.de', subject: 'Größe', text: 'warm-up' });
  // The peer answers in this process too: count only what the client writes towards it.
  const written: number[] = [];
  const write = Socket.prototype.write;
  const spy = vi.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args) {
    if (this.remotePort === peer.port) written.push(Buffer.byteLength(args[0] as string | Buffer));
    return write.apply(this, args as Parameters<Socket['write']>);
  });
  try {
    await transport.send({ from: 'leads@kunde.de', to: 'vertrieb@kunde.de', subject: 'Größe', text, html });
  } finally {
    spy.mockRestore();
    transport.close();
  }
  const [, mail] = await peer.waitFor(2);
  expect(mail.parsed.text?.trim()).toBe(text);
  expect(mail.parsed.html).toBe(html);
  // On the wire the line that starts with a dot carries a second one (RFC 5321 4.5.2); the peer removed it.
  expect(Math.max(...written)).toBe(mail.raw.length + 1);
});
