import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

/**
 * The fsync of a commit, done on libuv's thread pool instead of inside SQLite's COMMIT on the event loop: the
 * connection commits with synchronous=NORMAL (written, not synced), then this syncs the WAL before anyone hears
 * "stored". That is the one sync synchronous=FULL adds in WAL mode, so the guarantee is the same.
 */
export class WalSync {
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly dbFile: string) {}

  /**
   * Resolves once everything written to the WAL before the call is on disk. Calls made while a sync runs share the
   * one after it (that running sync may have begun before their writes): at most one runs and one waits.
   */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.syncNow().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        return this.sync();
      });
    return this.queued;
  }

  private syncNow(): Promise<void> {
    const fd = this.open();
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  // The WAL is created by the first write, and a restore or a deletion gives it a new inode: follow the file.
  private open(): number {
    const wal = `${this.dbFile}-wal`;
    if (this.fd !== undefined && fstatSync(this.fd).ino === statSync(wal, { throwIfNoEntry: false })?.ino)
      return this.fd;
    this.close();
    this.fd = openSync(wal, 'r');
    return this.fd;
  }
}
