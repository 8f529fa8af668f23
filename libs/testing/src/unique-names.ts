import { randomBytes } from 'node:crypto';

/** A short random suffix: 8 lowercase hex characters. */
export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** `<prefix>-<random>`: a name no other test run uses. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${randomSuffix()}`;
}

/** A topic name of its own for one test: `test.<prefix>.<random>` (legal Kafka topic characters only). */
export function uniqueTopic(prefix = 'topic'): string {
  return `test.${sanitize(prefix, /[^a-zA-Z0-9._-]/g)}.${randomSuffix()}`;
}

/** A consumer group of its own for one test. */
export function uniqueGroup(prefix = 'group'): string {
  return `test-${sanitize(prefix, /[^a-zA-Z0-9._-]/g)}-${randomSuffix()}`;
}

/** An InfluxDB database of its own for one test: `test_<prefix>_<random>` (no quoting needed in InfluxQL). */
export function uniqueDatabase(prefix = 'db'): string {
  return `test_${sanitize(prefix, /[^a-zA-Z0-9_]/g)}_${randomSuffix()}`;
}

function sanitize(value: string, disallowed: RegExp): string {
  return value.replace(disallowed, '_').slice(0, 100);
}
