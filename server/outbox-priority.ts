import { setThreadPolicy } from './thread-priority.ts';

// Leads stored within this long keep the outbox below every other thread; after it, it sends at its nice value.
const VISITORS_QUIET_MS = 1000;

/**
 * The outbox thread's scheduling policy, following the visitors: idle while leads come in (a waking request thread
 * preempts it at once), the normal policy at its nice value once they stop, when the idle policy would only let the
 * SMTP peer and every other process delay the mail.
 */
export class OutboxPriority {
  private policy: 'idle' | 'other' = 'idle';
  private switching = false;
  private lastLeadAt = Date.now();
  private held = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly tid: number,
    private readonly onRefused: () => void = () => {},
    private readonly chrt = 'chrt',
  ) {
    this.timer = setInterval(() => this.follow(), VISITORS_QUIET_MS / 2);
    this.timer.unref();
  }

  /** A lead was stored (the request thread's wake). */
  visitorActive(): void {
    this.lastLeadAt = Date.now();
    if (this.policy === 'other') this.follow();
  }

  /** While the request thread has the outbox yield to a burst, the burst counts as visitors even without wakes. */
  hold(held: boolean): void {
    this.held = held;
    this.visitorActive();
  }

  stop(): void {
    clearInterval(this.timer);
    this.stopped = true;
  }

  private follow(): void {
    const wanted = this.held || Date.now() - this.lastLeadAt < VISITORS_QUIET_MS ? 'idle' : 'other';
    if (wanted === this.policy || this.switching || this.stopped) return;
    this.switching = true;
    void setThreadPolicy(this.tid, wanted, this.chrt).then((ok) => {
      this.switching = false;
      if (ok) {
        this.policy = wanted;
        this.follow();
        return;
      }
      // Without CAP_SYS_NICE Linux lets a thread into the idle policy but not out again: it stays, asked no more.
      this.stop();
      this.onRefused();
    });
  }
}
