import type { z } from 'zod';

/** One failing field: its dotted path, and why it failed. */
export interface FieldIssue {
  readonly field: string;
  readonly reason: string;
}

/**
 * A payload that does not match its schema. `field` names the first failing field, so the message
 * (and a dead-letter reason) tells the producer exactly what to fix. Never retriable.
 */
export class ContractValidationError extends Error {
  readonly retriable = false;
  readonly field: string;
  constructor(
    readonly schema: string,
    readonly issues: readonly FieldIssue[],
  ) {
    const first = issues[0] ?? { field: '(root)', reason: 'invalid' };
    super(`${schema}: field "${first.field}" ${first.reason}`);
    this.name = 'ContractValidationError';
    this.field = first.field;
  }
}

export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    reason: describeIssue(issue),
  }));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const received = (issue as { received?: unknown }).received;
    if (received === 'NaN' || received === 'Infinity' || received === '-Infinity') return `must be a finite number, got ${received}`;
    if (received === 'undefined') return 'is required';
    return issue.message;
  }
  return issue.message;
}
