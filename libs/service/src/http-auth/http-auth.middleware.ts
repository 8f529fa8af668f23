import { timingSafeEqual } from 'node:crypto';
import type { HttpSection } from '@tideline/config';

/** What the guard needs of a request and a response (express's, or a plain `node:http` pair in tests). */
export interface GuardedRequest {
  readonly path?: string;
  readonly url?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}
export interface GuardedResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** `/health` and everything under it stays open: orchestrators probe it without credentials. */
export function isOpenPath(path: string): boolean {
  return path === '/health' || path.startsWith('/health/');
}

/**
 * An express middleware that requires `http.auth`'s credentials on every path but `/health`: `Authorization: Bearer
 * <token>` or basic auth with the username and password. Answers 401 with a `WWW-Authenticate` challenge otherwise
 * (so a browser asks for the basic-auth password on the reporter's dashboard). Compares in constant time.
 * Without `http.auth` every request passes: the config refuses that beyond loopback unless `allowUnauthenticated`.
 */
export function httpAuthMiddleware(http: Pick<HttpSection, 'auth'>) {
  const auth = http.auth;
  const challenge =
    auth?.username !== undefined ? 'Basic realm="tideline", charset="UTF-8"' : 'Bearer realm="tideline"';
  return (request: GuardedRequest, response: GuardedResponse, next: () => void): void => {
    const path = request.path ?? new URL(request.url ?? '/', 'http://localhost').pathname;
    if (auth === undefined || isOpenPath(path) || authorised(request.headers['authorization'], auth)) {
      next();
      return;
    }
    response.statusCode = 401;
    response.setHeader('www-authenticate', challenge);
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(
      JSON.stringify({ statusCode: 401, message: 'Unauthorized: this endpoint needs credentials (http.auth)' }),
    );
  };
}

function authorised(header: string | string[] | undefined, auth: NonNullable<HttpSection['auth']>): boolean {
  if (typeof header !== 'string') return false;
  const [scheme, credentials = ''] = header.trim().split(/\s+/, 2) as [string, string?];
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return auth.token !== undefined && sameText(credentials, auth.token);
    case 'basic': {
      if (auth.username === undefined || auth.password === undefined) return false;
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return false;
      // both compared, always, so the time taken does not say which one was wrong
      const user = sameText(decoded.slice(0, colon), auth.username);
      const password = sameText(decoded.slice(colon + 1), auth.password);
      return user && password;
    }
    default:
      return false;
  }
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the time independent of where they differ
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(b, b), false);
}
