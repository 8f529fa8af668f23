import fc from 'fast-check';
import type { BaselinePoint } from '../baseline-point.schema';

const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const unit = fc.double({ min: 0, max: 1, noNaN: true });

/**
 * One series' points as the baseline service judges them, for property tests: any finite numbers (-0 too), unicode
 * names and tags. `tail`: whether the series' points all carry a tail probability or none does (`per-series`, as one
 * record holds them), or each point has its own chance of one (`per-point`). `size: 'max'` lets the lengths reach
 * `maxLength` (fast-check otherwise keeps arrays short).
 */
export function judgedSeriesPoints(options: {
  readonly maxLength: number;
  readonly tail: 'per-series' | 'per-point';
  readonly size?: 'max';
}): fc.Arbitrary<BaselinePoint[]> {
  return fc
    .record({
      series: name,
      host: fc.string({ unit: 'grapheme', maxLength: 8 }),
      metric: name,
      tags: fc.dictionary(name, fc.string({ unit: 'grapheme', maxLength: 8 }), { maxKeys: 4, noNullPrototype: true }),
      withTail: fc.boolean(),
      rows: fc.array(
        fc.record({
          ts: fc.maxSafeInteger(),
          value: finite,
          expected: finite,
          lower: finite,
          upper: finite,
          score: unit,
          detector: fc.oneof(fc.constantFrom('none', 'spike', 'dip', 'level_shift', 'new_high'), name),
          ready: fc.boolean(),
          deviation: finite,
          seasonality: fc.constantFrom('none', 'daily', 'weekly'),
          observations: fc.maxSafeNat(),
          tailProbability: options.tail === 'per-point' ? fc.option(unit, { freq: 20, nil: undefined }) : unit,
        }),
        { minLength: 1, maxLength: options.maxLength, ...(options.size === undefined ? {} : { size: options.size }) },
      ),
    })
    .filter((r) => !Object.hasOwn(r.tags, '__proto__'))
    .map(({ series, host, metric, tags, withTail, rows }) =>
      rows.map(({ deviation, seasonality, observations, tailProbability, ...row }) => {
        const tail = options.tail === 'per-series' && !withTail ? undefined : tailProbability;
        return {
          series,
          host,
          metric,
          tags,
          ...row,
          evidence: { deviation, seasonality, observations, ...(tail === undefined ? {} : { tailProbability: tail }) },
        };
      }),
    );
}
