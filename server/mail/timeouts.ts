import type { Config } from '../config.ts';

export interface MailTimeouts {
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
  /** Hard deadline for one send, queue wait included; the send is aborted when it passes. */
  sendDeadlineMs: number;
  /** How long a claimed job stays ours; longer than the deadline, so no live send is ever claimed twice. */
  leaseMs: number;
}

const LEASE_MARGIN_MS = 30_000;

/** All mail timing derives from two settings, so the lease can never be shorter than a send. */
export function mailTimeouts(config: Pick<Config, 'SMTP_CONNECT_TIMEOUT_MS' | 'SMTP_SOCKET_TIMEOUT_MS'>): MailTimeouts {
  const connectionTimeout = config.SMTP_CONNECT_TIMEOUT_MS;
  const greetingTimeout = config.SMTP_CONNECT_TIMEOUT_MS;
  const socketTimeout = config.SMTP_SOCKET_TIMEOUT_MS;
  const sendDeadlineMs = connectionTimeout + greetingTimeout + 2 * socketTimeout;
  return {
    connectionTimeout,
    greetingTimeout,
    socketTimeout,
    sendDeadlineMs,
    leaseMs: sendDeadlineMs + LEASE_MARGIN_MS,
  };
}
