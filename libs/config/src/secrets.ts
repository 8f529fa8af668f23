/**
 * Secrets in config and logs. A config error never repeats the value of a key named like a secret, and a service's
 * log lines have every secret of its config replaced by `***` ({@link redactSecrets}), since both end up in log files.
 */

/** Keys whose values are secrets: never repeated by an error message, redacted from log lines. */
export const SECRET_KEY = /password|secret|token|credential|key$/i;

/** Keys that match {@link SECRET_KEY} but hold no secret: a PEM file's path, the name of a variable. */
const NOT_A_SECRET = /^(key|secretEnv)$/;

/** `scheme://user:password@host` with the credentials replaced: `scheme://***@host`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s"']*@/gi, '$1***@');
}

/**
 * Every secret value in a loaded config: values of secret-named keys, the password of any URL with credentials, and
 * the values of the environment variables named by `secretEnv` keys (webhook secrets kept out of the file).
 * Sorted longest first, so that a secret containing another is replaced whole.
 */
export function configSecrets(
  config: unknown,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === 'string') {
      if (key !== undefined && SECRET_KEY.test(key) && !NOT_A_SECRET.test(key)) found.add(value);
      if (key === 'secretEnv') {
        const secret = env[value];
        if (secret) found.add(secret);
      }
      for (const match of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:([^/@\s]+)@/gi)) {
        const password = match[1] as string;
        found.add(password);
        found.add(decodeURIComponentSafe(password));
      }
      return;
    }
    if (Array.isArray(value)) for (const item of value) visit(item, key);
    else if (value !== null && typeof value === 'object') {
      for (const [child, item] of Object.entries(value)) visit(item, child);
    }
  };
  visit(config, undefined);
  // a one- or two-character "secret" would turn every log line into asterisks without protecting anything
  return [...found].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
}

/** `text` with URL credentials masked and every one of `secrets` replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = maskUrlCredentials(text);
  for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join('***');
  return result;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
