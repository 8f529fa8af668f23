import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { CHART_HEIGHT, CHART_WIDTH, niceTicks, renderChart } from './chart.renderer';

const HOUR = 3_600_000;
const from = Date.parse('2026-11-16T08:00:00Z');

describe('renderChart', () => {
  it('draws a PNG with the band, the line and red anomaly marks', () => {
    const n = 168;
    const times = Float64Array.from({ length: n }, (_, i) => from + i * HOUR);
    const value = Float64Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin(i / 4));
    const png = renderChart({
      title: 'cpu.total|host=web-1',
      times,
      value,
      expected: value.map((v) => v - 1),
      lower: value.map((v) => v - 8),
      upper: value.map((v) => v + 8),
      anomalies: [{ time: from + 80 * HOUR, value: 95 }],
      limit: 100,
      timeZone: 'UTC',
      from,
      until: from + n * HOUR,
    });
    const image = PNG.sync.read(png);
    assert.equal(image.width, CHART_WIDTH);
    assert.equal(image.height, CHART_HEIGHT);
    const colours = new Set<number>();
    let red = 0;
    for (let i = 0; i < image.data.length; i += 4) {
      const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
      colours.add((r << 16) | (g << 8) | b);
      if (r > 180 && g < 90 && b < 90) red++;
    }
    assert.ok(colours.size > 20, `only ${colours.size} colours`);
    assert.ok(red > 20, 'anomaly and limit marks are red');
  });

  it('writes the projection (p50 and the p10–p90 range) in red in the top-right corner of a projected series', () => {
    const n = 168;
    const times = Float64Array.from({ length: n }, (_, i) => from + i * HOUR);
    const value = Float64Array.from({ length: n }, (_, i) => 60 + i * 0.05);
    const input = {
      title: 'disk.used_percent|host=db-1',
      times,
      value,
      expected: value,
      lower: value.map((v) => v - 1),
      upper: value.map((v) => v + 1),
      anomalies: [],
      limit: 100,
      timeZone: 'UTC',
      from,
      until: from + n * HOUR,
    };
    const redTopRight = (png: Buffer): number => {
      const image = PNG.sync.read(png);
      let red = 0;
      for (let y = 20; y < 36; y++) {
        for (let x = CHART_WIDTH / 2; x < CHART_WIDTH; x++) {
          const i = (y * CHART_WIDTH + x) * 4;
          if (image.data[i]! > 180 && image.data[i + 1]! < 90 && image.data[i + 2]! < 90) red++;
        }
      }
      return red;
    };
    const plain = redTopRight(renderChart(input));
    const projected = redTopRight(
      renderChart({
        ...input,
        projection: { label: 'disk full', p10Ms: 9 * 86_400_000, p50Ms: 12 * 86_400_000, p90Ms: 16 * 86_400_000 },
      }),
    );
    assert.equal(plain, 0, 'no limit line or label up there without a projection (the limit is far above the data)');
    assert.ok(projected > 100, `only ${projected} red pixels of text`);
  });

  it('says so when there is no data instead of drawing an empty frame', () => {
    const empty = new Float64Array(3).fill(Number.NaN);
    const png = renderChart({
      title: 'x',
      times: new Float64Array(3),
      value: empty,
      expected: empty,
      lower: empty,
      upper: empty,
      anomalies: [],
      timeZone: 'UTC',
      from,
      until: from + 3 * HOUR,
    });
    assert.ok(PNG.sync.read(png).width === CHART_WIDTH);
  });
});

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    assert.deepEqual(niceTicks(3, 97, 5), [0, 25, 50, 75, 100]);
  });
});
