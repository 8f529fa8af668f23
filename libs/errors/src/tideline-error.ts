/** Options shared by every typed Tideline error. */
export interface TidelineErrorOptions {
  /** True when the same call may succeed later (broker or database unreachable, timeout). Default false. */
  readonly retriable?: boolean;
  /** A stable machine code, e.g. `influx_unavailable`; defaults to the error's name. */
  readonly code?: string;
  readonly cause?: unknown;
}

/**
 * Base of Tideline's typed errors (modelled on kafkajs' `KafkaJSError`): every error says whether a retry can help.
 * The default is **not** retriable; the code that knows a failure is transient marks it.
 */
export class TidelineError extends Error {
  readonly retriable: boolean;
  readonly code: string;

  constructor(message: string, options: TidelineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.code = options.code ?? this.name;
  }
}

/** True only for errors explicitly marked `retriable: true` (ours, kafkajs' and anything shaped like them). */
export function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}
