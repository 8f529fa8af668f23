import { z } from 'zod';

/** An app config's sections, each applied with its defaults when absent. */
export type AppConfigShape<T extends Record<string, z.ZodObject>> = { [K in keyof T]: z.ZodPrefault<T[K]> };

/**
 * Composes an app's config schema from sections. A section missing from every source gets its defaults; unknown keys
 * are errors (a typo never goes unnoticed). Adding a section is one line: `mySection: mySectionSchema`.
 */
export function defineAppConfig<T extends Record<string, z.ZodObject>>(sections: T) {
  const shape = Object.fromEntries(
    Object.entries(sections).map(([name, schema]) => [name, schema.prefault({} as never)]),
  ) as AppConfigShape<T>;
  return z.object(shape).strict();
}
