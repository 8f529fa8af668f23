import type { z } from 'zod';

/**
 * Why a field failed, as a stable code (the human text is in {@link FieldIssue.reason}):
 * `required`, `wrong_type`, `not_finite`, `not_integer`, `out_of_range`, `too_long`, `too_many`, `unknown_field`,
 * `unsupported_schema`, `not_writable` (a name InfluxDB line protocol cannot carry exactly), `reserved` (a tag key no
 * event may use, e.g. `__proto__`), `invalid`.
 */
export type FieldIssueCode =
  | 'required'
  | 'wrong_type'
  | 'not_finite'
  | 'not_integer'
  | 'out_of_range'
  | 'too_long'
  | 'too_many'
  | 'unknown_field'
  | 'unsupported_schema'
  | 'not_writable'
  | 'reserved'
  | 'invalid';

/** One failing field: its dotted path, and why it failed. */
export interface FieldIssue {
  readonly field: string;
  readonly reason: string;
  readonly code: FieldIssueCode;
}

/**
 * A payload that does not match its schema. `field` names the first failing field, so the message
 * (and a dead-letter reason) tells the producer exactly what to fix. Never retriable.
 */
export class ContractValidationError extends Error {
  readonly retriable = false;
  readonly field: string;
  readonly code: FieldIssueCode;
  constructor(
    readonly schema: string,
    readonly issues: readonly FieldIssue[],
  ) {
    const first = issues[0] ?? { field: '(root)', reason: 'is invalid', code: 'invalid' as const };
    super(`${schema}: field "${first.field}" ${first.reason}`);
    this.name = 'ContractValidationError';
    this.field = first.field;
    this.code = first.code;
  }
}

/** Turns zod issues into field issues with readable reasons. Parse with `{ reportInput: true }` for the best text. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => describeIssue(issue, issue.path.map(String)));
}

function joinPath(path: readonly string[]): string {
  return path.length > 0 ? path.join('.') : '(root)';
}

function describeInput(input: unknown): string {
  if (input === null || input === undefined) return String(input);
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'string')
    return input.length > 40 ? `a string of ${input.length} characters` : JSON.stringify(input);
  if (typeof input === 'number') return String(input);
  return `a ${typeof input}`;
}

function describeIssue(issue: z.core.$ZodIssue, path: readonly string[]): FieldIssue[] {
  const field = joinPath(path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      const received = (issue as { received?: unknown }).received;
      if (received === 'NaN' || received === 'Infinity' || received === '-Infinity') {
        return [{ field, code: 'not_finite', reason: `must be a finite number, got ${received}` }];
      }
      if (issue.expected === 'number' && typeof input === 'number' && !Number.isFinite(input)) {
        return [{ field, code: 'not_finite', reason: `must be a finite number, got ${input}` }];
      }
      if (input === undefined && /received undefined/.test(issue.message)) {
        return [{ field, code: 'required', reason: 'is required' }];
      }
      if (issue.expected === 'int') {
        return [{ field, code: 'not_integer', reason: `must be an integer, got ${describeInput(input)}` }];
      }
      return [{ field, code: 'wrong_type', reason: `must be ${issue.expected}, got ${describeInput(input)}` }];
    }
    case 'too_big':
      if (issue.origin === 'string') {
        return [
          {
            field,
            code: 'too_long',
            reason: `must be at most ${issue.maximum} characters, got ${describeInput(input)}`,
          },
        ];
      }
      return [{ field, code: 'out_of_range', reason: `must be at most ${issue.maximum}, got ${describeInput(input)}` }];
    case 'too_small':
      if (issue.origin === 'string') {
        return [
          {
            field,
            code: issue.minimum === 1 ? 'required' : 'invalid',
            reason: `must be at least ${issue.minimum} characters`,
          },
        ];
      }
      return [
        { field, code: 'out_of_range', reason: `must be at least ${issue.minimum}, got ${describeInput(input)}` },
      ];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        field: joinPath([...path, key]),
        code: 'unknown_field' as const,
        reason: 'is not a known field',
      }));
    case 'invalid_value':
      if (path[path.length - 1] === 'schema' && typeof input === 'string') {
        return [
          {
            field,
            code: 'unsupported_schema',
            reason: `is ${JSON.stringify(input)}, expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`,
          },
        ];
      }
      if (input === undefined) return [{ field, code: 'required', reason: 'is required' }];
      return [
        {
          field,
          code: 'invalid',
          reason: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeInput(input)}`,
        },
      ];
    case 'invalid_key': {
      const inner = issue.issues[0];
      const key = path[path.length - 1] ?? '';
      const parent = path.slice(0, -1);
      const described = inner ? describeIssue(inner as z.core.$ZodIssue, parent)[0] : undefined;
      return [
        {
          field: joinPath(parent),
          // an unwritable key has its own dead-letter reason; other key problems stay `invalid`
          code: described?.code === 'not_writable' ? 'not_writable' : 'invalid',
          reason: `has an invalid key ${JSON.stringify(key)}: ${described?.reason ?? 'invalid'}`,
        },
      ];
    }
    case 'custom':
      return [
        { field, code: (issue.params?.['code'] as FieldIssueCode | undefined) ?? 'invalid', reason: issue.message },
      ];
    default:
      return [{ field, code: 'invalid', reason: issue.message }];
  }
}
