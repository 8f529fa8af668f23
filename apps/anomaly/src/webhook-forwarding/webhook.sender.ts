import type { WebhookSection } from '@tideline/config';
import type { AlertEvent } from '@tideline/contracts';
import { TidelineError, retry, type RetryAttemptInfo } from '@tideline/errors';
import { webhookPayload } from './webhook-payload';
import { WEBHOOK_HEADERS, signWebhook } from './webhook-signature';

/** A delivery that failed. Retriable for network errors, timeouts, 429 and 5xx; a 4xx other than 429 is final. */
export class WebhookDeliveryError extends TidelineError {
  constructor(
    message: string,
    readonly status: number | undefined,
    retriable: boolean,
    cause?: unknown,
  ) {
    super(message, { retriable, code: 'webhook_delivery_failed', cause });
  }
}

export interface WebhookSenderOptions {
  readonly fetch?: typeof fetch;
  /** Clock for the signature timestamp; default `Date.now`. */
  readonly now?: () => number;
  /** Where `secretEnv` is looked up; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Backoff between attempts; default 500 ms doubling to 30 s, ±20 %. */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onRetry?: (info: RetryAttemptInfo) => void;
}

export interface DeliveryResult {
  readonly status: number;
  readonly attempts: number;
}

/**
 * Posts alerts to one webhook: the body in the webhook's format, signed with HMAC-SHA256 (see {@link signWebhook}),
 * retried with jittered exponential backoff (the shared retry helper) up to `maxRetries` times. Each attempt is signed
 * afresh, so its timestamp is current.
 */
export class WebhookSender {
  private readonly secret: string | undefined;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(
    readonly webhook: WebhookSection,
    private readonly options: WebhookSenderOptions = {},
  ) {
    const env = options.env ?? process.env;
    this.secret = webhook.secret ?? (webhook.secretEnv === undefined ? undefined : env[webhook.secretEnv]);
    if (webhook.secretEnv !== undefined && this.secret === undefined) {
      throw new TidelineError(
        `webhook "${webhook.name}": environment variable ${webhook.secretEnv} (secretEnv) is not set`,
        {
          code: 'config_invalid',
        },
      );
    }
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /** True when the alert is at or above the webhook's `minSeverity`. */
  wants(alert: AlertEvent): boolean {
    const rank = { info: 0, warning: 1, critical: 2 } as const;
    return rank[alert.severity] >= rank[this.webhook.minSeverity];
  }

  async deliver(alert: AlertEvent, signal?: AbortSignal): Promise<DeliveryResult> {
    const body = JSON.stringify(webhookPayload(this.webhook.format, alert, this.webhook.name, this.webhook.url));
    let attempts = 0;
    const status = await retry(
      async () => {
        attempts++;
        return this.post(alert, body, signal);
      },
      {
        policy: {
          maxRetries: this.webhook.maxRetries,
          initialDelayMs: this.options.retry?.initialDelayMs ?? 500,
          maxDelayMs: this.options.retry?.maxDelayMs ?? 30_000,
        },
        ...(signal ? { signal } : {}),
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        ...(this.options.onRetry ? { onRetry: this.options.onRetry } : {}),
      },
    );
    return { status, attempts };
  }

  private async post(alert: AlertEvent, body: string, signal: AbortSignal | undefined): Promise<number> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'tideline-webhook/1',
      [WEBHOOK_HEADERS.alertId]: alert.id,
      [WEBHOOK_HEADERS.alertState]: alert.state,
    };
    if (this.secret !== undefined) {
      const timestamp = Math.floor(this.now() / 1000);
      headers[WEBHOOK_HEADERS.timestamp] = String(timestamp);
      headers[WEBHOOK_HEADERS.signature] = signWebhook(this.secret, timestamp, body);
    }
    const timeout = AbortSignal.timeout(this.webhook.timeoutMs);
    let response: Response;
    try {
      response = await this.fetch(this.webhook.url, {
        method: 'POST',
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new WebhookDeliveryError(
        `webhook "${this.webhook.name}": ${error instanceof Error ? error.message : String(error)}`,
        undefined,
        !(signal?.aborted ?? false),
        error,
      );
    }
    // The body is not needed, but reading it lets the connection be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return response.status;
    const retriable = response.status === 429 || response.status >= 500;
    throw new WebhookDeliveryError(
      `webhook "${this.webhook.name}" answered ${response.status}`,
      response.status,
      retriable,
    );
  }
}
