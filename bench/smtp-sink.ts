import { SMTPServer } from 'smtp-server';

// A separate process that accepts and discards mail, so the peer does not share the measured process's CPU.
let count = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      count++;
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  console.log(`listens on smtp://localhost:${typeof address === 'object' && address ? address.port : 0} (sink)`);
});
process.on('SIGUSR2', () => console.log(`received ${count}`));
process.on('SIGTERM', () => {
  console.log(`received ${count}`);
  server.close(() => process.exit(0));
});
