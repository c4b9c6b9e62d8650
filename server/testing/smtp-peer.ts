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

function envelopeOf(session: SMTPServerSession): ReceivedMail['envelope'] {
  const env = session.envelope;
  return { from: env.mailFrom ? env.mailFrom.address : '', to: env.rcptTo.map((r) => r.address) };
}

class Peer implements SmtpPeer {
  port = 0;
  readonly mails: ReceivedMail[] = [];
  private readonly faults: Fault[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly waiters: (() => void)[] = [];
  private server: SMTPServer | undefined;

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private keep(raw: Buffer, parsed: ParsedMail, session: SMTPServerSession) {
    this.mails.push({ raw, parsed, envelope: envelopeOf(session) });
    for (const w of this.waiters.splice(0)) w();
  }

  private async accept(raw: Buffer, session: SMTPServerSession, fault: Fault | undefined, done: () => void) {
    const parsed = await simpleParser(raw);
    if (fault?.kind === 'hold') {
      fault.arrived();
      await fault.released;
    }
    this.keep(raw, parsed, session);
    if (fault?.kind !== 'drop') return done();
    for (const s of this.sockets) if (s.remotePort === session.remotePort) s.destroy();
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      const fault = this.faults.shift();
      if (fault?.kind === 'reply') return callback(Object.assign(new Error(fault.text), { responseCode: fault.code }));
      this.accept(raw, session, fault, () => callback()).catch(callback);
    });
  }

  up(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const s = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData: (stream, session, callback) => this.onData(stream, session, callback),
        closeTimeout: 100,
      });
      s.server.on('connection', (socket: Socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
      s.on('error', () => {});
      s.server.once('error', reject);
      s.listen(this.port, '127.0.0.1', () => {
        const address = s.server.address();
        this.port = typeof address === 'object' && address ? address.port : this.port;
        this.server = s;
        resolve();
      });
    });
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.down();
  }

  failNext(code: number, count = 1, text = `injected fault ${code}`) {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'reply', code, text });
  }

  dropNext(count = 1) {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'drop' });
  }

  holdNext() {
    let arrived!: () => void;
    let release!: () => void;
    const arrivedP = new Promise<void>((r) => (arrived = r));
    const released = new Promise<void>((r) => (release = r));
    this.faults.push({ kind: 'hold', arrived, released });
    return { arrived: arrivedP, release };
  }

  waitFor(n: number, timeoutMs = 5000): Promise<ReceivedMail[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${n} mails, got ${this.mails.length}`)), timeoutMs);
      const check = () => {
        if (this.mails.length >= n) {
          clearTimeout(timer);
          resolve(this.mails);
        } else this.waiters.push(check);
      };
      check();
    });
  }
}

/** A real SMTP server on 127.0.0.1 for tests, with fault injection. */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const peer = new Peer();
  await peer.up();
  return peer;
}
