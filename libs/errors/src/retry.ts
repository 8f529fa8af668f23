import { TidelineError, isRetriable } from './tideline-error';

/**
 * How long to wait between attempts. The delay before retry number `n` (n = 0 for the first retry) is
 *
 * ```text
 * base(n)  = min(maxDelayMs, initialDelayMs * factor^n)
 * delay(n) = min(maxDelayMs, base(n) * (1 - jitter + 2 * jitter * r)),   r uniform in [0, 1)
 * ```
 *
 * i.e. exponential growth capped at `maxDelayMs`, spread uniformly by ±`jitter` so that many clients that failed
 * together do not retry together (the same shape as kafkajs' `createRetry`, whose `factor` is our `jitter` and whose
 * `multiplier` is our `factor`). Retrying stops after `maxRetries` retries (so at most `maxRetries + 1` attempts) or
 * when the next attempt would start after `deadlineMs` from the first one, whichever comes first.
 */
export interface RetryPolicy {
  /** Delay before the first retry, in ms. */
  readonly initialDelayMs: number;
  /** Upper bound of any single delay, in ms. */
  readonly maxDelayMs: number;
  /** Growth per retry (2 doubles the delay). */
  readonly factor: number;
  /** Relative spread in [0, 1]: 0.2 means ±20 %. */
  readonly jitter: number;
  /** Most retries after the first attempt; `Infinity` retries until the deadline (or forever). */
  readonly maxRetries: number;
  /** Give up when the next attempt would start later than this many ms after the first attempt. */
  readonly deadlineMs?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.2,
  maxRetries: 5,
});

/** What a retry attempt reports to `onRetry` (log it, count it). */
export interface RetryAttemptInfo {
  /** 1 for the first retry. */
  readonly retry: number;
  readonly delayMs: number;
  readonly error: unknown;
}

export interface RetryOptions {
  readonly policy?: Partial<RetryPolicy>;
  /** Which errors to retry; default {@link isRetriable} (only errors marked `retriable: true`). */
  readonly shouldRetry?: (error: unknown) => boolean;
  /** Injected for tests; default a timer that an `AbortSignal` can cut short. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected for tests; default `Math.random`. */
  readonly random?: () => number;
  /** Injected for tests; default `Date.now`. */
  readonly now?: () => number;
  /** Aborting stops retrying; the pending sleep rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly onRetry?: (info: RetryAttemptInfo) => void;
}

/** Thrown when a retriable error persisted through every retry the policy allows. `cause` is the last error. */
export class RetriesExhaustedError extends TidelineError {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`gave up after ${attempts} attempts: ${detail}`, { retriable: false, code: 'retries_exhausted', cause });
  }
}

/** Fills in a partial policy and checks it (a bad policy is a programming error, so this throws). */
export function resolveRetryPolicy(policy: Partial<RetryPolicy> = {}): RetryPolicy {
  const merged: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...policy };
  const { initialDelayMs, maxDelayMs, factor, jitter, maxRetries, deadlineMs } = merged;
  if (!(initialDelayMs >= 0) || !(maxDelayMs >= initialDelayMs) || !(factor >= 1) || !(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`invalid retry policy ${JSON.stringify(merged)}`);
  }
  if (!(maxRetries >= 0) || (deadlineMs !== undefined && !(deadlineMs >= 0))) {
    throw new RangeError(`invalid retry policy ${JSON.stringify(merged)}`);
  }
  return merged;
}

/** The delay before retry number `retryIndex` (0-based), per the formula on {@link RetryPolicy}. */
export function retryDelayMs(policy: RetryPolicy, retryIndex: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(policy.factor, retryIndex));
  const spread = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.min(policy.maxDelayMs, Math.round(base * spread));
}

/**
 * Runs `fn` until it succeeds, retrying errors that {@link RetryOptions.shouldRetry} accepts (by default only those
 * marked `retriable: true`) with jittered exponential backoff. A non-retriable error is rethrown at once, unchanged;
 * a retriable one that outlives the policy becomes a {@link RetriesExhaustedError} whose `cause` is the last error.
 *
 * @example
 * const rows = await retry((attempt) => client.query('SHOW DATABASES'), { policy: { maxRetries: 3 } });
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = resolveRetryPolicy(options.policy);
  const shouldRetry = options.shouldRetry ?? isRetriable;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const startedAt = now();
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (!shouldRetry(error)) throw error;
      if (attempt >= policy.maxRetries) throw new RetriesExhaustedError(attempt + 1, error);
      const delayMs = retryDelayMs(policy, attempt, random);
      if (policy.deadlineMs !== undefined && now() + delayMs - startedAt > policy.deadlineMs) {
        throw new RetriesExhaustedError(attempt + 1, error);
      }
      options.onRetry?.({ retry: attempt + 1, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}

/** A retry function with its options bound, like kafkajs' `createRetry(options)`. */
export function createRetry(options: RetryOptions = {}): <T>(fn: (attempt: number) => Promise<T>) => Promise<T> {
  resolveRetryPolicy(options.policy);
  return (fn) => retry(fn, options);
}

/** `setTimeout` as a promise that an `AbortSignal` rejects early with the signal's reason. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
