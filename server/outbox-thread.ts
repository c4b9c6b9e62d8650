// The outbox's own thread: its rendering, SMTP traffic and bookkeeping never take turns with the request path.
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from './clock.ts';
import { loadConfig } from './config.ts';
import { startCheckpoints } from './db/checkpoints.ts';
import { connect } from './db/connect.ts';
import { createLogger } from './logger.ts';
import { createMailTransport } from './mail/transport.ts';
import type { OutcomeEvent, OutcomeName } from './outbox/outbox-types.ts';
import { OutboxPriority } from './outbox-priority.ts';
import { startOutbox } from './start-outbox.ts';
import { type FromOutboxThread, OUTBOX_NICE, type ToOutboxThread } from './start-outbox-thread.ts';
import { currentThreadId, lowerThreadPriority } from './thread-priority.ts';

// Below the request thread in the scheduler: under a burst the CPU goes to answering visitors first.
const tid = currentThreadId();
const priority = lowerThreadPriority(tid, OUTBOX_NICE);

const port = parentPort!;
const post = (msg: FromOutboxThread) => port.postMessage(msg);
const config = loadConfig((workerData as { env: Record<string, string | undefined> }).env);
const logger = createLogger(config.LOG_LEVEL);
if (priority === 'nice')
  logger.info(`outbox thread at nice ${OUTBOX_NICE}: chrt (util-linux) could not give it idle priority`);
const refused = () =>
  logger.info('outbox thread keeps the idle policy without visitors too: leaving it needs CAP_SYS_NICE');
// Idle only while visitors send leads: with none, the mail goes out at the nice value.
const following = priority === 'idle' && tid !== undefined ? new OutboxPriority(tid, refused) : undefined;
const db = connect(config.databaseUrl, {
  poolSize: config.DB_POOL_SIZE,
  statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
  // The request thread created it; a database deleted since must not come back empty from here.
  mustExist: true,
});
db.health.logger = logger;
const transport = createMailTransport(config);
// A message costs more than a mail's bookkeeping: the outcomes of one turn of the event loop travel together.
let outcomes: [string, OutcomeName][] = [];
const onOutcome = (e: OutcomeEvent) => {
  if (!outcomes.length)
    setImmediate(() => {
      post({ type: 'outcomes', outcomes });
      outcomes = [];
    });
  outcomes.push([e.job.kind, e.outcome]);
};
const outbox = startOutbox({ config, db, clock: systemClock, logger, transport, onOutcome });
// The request thread leaves checkpoints (and their fsyncs) to this connection.
const checkpoints = startCheckpoints(db, logger);

port.on('message', (msg: ToOutboxThread) => {
  switch (msg.type) {
    case 'start':
      return outbox.start();
    case 'wake':
      following?.visitorActive();
      return outbox.wake();
    case 'yield':
      following?.hold(msg.yielding);
      return outbox.setYielding(msg.yielding);
    case 'drain':
      return void outbox.drainOnce().then((sent) => post({ type: 'drained', sent }));
    case 'stop':
      return void (async () => {
        await outbox.stop();
        following?.stop();
        checkpoints.stop();
        transport.close();
        await db.kysely.destroy();
        post({ type: 'stopped' });
      })();
  }
});
post({ type: 'ready' });
