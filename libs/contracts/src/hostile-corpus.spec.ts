import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeEvent } from './event-codec';
import { parseMetricEvent } from './metric-event.schema';
import { decodeMetricRecord } from './metric-record.decoder';
import { seriesKey } from './series-key';
import { hostileRecordBytes, hostileRecordHost, parseHostileCorpus } from './testing';

/** The corpus shipped in the repository (from this file's compiled place, libs/contracts/dist). */
const CORPUS = join(__dirname, '..', '..', '..', 'datasets', 'hostile-input', 'metric-records.json');
const NOW = Date.UTC(2026, 5, 1, 12);
const RUN = 'unit';

describe('the hostile-input corpus against decodeMetricRecord', () => {
  const corpus = parseHostileCorpus(JSON.parse(readFileSync(CORPUS, 'utf8')));

  it('gives every record its expected outcome: the events it yields and the dead-letter reason, never a throw', (t) => {
    const wrong: string[] = [];
    let crashes = 0;
    for (const record of corpus.records) {
      const bytes = hostileRecordBytes(record, { run: RUN, nowMs: NOW });
      let result;
      try {
        result = decodeMetricRecord(bytes, { nowMs: NOW, recordTimestampMs: NOW });
      } catch (error) {
        crashes++;
        wrong.push(`${record.name}: threw ${String(error)}`);
        continue;
      }
      const got = { accepted: result.events.length, reason: result.failure?.reason ?? null };
      const expected = { accepted: record.expect.accepted ?? 0, reason: record.expect.reason ?? null };
      if (got.accepted !== expected.accepted || got.reason !== expected.reason) {
        wrong.push(`${record.name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
      }
      // a failure always says why, so the dead-letter record's detail is never empty
      if (result.failure !== undefined) assert.ok(result.failure.message.length > 0, record.name);
    }
    const dead = corpus.records.filter((r) => r.expect.reason !== undefined).length;
    t.diagnostic(
      `${corpus.records.length} records (${dead} to dead-letter): ${corpus.records.length - wrong.length} as expected, ${crashes} crashes`,
    );
    assert.deepEqual(wrong, []);
  });

  it('yields only events that satisfy the schema and can be published, on the host of their record', () => {
    for (const record of corpus.records) {
      const result = decodeMetricRecord(hostileRecordBytes(record, { run: RUN, nowMs: NOW }), { nowMs: NOW });
      for (const event of result.events) {
        assert.deepEqual(parseMetricEvent(event), event, record.name);
        assert.doesNotThrow(() => encodeEvent(event), record.name);
        if (record.seriesGroup === undefined) assert.ok(event.host.startsWith(hostileRecordHost(record, RUN)));
      }
    }
  });

  it('gives the records of a series group (a key collision pair) one series each', () => {
    const groups = new Map<string, string[]>();
    for (const record of corpus.records.filter((r) => r.seriesGroup !== undefined)) {
      const result = decodeMetricRecord(hostileRecordBytes(record, { run: RUN, nowMs: NOW }), { nowMs: NOW });
      const keys = groups.get(record.seriesGroup!) ?? [];
      keys.push(...result.events.map(seriesKey));
      groups.set(record.seriesGroup!, keys);
    }
    assert.ok(groups.size > 0);
    for (const [group, keys] of groups) assert.equal(new Set(keys).size, keys.length, `${group}: ${keys.join(' / ')}`);
  });

  it('pollutes no prototype', () => {
    for (const record of corpus.records) {
      decodeMetricRecord(hostileRecordBytes(record, { run: RUN, nowMs: NOW }), { nowMs: NOW });
    }
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
  });
});
