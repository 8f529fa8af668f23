import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lineProtocolNameProblem } from './line-protocol-format';
import { SeriesKeyMemo, seriesKey, seriesKeyParts, type SeriesIdentity } from './series-key';

/** Names made mostly of the characters that structure a key (and its escape), so collisions are likely if possible. */
const name = fc.string({
  unit: fc.constantFrom('a', 'b', '|', '=', '%', '2', '5', '7', 'C', 'D', '\\', ' ', ','),
  minLength: 1,
  maxLength: 6,
});
const identity: fc.Arbitrary<SeriesIdentity> = fc.record({
  metric: name,
  host: name,
  tags: fc.dictionary(name, name, { maxKeys: 3 }),
});

/** The identity as a canonical value: tags sorted, so two equal identities compare equal. */
function canonical(id: SeriesIdentity): string {
  const tags = Object.entries(id.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([id.metric, id.host, tags]);
}

describe('seriesKey', () => {
  it('keeps the layout metric|host=…|key=value with tags sorted', () => {
    assert.equal(
      seriesKey({ metric: 'cpu.total', host: 'web-1', tags: { z: '1', core: '0' } }),
      'cpu.total|host=web-1|core=0|z=1',
    );
    assert.equal(seriesKey({ metric: 'm', host: 'h' }), 'm|host=h');
  });

  it('gives {"host":"a|core=0"} and {"host":"a","tags":{"core":"0"}} two different keys', () => {
    const inHost = seriesKey({ metric: 'm', host: 'a|core=0', tags: {} });
    const asTag = seriesKey({ metric: 'm', host: 'a', tags: { core: '0' } });
    assert.notEqual(inHost, asTag);
    assert.equal(inHost, 'm|host=a%7Ccore%3D0');
    assert.equal(asTag, 'm|host=a|core=0');
  });

  it('never gives two different identities the same key (property), and reads each key back', () => {
    fc.assert(
      fc.property(identity, identity, (a, b) => {
        const same = canonical(a) === canonical(b);
        assert.equal(seriesKey(a) === seriesKey(b), same, `${seriesKey(a)} vs ${seriesKey(b)}`);
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(identity, (id) => {
        const parts = seriesKeyParts(seriesKey(id));
        assert.ok(parts !== undefined);
        assert.equal(canonical(parts), canonical(id));
      }),
    );
  });

  it('builds a key InfluxDB can store as the series tag whenever its names can be stored (property)', () => {
    // a backslash escape would put "\\=" in the key, which line protocol cannot carry exactly
    const writable = (id: SeriesIdentity) =>
      [id.metric, id.host, ...Object.entries(id.tags ?? {}).flat()].every(
        (n) => lineProtocolNameProblem(n) === undefined,
      );
    fc.assert(
      fc.property(identity.filter(writable), (id) => {
        assert.equal(lineProtocolNameProblem(seriesKey(id)), undefined, seriesKey(id));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads back undefined for text that is not a key', () => {
    assert.equal(seriesKeyParts('just-a-metric'), undefined);
    assert.equal(seriesKeyParts('m|core=0'), undefined);
    assert.equal(seriesKeyParts('m|host=a=b'), undefined);
  });
});

describe('SeriesKeyMemo', () => {
  it('gives the key seriesKey gives, for every identity, seen before or not, whatever the order of its tags (property)', () => {
    fc.assert(
      fc.property(fc.array(identity, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (ids, max) => {
        const memo = new SeriesKeyMemo(max);
        // each identity twice, the second time with its tags in reverse order
        const reordered = ids.map((id) => ({
          ...id,
          tags: Object.fromEntries(Object.entries(id.tags ?? {}).reverse()),
        }));
        for (const id of [...ids, ...reordered, ...ids]) assert.equal(memo.of(id), seriesKey(id));
      }),
      { numRuns: 500 },
    );
  });

  it('gives a known series its key again, and the right keys on past its bound', () => {
    const memo = new SeriesKeyMemo(2);
    const a = { metric: 'cpu', host: 'h1', tags: { core: '0' } };
    const first = memo.of(a);
    assert.equal(memo.of({ metric: 'cpu', host: 'h1', tags: { core: '0' } }), first);
    assert.equal(memo.of({ metric: 'cpu', host: 'h2' }), 'cpu|host=h2');
    assert.equal(memo.of({ metric: 'cpu', host: 'h3' }), 'cpu|host=h3');
    assert.equal(memo.of(a), 'cpu|host=h1|core=0');
  });

  it('does not take a tag inherited from the prototype for one of the event', () => {
    const memo = new SeriesKeyMemo();
    const inherited = Object.create({ core: '0' }) as Record<string, string>;
    assert.equal(memo.of({ metric: 'm', host: 'h', tags: { core: '0' } }), 'm|host=h|core=0');
    assert.equal(memo.of({ metric: 'm', host: 'h', tags: inherited }), 'm|host=h');
  });
});
