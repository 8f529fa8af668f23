import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { InfluxClient, shardDurationFor } from './influx-client';
import { LineBytes, LineChunk } from './line-bytes';

describe('shardDurationFor', () => {
  it('gives 7-day shards from 28 days of retention, the default 30 days included', () => {
    assert.equal(shardDurationFor('30d'), '7d');
    assert.equal(shardDurationFor('28d'), '7d');
    assert.equal(shardDurationFor('4w'), '7d');
    assert.equal(shardDurationFor('720h'), '7d');
    assert.equal(shardDurationFor('27d23h60m'), '7d');
  });

  it("leaves shorter retentions, INF and what it cannot read to InfluxDB's own choice (0s)", () => {
    assert.equal(shardDurationFor('27d'), '0s');
    assert.equal(shardDurationFor('7d'), '0s');
    assert.equal(shardDurationFor('1h'), '0s');
    assert.equal(shardDurationFor('INF'), '0s');
    assert.equal(shardDurationFor('30 days'), '0s');
  });

  it('is what the policy applied from influx.retention asks for', () => {
    const client = new InfluxClient({ url: 'http://127.0.0.1:1', database: 'db', retention: '30d' });
    assert.deepEqual(client.configuredRetention(), {
      name: 'autogen',
      duration: '30d',
      shardDuration: '7d',
      isDefault: true,
    });
  });
});

describe('InfluxClient.writeChunks', () => {
  it("sends the chunks' bytes, in order, as one request of their exact length", async () => {
    const received: { url: string; length: string | undefined; body: string }[] = [];
    const server = createServer((request, response) => {
      const parts: Buffer[] = [];
      request.on('data', (part: Buffer) => parts.push(part));
      request.on('end', () => {
        received.push({
          url: request.url ?? '',
          length: request.headers['content-length'],
          body: Buffer.concat(parts).toString('utf8'),
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new InfluxClient({ url: `http://127.0.0.1:${port}`, database: 'db' });
      const bytes = new LineBytes(64);
      bytes.text('m,host=ħ v=').number(1.5).text(' ').integer(1_767_225_600_000).end();
      const first = bytes.take();
      bytes.text('m v=2 2').end().text('m v=3 3').end();
      const [second, third] = bytes.take().split(1);
      await client.writeChunks([first, second, LineChunk.empty, third]);
      const body = 'm,host=ħ v=1.5 1767225600000\nm v=2 2\nm v=3 3\n';
      assert.deepEqual(received, [{ url: '/write?db=db&precision=ms', length: String(Buffer.byteLength(body)), body }]);
    } finally {
      server.close();
    }
  });
});
