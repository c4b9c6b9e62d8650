import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { maskEmails } from './privacy/mask-emails.ts';

export { maskEmails };

/** Jürgen Größe -> J***: names are never logged in full. */
export function maskName(value: unknown): string {
  return typeof value === 'string' && value ? `${[...value][0]}***` : '***';
}

const MASKED_PATHS = ['email', 'lead.email', 'to', 'replyTo', 'name', 'lead.name'];
// Visitor text has no place in a log at all.
const DROPPED_PATHS = [
  'message',
  'lead.message',
  'text',
  'html',
  'body',
  'req.headers.authorization',
  'headers.authorization',
];

/**
 * JSON lines with visitor addresses and names masked and message bodies dropped; pretty lines when stdout is a
 * terminal.
 * Pass a stream to capture the output (tests).
 */
export function createLogger(level: string = 'info', stream?: DestinationStream): Logger {
  const destination =
    stream ??
    (process.stdout.isTTY
      ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', sync: true })
      : pino.destination(1));
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [...MASKED_PATHS, ...DROPPED_PATHS],
        censor: (value: unknown, path: string[]) => {
          const key = path[path.length - 1];
          if (key === 'name') return maskName(value);
          if (key === 'email' || key === 'to' || key === 'replyTo')
            return typeof value === 'string' ? maskEmails(value) : '[masked]';
          return '[omitted]';
        },
      },
      // The last net: whatever slipped into a string (an SMTP reply, an error text) is masked on the finished line.
      hooks: { streamWrite: maskEmails },
    },
    destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
