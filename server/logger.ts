import pino, { type Logger } from 'pino';

/** JSON lines to stdout; visitor addresses and names are never logged in full. */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['email', 'name', 'message', '*.email', '*.name', 'req.headers.authorization'], censor: '[masked]' },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
