import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeBaselineRecords } from '@tideline/contracts';
import { hostileRecordBytes, hostileRecordHost, parseHostileCorpus, serviceOutcome } from '@tideline/contracts/testing';
import { parseDeadLetter } from '@tideline/kafka';
import { type ServiceProcess, expectEventually, randomSuffix, readTopic } from '@tideline/testing';
import type { Kafka } from 'kafkajs';
import { startBaselineService, type BaselineServiceRun } from '../testing/baseline-service';

/** The repository root, from this file's compiled place (apps/baseline/dist/baseline-pipeline). */
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const CORPUS = join(REPO_ROOT, 'datasets', 'hostile-input', 'metric-records.json');

/** Sum of a Prometheus counter on `/metrics` over its label sets. */
async function metricSum(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) sum += Number(match[2]);
  }
  return sum;
}

describe('the hostile-input corpus through the real broker to the baseline service', () => {
  const corpus = parseHostileCorpus(JSON.parse(readFileSync(CORPUS, 'utf8')));
  const run = `hostile-${randomSuffix()}`;
  let baseline: BaselineServiceRun;
  let kafka: Kafka;
  let service: ServiceProcess;
  let topics: BaselineServiceRun['topics'];

  before(async () => {
    baseline = await startBaselineService(run);
    ({ kafka, service, topics } = baseline);
  });

  after(async () => {
    await baseline?.stop();
  });

  it('dead-letters every bad record with its expected reason, scores every good event, and never crashes', async (t) => {
    const nowMs = Date.now();
    const producer = kafka.producer();
    await producer.connect();
    try {
      // one record per request: the broker takes or refuses each on its own
      for (const record of corpus.records) {
        const value = Buffer.from(hostileRecordBytes(record, { run, nowMs }));
        await producer.send({ topic: topics.metrics, messages: [{ key: record.name, value }] });
      }
    } finally {
      await producer.disconnect();
    }
    // what the service must do: the decoder's outcome, or the service's own refusal (serviceExpect)
    const expectedDead = corpus.records.filter((r) => serviceOutcome(r).reason !== undefined);
    const expectedEvents = corpus.records.reduce((sum, r) => sum + (serviceOutcome(r).accepted ?? 0), 0);

    // the service has handled everything: as many dead letters and learned events as the corpus says
    await expectEventually(
      async () => {
        assert.equal(service.child.exitCode, null, `baseline exited; stderr:\n${service.stderr()}`);
        assert.equal(await metricSum(service.url, 'tideline_baseline_events_learned_total'), expectedEvents);
        assert.equal(
          await metricSum(service.url, 'tideline_baseline_records_dead_lettered_total'),
          expectedDead.length,
        );
      },
      { timeoutMs: 90_000, intervalMs: 500, message: 'the baseline service did not handle the whole corpus' },
    );

    // the dead-letter topic: one record per bad record, its original bytes and the expected reason
    const dead = await readTopic(kafka, `${topics.metrics}.dlq`, { count: expectedDead.length, timeoutMs: 60_000 });
    const byName = new Map<string, ReturnType<typeof parseDeadLetter>[]>();
    for (const message of dead) {
      const letter = parseDeadLetter(message);
      const name = message.key?.toString('utf8') ?? '';
      byName.set(name, [...(byName.get(name) ?? []), letter]);
    }
    const wrong: string[] = [];
    for (const record of corpus.records) {
      const letters = byName.get(record.name) ?? [];
      const expected = serviceOutcome(record).reason;
      if (expected === undefined) {
        if (letters.length > 0) wrong.push(`${record.name}: dead-lettered ${letters[0]?.reason}, expected accepted`);
        continue;
      }
      if (letters.length !== 1 || letters[0]?.reason !== expected) {
        wrong.push(
          `${record.name}: expected one dead letter "${expected}", got ${JSON.stringify(letters.map((l) => l?.reason))}`,
        );
        continue;
      }
      const letter = letters[0];
      const sent = Buffer.from(hostileRecordBytes(record, { run, nowMs }));
      if (!letter.value?.equals(sent)) wrong.push(`${record.name}: the dead letter does not keep the original bytes`);
      if (!letter.detail) wrong.push(`${record.name}: the dead letter has no detail`);
    }

    // the judged output: every accepted event's point on the baselines topic, on the host of its record (every event
    // of the corpus is a series of its own, so one baselines record each, some of them bundled)
    const recordsIn = (messages: readonly { value: Buffer | null }[]) =>
      messages.flatMap((message) => {
        const decoded = decodeBaselineRecords(message.value ?? new Uint8Array());
        assert.ok(decoded.ok, 'the baselines topic carries only valid records');
        return decoded.value;
      });
    const judged = await readTopic(kafka, topics.baselines, {
      until: (messages) => recordsIn(messages).length >= expectedEvents,
      timeoutMs: 30_000,
    });
    const points = new Map<string, number>();
    const seriesByHost = new Map<string, Set<string>>();
    for (const { host, series, points: columns } of recordsIn(judged)) {
      points.set(host, (points.get(host) ?? 0) + columns.ts.length);
      seriesByHost.set(host, (seriesByHost.get(host) ?? new Set()).add(series));
    }
    const groups = new Map<string, number>();
    for (const record of corpus.records) {
      const accepted = serviceOutcome(record).accepted ?? 0;
      if (record.seriesGroup !== undefined) {
        groups.set(record.seriesGroup, (groups.get(record.seriesGroup) ?? 0) + accepted);
        continue;
      }
      const prefix = hostileRecordHost(record, run);
      let got = 0;
      for (const [host, count] of points) if (host.startsWith(prefix)) got += count;
      if (got !== accepted) wrong.push(`${record.name}: ${got} judged points, expected ${accepted}`);
    }
    // a group's records share a host on purpose (a series-key collision pair): one series per accepted event
    for (const [group, accepted] of groups) {
      const series = new Set<string>();
      let got = 0;
      for (const [host, keys] of seriesByHost) {
        if (!host.startsWith(`${run}.${group}`)) continue;
        for (const key of keys) series.add(key);
        got += points.get(host) ?? 0;
      }
      if (got !== accepted || series.size !== accepted) {
        wrong.push(`group ${group}: ${got} points in ${series.size} series, expected ${accepted} in ${accepted}`);
      }
    }

    const asExpected = corpus.records.length - new Set(wrong.map((w) => w.split(':')[0])).size;
    const crashed = service.child.exitCode !== null;
    t.diagnostic(
      `${corpus.records.length} records sent: ${expectedDead.length} to dead-letter, ${expectedEvents} events to score; ` +
        `${asExpected} with the expected outcome (${((100 * asExpected) / corpus.records.length).toFixed(1)} %), ` +
        `${crashed ? 1 : 0} crashes`,
    );
    assert.deepEqual(wrong, []);
    assert.equal(crashed, false);
    assert.equal((await fetch(`${service.url}/health`)).status, 200, 'still ready after the corpus');
  });
});
