import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { ManagedComponent } from './managed-component';
import { checkStack } from './stack';

function component(name: string, port: number, overrides: Partial<ManagedComponent> = {}): ManagedComponent {
  const dir = join(tmpdir(), `tideline-check-${process.pid}`);
  return {
    name,
    address: `127.0.0.1:${port}`,
    pidFile: join(dir, `${name}.pid`),
    logFile: join(dir, `${name}.log`),
    marker: `marker-${name}-${process.pid}`,
    ports: [{ port, env: `TIDELINE_${name.toUpperCase()}_PORT` }],
    preflight: async () => undefined,
    prepare: async () => undefined,
    spawnSpec: () => ({ command: 'false', args: [], cwd: dir, env: {} }),
    probe: async () => ({ ok: false, reason: 'does not answer' }),
    ...overrides,
  };
}

async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { server, port: address.port };
}

describe('checkStack (tideline stack up --check)', () => {
  it('names a port taken by a process that does not answer, and the variable that moves it', async () => {
    const { server, port } = await listen();
    try {
      const failures = await checkStack([component('kafka', port)]);
      assert.equal(failures.length, 1);
      const [failure] = failures;
      assert.ok(failure?.outcome === 'failed');
      assert.match(failure.reason, new RegExp(`port ${port} is in use .* TIDELINE_KAFKA_PORT`));
    } finally {
      server.close();
    }
  });

  it('accepts a port served by a server that answers as the component would (used, left alone)', async () => {
    const { server, port } = await listen();
    try {
      const answering = component('influxdb', port, { probe: async () => ({ ok: true, detail: 'pong' }) });
      assert.deepEqual(await checkStack([answering]), []);
    } finally {
      server.close();
    }
  });

  it('reports a failed preflight with its message, and checks every component', async () => {
    const { server, port } = await listen();
    server.close();
    const missingJava = component('kafka', port, {
      preflight: async () => {
        throw new Error('Java was not found: install a Java 17+ runtime');
      },
    });
    const failures = await checkStack([missingJava, component('influxdb', port)]);
    assert.deepEqual(
      failures.map((f) => (f.outcome === 'failed' ? `${f.name}: ${f.reason}` : f.name)),
      ['kafka: Java was not found: install a Java 17+ runtime'],
    );
  });
});
