import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePorts, startService, sumMetric } from './service-process';

describe('freePorts', () => {
  it('returns different ports, each of which can be listened on', async () => {
    const ports = await freePorts(5);
    assert.equal(new Set(ports).size, 5);
    for (const port of ports) {
      const server = createServer().listen(port, '127.0.0.1');
      await once(server, 'listening');
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('startService', () => {
  it('keeps only the last outputTailChars of stdout and of stderr when asked, all of it otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'service-process-spec-'));
    try {
      const main = join(dir, 'chatty.js');
      // 100 lines of 100 characters on each stream, each line numbered
      writeFileSync(
        main,
        `for (let i = 0; i < 100; i++) { const line = String(i).padStart(99, '.') + '\\n';` +
          ` process.stdout.write(line); process.stderr.write(line); }`,
      );
      const tail = startService({ main, env: {}, port: 1, outputTailChars: 250 });
      const all = startService({ main, env: {}, port: 1 });
      assert.deepEqual(await tail.exit(10_000), { code: 0, signal: null });
      assert.deepEqual(await all.exit(10_000), { code: 0, signal: null });
      for (const text of [tail.stdout(), tail.stderr()]) {
        assert.equal(text.length, 250);
        assert.ok(text.endsWith(`${'99'.padStart(99, '.')}\n`));
      }
      assert.equal(all.stdout().length, 10_000);
      assert.equal(all.stderr().length, 10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sumMetric', () => {
  const text = [
    '# HELP tideline_points_total Points.',
    '# TYPE tideline_points_total counter',
    'tideline_points_total{topic="a",outcome="ok"} 3',
    'tideline_points_total{topic="b",outcome="ok"} 4',
    'tideline_points_total{topic="a",outcome="dead"} 5',
    'tideline_points_total_created{topic="a"} 1700000000',
    'tideline_series 7',
  ].join('\n');

  it('sums the series whose labels include every given one, and only of that exact name', () => {
    assert.equal(sumMetric(text, 'tideline_points_total'), 12);
    assert.equal(sumMetric(text, 'tideline_points_total', { topic: 'a' }), 8);
    assert.equal(sumMetric(text, 'tideline_points_total', { topic: 'a', outcome: 'ok' }), 3);
    assert.equal(sumMetric(text, 'tideline_series'), 7);
  });

  it('is 0 for a metric that is not there', () => {
    assert.equal(sumMetric(text, 'tideline_points'), 0);
    assert.equal(sumMetric(text, 'tideline_points_total', { topic: 'c' }), 0);
  });
});
