import type { Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  raw: Buffer;
  parsed: ParsedMail;
  envelope: { from: string; to: string[] };
}

type Fault =
  | { kind: 'reply'; code: number; text: string }
  | { kind: 'drop' }
  | { kind: 'hold'; arrived: () => void; released: Promise<void> };

export interface SmtpPeer {
  port: number;
  /** smtp://127.0.0.1:port, for SMTP_URL. */
  url: string;
  /** Every message the peer accepted, in order; a dropped one counts too (the client never heard the 250). */
  mails: ReceivedMail[];
  /** Replies with this code (421, 451, 550, ...) to the DATA of the next `count` messages. */
  failNext(code: number, count?: number, text?: string): void;
  /** Reads the whole DATA of the next `count` messages, keeps them, then drops the connection without answering. */
  dropNext(count?: number): void;
  /** Keeps the next message's 250 back until release(); `arrived` resolves once its DATA is in. */
  holdNext(): { arrived: Promise<void>; release(): void };
  /** Closes the listener and every open connection, like a server that went away. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Resolves once at least n mails have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 for tests, with fault injection. */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const mails: ReceivedMail[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  const waiters: (() => void)[] = [];
  let port = 0;
  let server: SMTPServer | undefined;

  const keep = (raw: Buffer, parsed: ParsedMail, session: SMTPServerSession) => {
    const env = session.envelope;
    mails.push({
      raw,
      parsed,
      envelope: { from: env.mailFrom ? env.mailFrom.address : '', to: env.rcptTo.map((r) => r.address) },
    });
    for (const w of waiters.splice(0)) w();
  };

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      const fault = faults.shift();
      if (fault?.kind === 'reply') {
        return callback(Object.assign(new Error(fault.text), { responseCode: fault.code }));
      }
      void simpleParser(raw).then(async (parsed) => {
        if (fault?.kind === 'hold') {
          fault.arrived();
          await fault.released;
        }
        keep(raw, parsed, session);
        if (fault?.kind === 'drop') {
          for (const s of sockets) if (s.remotePort === session.remotePort) s.destroy();
          return;
        }
        callback();
      }, callback);
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData,
        closeTimeout: 100,
      });
      s.server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      s.on('error', () => {});
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const address = s.server.address();
        port = typeof address === 'object' && address ? address.port : port;
        server = s;
        resolve();
      });
    });

  const down = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  const peer: SmtpPeer = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    failNext(code, count = 1, text = `injected fault ${code}`) {
      for (let i = 0; i < count; i++) faults.push({ kind: 'reply', code, text });
    },
    dropNext(count = 1) {
      for (let i = 0; i < count; i++) faults.push({ kind: 'drop' });
    },
    holdNext() {
      let arrived!: () => void;
      let release!: () => void;
      const arrivedP = new Promise<void>((r) => (arrived = r));
      const released = new Promise<void>((r) => (release = r));
      faults.push({ kind: 'hold', arrived, released });
      return { arrived: arrivedP, release };
    },
    down,
    up: listen,
    waitFor(n, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${n} mails, got ${mails.length}`)), timeoutMs);
        const check = () => {
          if (mails.length >= n) {
            clearTimeout(timer);
            resolve(mails);
          } else waiters.push(check);
        };
        check();
      });
    },
    close: down,
  };
  return peer;
}
