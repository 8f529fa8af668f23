import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { InfluxWriteOutcomes } from './influx-write-outcomes';
import { influxClientFor } from './influx-connection.module';

/**
 * An HTTP server standing in for InfluxDB that answers each request with the next of `answers` (a status, `hang`:
 * no answer), recording the paths.
 */
class ScriptedServer {
  answers: (number | 'hang')[] = [];
  readonly paths: string[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.paths.push(request.url ?? '');
      request.resume();
      request.on('end', () => {
        const next = this.answers.shift() ?? 204;
        if (next === 'hang') return;
        const body = next === 204 ? '' : JSON.stringify({ error: 'database not found: "x"' });
        response.writeHead(next, { 'content-type': 'application/json' }).end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('InfluxWriteOutcomes, told by the InfluxDB client of a service', () => {
  const server = new ScriptedServer();
  let url = '';
  before(async () => (url = await server.start()));
  after(() => server.stop());

  const clientFor = (outcomes: InfluxWriteOutcomes, at = url, timeoutMs = 2000) =>
    influxClientFor(
      { influx: { url: at, database: 'x', timeoutMs } } as Parameters<typeof influxClientFor>[0],
      outcomes,
    );

  it("passes until a write fails, names the failure with InfluxDB's message, and passes again after a success", async () => {
    const outcomes = new InfluxWriteOutcomes();
    const client = clientFor(outcomes);
    server.answers = [204, 404, 404, 204];
    assert.doesNotThrow(() => outcomes.check(), 'no write yet');
    await client.writeLines(['m v=1 1']);
    assert.doesNotThrow(() => outcomes.check());
    await assert.rejects(client.writeLines(['m v=1 1']), /HTTP 404/);
    await assert.rejects(client.writeLines(['m v=1 1']), { code: 'influx_database_not_found' });
    assert.throws(() => outcomes.check(), /2 writes failed in a row since .*HTTP 404: .*database not found/);
    await client.writeLines(['m v=1 1']);
    assert.doesNotThrow(() => outcomes.check());
    assert.match(server.paths.at(-1)!, /^\/write\?db=x&precision=ms$/);
  });

  it('counts a refused connection and a timeout as failed writes, but not an aborted one or a query', async () => {
    const outcomes = new InfluxWriteOutcomes();
    const closed = new ScriptedServer();
    const closedUrl = await closed.start();
    await closed.stop();
    await assert.rejects(clientFor(outcomes, closedUrl).writeLines(['m v=1 1']), {
      code: 'influx_unavailable',
      retriable: true,
    });
    assert.throws(() => outcomes.check(), /1 writes failed .*ECONNREFUSED/);
    server.answers = ['hang'];
    await assert.rejects(clientFor(outcomes, url, 100).writeLines(['m v=1 1']), {
      code: 'influx_timeout',
      message: /no answer within 100 ms/,
    });
    assert.throws(() => outcomes.check(), /2 writes failed/);
    outcomes.succeeded(0);
    server.answers = ['hang'];
    const aborted = new AbortController();
    const write = clientFor(outcomes).writeLines(['m v=1 1'], { signal: aborted.signal });
    setTimeout(() => aborted.abort(new Error('shutting down')), 50);
    await assert.rejects(write, /shutting down/);
    assert.doesNotThrow(() => outcomes.check(), 'an aborted write is not an outcome');
    server.answers = [500];
    await assert.rejects(clientFor(outcomes).query('SHOW DATABASES'), /HTTP 500/);
    assert.doesNotThrow(() => outcomes.check(), 'a query is not a write');
  });
});
