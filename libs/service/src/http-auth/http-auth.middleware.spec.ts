import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpAuthMiddleware, isOpenPath, type GuardedResponse } from './http-auth.middleware';

/** Runs the middleware on one request; returns the status it answered, or 'next' when it let the request through. */
function run(auth: Parameters<typeof httpAuthMiddleware>[0]['auth'], path: string, authorization?: string) {
  const headers: Record<string, string> = {};
  const response: GuardedResponse & { body?: string } = {
    statusCode: 200,
    setHeader: (name, value) => (headers[name] = value),
    end: (body) => (response.body = body),
  };
  let passed = false;
  httpAuthMiddleware({ auth })(
    { path, headers: authorization === undefined ? {} : { authorization } },
    response,
    () => (passed = true),
  );
  return { outcome: passed ? 'next' : response.statusCode, headers };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('httpAuthMiddleware', () => {
  const token = 'the-bearer-token-0123';
  const both = { token, username: 'ops', password: 'correct horse' };

  it('keeps /health and /health/* open, and nothing else', () => {
    assert.equal(isOpenPath('/health'), true);
    assert.equal(isOpenPath('/health/live'), true);
    assert.equal(isOpenPath('/healthz'), false);
    assert.equal(isOpenPath('/metrics'), false);
    assert.equal(run({ token }, '/health').outcome, 'next');
    assert.equal(run({ token }, '/health/live').outcome, 'next');
  });

  it('answers 401 with a challenge on /metrics, /reports and / without the right credentials', () => {
    for (const path of ['/metrics', '/reports', '/']) {
      const missing = run({ token }, path);
      assert.equal(missing.outcome, 401, path);
      assert.equal(missing.headers['www-authenticate'], 'Bearer realm="tideline"');
      assert.equal(run({ token }, path, `Bearer ${token}x`).outcome, 401);
      assert.equal(run({ token }, path, `Bearer ${token.slice(1)}`).outcome, 401);
      assert.equal(run({ token }, path, basic('ops', token)).outcome, 401, 'no basic auth configured');
    }
    assert.match(String(run(both, '/metrics').headers['www-authenticate']), /^Basic realm="tideline"/);
  });

  it('lets through the bearer token or the basic-auth pair, either when both are configured', () => {
    assert.equal(run({ token }, '/metrics', `Bearer ${token}`).outcome, 'next');
    assert.equal(run({ token }, '/metrics', `bearer  ${token}`).outcome, 'next');
    assert.equal(run(both, '/reports', basic('ops', 'correct horse')).outcome, 'next');
    assert.equal(run(both, '/reports', `Bearer ${token}`).outcome, 'next');
    assert.equal(run(both, '/reports', basic('ops', 'wrong horse')).outcome, 401);
    assert.equal(run(both, '/reports', basic('root', 'correct horse')).outcome, 401);
    assert.equal(run(both, '/reports', 'Basic bm9jb2xvbg==').outcome, 401);
  });

  it('lets every request through when no credentials are configured (loopback, or allowUnauthenticated)', () => {
    assert.equal(run(undefined, '/metrics').outcome, 'next');
  });
});
