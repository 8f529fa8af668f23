import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InfluxWriteOutcomes, observeWrites } from './influx-write-outcomes';

/** A fetch that answers each request with the next of `answers` (a status, or an error to throw). */
function scripted(answers: (number | Error)[]): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fake = (async (input: string | URL | Request) => {
    urls.push(String(input));
    const next = answers.shift();
    if (next instanceof Error) throw next;
    const body = next === 204 ? null : JSON.stringify({ error: 'database not found: "x"' });
    return new Response(body, { status: next ?? 204 });
  }) as typeof fetch;
  return { fetch: fake, urls };
}

describe('InfluxWriteOutcomes and observeWrites', () => {
  it("passes until a write fails, names the failure with InfluxDB's message, and passes again after a success", async () => {
    const outcomes = new InfluxWriteOutcomes();
    const { fetch } = scripted([204, 404, 404, 204]);
    const observed = observeWrites(outcomes, fetch);
    assert.doesNotThrow(() => outcomes.check(), 'no write yet');
    assert.equal((await observed('http://influx/write?db=x&precision=ms')).status, 204);
    assert.doesNotThrow(() => outcomes.check());
    await observed('http://influx/write?db=x&precision=ms');
    const second = await observed('http://influx/write?db=x&precision=ms');
    assert.equal(second.status, 404);
    assert.match(await second.text(), /database not found/, 'the caller still reads the body');
    assert.throws(() => outcomes.check(), /2 writes failed in a row since .*HTTP 404: .*database not found/);
    await observed('http://influx/write?db=x&precision=ms');
    assert.doesNotThrow(() => outcomes.check());
  });

  it('counts a network error as a failed write, but not an aborted one or a request other than /write', async () => {
    const outcomes = new InfluxWriteOutcomes();
    const { fetch } = scripted([new Error('connect ECONNREFUSED 127.0.0.1:1'), new Error('aborted'), 500]);
    const observed = observeWrites(outcomes, fetch);
    await assert.rejects(observed('http://influx/write?db=x'), /ECONNREFUSED/);
    assert.throws(() => outcomes.check(), /1 writes failed .*ECONNREFUSED/);
    outcomes.succeeded(0);
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(observed('http://influx/write?db=x', { signal: aborted.signal }));
    assert.doesNotThrow(() => outcomes.check(), 'an aborted write is not an outcome');
    await observed('http://influx/query?q=SHOW+DATABASES');
    assert.doesNotThrow(() => outcomes.check(), 'a query is not a write');
  });
});
