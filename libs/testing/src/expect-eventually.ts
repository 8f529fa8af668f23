export interface ExpectEventuallyOptions {
  /** Give up after this long; default 20000 ms. */
  readonly timeoutMs?: number;
  /** Pause between attempts; default 100 ms. */
  readonly intervalMs?: number;
  /** Prefix of the timeout error's message. */
  readonly message?: string;
}

/**
 * Calls `fn` until it returns (or resolves) without throwing, and returns its value. Put assertions inside `fn`.
 * On timeout, throws an error whose message includes the last failure, and whose `cause` is that failure.
 * This is how integration tests wait: on a condition, never a fixed sleep.
 *
 * @example
 * await expectEventually(async () => assert.equal((await client.query('SELECT count(*) FROM points')).length, 1));
 */
export async function expectEventually<T>(fn: () => T | Promise<T>, options: ExpectEventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = performance.now() + timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      return await fn();
    } catch (error) {
      if (performance.now() + intervalMs > deadline) {
        const detail = error instanceof Error ? error.message : String(error);
        const prefix = options.message ? `${options.message}: ` : '';
        throw new Error(
          `${prefix}condition not met within ${timeoutMs} ms (${attempts} attempts); last failure: ${detail}`,
          {
            cause: error,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
