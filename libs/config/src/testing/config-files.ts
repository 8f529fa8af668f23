import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config-error';

/** Config files for tests: YAML written into one temporary folder, removed by `cleanUp`. Used only by specs. */
export function temporaryConfigFiles(prefix: string): {
  yamlFile(name: string, text: string): string;
  cleanUp(): void;
} {
  let dir: string | undefined;
  return {
    yamlFile(name, text) {
      dir ??= mkdtempSync(join(tmpdir(), `${prefix}-`));
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    cleanUp() {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}

/** The {@link ConfigError} `load` throws; throws itself when it throws something else or nothing (not retriable). */
export function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
    if (error.retriable) throw new Error('a ConfigError must not be retriable');
    return error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}
