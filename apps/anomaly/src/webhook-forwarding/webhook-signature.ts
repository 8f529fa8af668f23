import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed delivery. */
export const WEBHOOK_HEADERS = Object.freeze({
  /** Unix seconds when the request was signed; receivers should refuse old ones (replay protection). */
  timestamp: 'x-tideline-timestamp',
  /** `sha256=<hex>`: HMAC-SHA256 with the webhook's secret over `<timestamp>.<raw body>`. */
  signature: 'x-tideline-signature',
  /** The alert id; with the state, a receiver's de-duplication key (deliveries are at-least-once). */
  alertId: 'x-tideline-alert-id',
  alertState: 'x-tideline-alert-state',
});

/**
 * The signature header value of a delivery: `sha256=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`), the scheme
 * of Stripe and Slack request signing (timestamp inside the MAC, so a captured request cannot be replayed later with
 * a fresh timestamp).
 *
 * @example signWebhook('s3cret', 1700000000, '{"a":1}') // 'sha256=…' (64 hex characters)
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** What a receiver does: recompute and compare in constant time (and check the timestamp's age itself). */
export function verifyWebhook(secret: string, timestampSeconds: number, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestampSeconds, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
