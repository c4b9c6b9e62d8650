import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
}

/** Starts `node --import tsx server/main.ts` (or a built .js with plain node) as one PID, so a test can SIGKILL or SIGTERM the real server. */
export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
  script = 'server/main.ts',
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  // A built .js file runs with plain node, as `npm start` runs it; TypeScript goes through tsx.
  const args = [...nodeArgs, ...(script.endsWith('.js') ? [script] : ['--import', 'tsx', script])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /listens on ([a-z]+:\/\/\S+?) /.exec(out);
      if (m) {
        clearTimeout(timer);
        // Scanning all output on every chunk would cost the parent more with every line the server logs.
        child.stdout!.off('data', check);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it listened:\n${out}`));
    });
  });
  return { url, child, output: () => out, exited };
}
