import { createHash } from 'node:crypto';

/**
 * The deterministic id of an incident: SHA-256 of the series and the incident's start time (epoch ms), as 32 hex
 * characters (128 bits). The same incident always gets the same id, whichever instance processes it and however often
 * its records are redelivered; subscribers de-duplicate on it.
 *
 * @example alertId('cpu.total|host=web-1', 1700000000000) // '5b6d…' (32 hex characters)
 */
export function alertId(series: string, startedAt: number): string {
  return createHash('sha256').update(`${series}\n${startedAt}`).digest('hex').slice(0, 32);
}
