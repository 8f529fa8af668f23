import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { serverUrl, startAgentHttpServer } from './agent-http.server';
import type { CollectorAgent } from './collector-agent';

/** The HTTP side only: an agent that is always healthy and has one metric. */
const agent = {
  health: async () => ({ status: 'ok', checks: {} }),
  metrics: { render: () => '# HELP tideline_collector_up 1\n' },
} as unknown as CollectorAgent;

describe("the collector agent's HTTP server with http.auth", () => {
  const token = 'collector-token-0123456789';
  const servers: Server[] = [];
  after(() => servers.forEach((server) => server.close()));

  it('keeps /health and /health/live open and answers /metrics only with the bearer token', async () => {
    const server = await startAgentHttpServer(agent, '127.0.0.1', 0, { auth: { token } });
    servers.push(server);
    const url = serverUrl(server);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    assert.equal((await fetch(`${url}/health/live`)).status, 200);
    const refused = await fetch(`${url}/metrics`);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="tideline"');
    const allowed = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(allowed.status, 200);
    assert.match(await allowed.text(), /tideline_collector_up/);
  });

  it('serves /metrics without credentials when none are configured (loopback)', async () => {
    const server = await startAgentHttpServer(agent, '127.0.0.1', 0);
    servers.push(server);
    assert.equal((await fetch(`${serverUrl(server)}/metrics`)).status, 200);
  });
});
