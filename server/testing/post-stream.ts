export interface PostStream {
  /** Ids answered 201, in order. */
  acked: string[];
  /** The first unexpected answer, when `strict`. */
  failure(): unknown;
  stop(): Promise<void>;
}

/**
 * `clients` loops posting distinct leads to a real server, each with its own Idempotency-Key. `strict` demands a
 * 201 every time; otherwise failed requests (a server being killed) are simply not acknowledged.
 */
export function postStream(url: string, clients: number, opts: { strict?: boolean } = {}): PostStream {
  const acked: string[] = [];
  let stopped = false;
  let failed: unknown;
  const client = async (c: number) => {
    for (let i = 0; !stopped && !failed; i++) {
      try {
        const res = await fetch(`${url}/api/leads`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `stream-${c}-${i}-key` },
          body: JSON.stringify({
            name: `Kunde ${c}-${i}`,
            email: `k${c}.${i}@example.de`,
            message: 'Bitte um Rückruf.',
          }),
        });
        if (res.status === 201) acked.push(((await res.json()) as { id: string }).id);
        else if (opts.strict) failed = new Error(`POST /api/leads answered ${res.status}: ${await res.text()}`);
      } catch (err) {
        if (opts.strict) failed = err;
      }
    }
  };
  const running = Array.from({ length: clients }, (_, c) => client(c));
  return {
    acked,
    failure: () => failed,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}
