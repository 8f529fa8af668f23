export type { Reporter } from './reporter.factory';

/** Injection token of the wired {@link Reporter}. */
export const REPORTER = Symbol('tideline.reporter');
