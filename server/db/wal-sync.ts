import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

// Two syncs in flight: a batch committed while one runs starts its own at once instead of waiting for it to end.
const MAX_RUNNING = 2;

interface Waiting {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The fsync of a commit, done on libuv's thread pool instead of inside SQLite's COMMIT on the event loop: the
 * connection commits with synchronous=NORMAL (written, not synced), then this syncs the WAL before anyone hears
 * "stored". That is the one sync synchronous=FULL adds in WAL mode, so the guarantee is the same.
 */
export class WalSync {
  private fd: number | undefined;
  // An open descriptor keeps its inode: read once when opened, not with an fstat before every sync.
  private ino: number | undefined;
  private running = 0;
  private waiting: Waiting | undefined;

  constructor(private readonly dbFile: string) {}

  /**
   * Resolves once everything written to the WAL before the call is on disk. Each call starts a sync of its own while
   * fewer than two run; later calls share one that starts when a running sync ends (a running one may have begun
   * before their writes), so at most two run and one waits.
   */
  sync(): Promise<void> {
    if (this.running < MAX_RUNNING) return this.start();
    if (!this.waiting) {
      let resolve = () => {};
      let reject: (err: unknown) => void = () => {};
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.waiting = { promise, resolve, reject };
    }
    return this.waiting.promise;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.ino = undefined;
  }

  private start(): Promise<void> {
    this.running++;
    const run = new Promise<void>((resolve, reject) => {
      fdatasync(this.open(), (err) => (err ? reject(err) : resolve()));
    });
    void run.then(
      () => this.finished(),
      () => this.finished(),
    );
    return run;
  }

  private finished(): void {
    this.running--;
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    this.start().then(waiting.resolve, waiting.reject);
  }

  // The WAL is created by the first write, and a restore or a deletion gives it a new inode: follow the file.
  private open(): number {
    const wal = `${this.dbFile}-wal`;
    if (this.fd !== undefined && this.ino === statSync(wal, { throwIfNoEntry: false })?.ino) return this.fd;
    this.close();
    this.fd = openSync(wal, 'r');
    this.ino = fstatSync(this.fd).ino;
    return this.fd;
  }
}
