import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

interface Def {
  readonly type: string;
  readonly innerType?: AnySchema;
  readonly shape?: Record<string, AnySchema>;
  readonly element?: AnySchema;
  readonly entries?: Record<string, string | number>;
  readonly in?: AnySchema;
  readonly out?: AnySchema;
  readonly options?: readonly AnySchema[];
}

function def(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The schema without default/optional/… wrappers, and the first description found on the way. */
export function unwrap(schema: AnySchema): { schema: AnySchema; description?: string } {
  let current = schema;
  let description: string | undefined;
  for (let depth = 0; depth < 20; depth++) {
    description ??= (current as { description?: string }).description;
    const d = def(current);
    if (WRAPPERS.has(d.type) && d.innerType) current = d.innerType;
    // z.preprocess(fn, schema) is a pipe from a transform: what it allows is the schema after it
    else if (d.type === 'pipe' && d.in) current = def(d.in).type === 'transform' && d.out ? d.out : d.in;
    else break;
  }
  return { schema: current, description };
}

/** The schema node at a config path (`['kafka', 'brokers']`), or undefined when the path is not in the schema. */
export function schemaAt(root: AnySchema, path: readonly (string | number)[]): AnySchema | undefined {
  let current: AnySchema | undefined = root;
  for (const segment of path) {
    if (!current) return undefined;
    const inner = def(unwrap(current).schema);
    if (inner.type === 'object' && typeof segment === 'string') current = inner.shape?.[segment];
    else if (inner.type === 'array') current = inner.element;
    else return undefined;
  }
  return current;
}

/** The base type of a node: `string`, `number`, `boolean`, `array`, `object`, `enum`, … */
export function baseType(schema: AnySchema): string {
  return def(unwrap(schema).schema).type;
}

/** The keys of an object node. */
export function objectKeys(schema: AnySchema): string[] {
  return Object.keys(def(unwrap(schema).schema).shape ?? {});
}

/** The element schema of an array node. */
export function arrayElement(schema: AnySchema): AnySchema | undefined {
  return def(unwrap(schema).schema).element;
}

/** The alternatives of a union node (none for other nodes). */
export function unionOptions(schema: AnySchema): readonly AnySchema[] {
  return def(unwrap(schema).schema).options ?? [];
}

/** A human description of what a node allows (its `.describe()` text, or one derived from its type). */
export function allowedValues(schema: AnySchema): string | undefined {
  const { schema: inner, description } = unwrap(schema);
  if (description) return description;
  const d = def(inner);
  switch (d.type) {
    case 'enum':
      return `one of ${Object.values(d.entries ?? {}).join(', ')}`;
    case 'object':
      return `a mapping with keys ${Object.keys(d.shape ?? {}).join(', ')}`;
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'array':
      return 'a list';
    default:
      return undefined;
  }
}
