import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineBytes, LineChunk } from './line-bytes';

/** Text of a line: anything but a newline (line protocol escapes those), ASCII or not. */
const lineText = fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => text.replaceAll('\n', ' '));

describe('LineBytes', () => {
  it('writes numbers as String() prints them, integers digit by digit included, and any text as UTF-8', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.integer(), fc.maxSafeNat(), fc.constantFrom(0, -0, 9, 10, 2 ** 53, 1e21)),
        fc.double(),
        lineText,
        (integer, float, text) => {
          const bytes = new LineBytes(64);
          bytes.text(text).text(' ').integer(integer).text(',').number(float).end();
          assert.deepEqual(bytes.take().toLines(), [`${text} ${String(integer)},${String(float)}`]);
        },
      ),
    );
  });

  it('grows past its first buffer and keeps every line whole and in order', () => {
    const bytes = new LineBytes(64);
    const prefix = LineBytes.encode('points,series=ćpu|host\\=h,host=h value=');
    const expected: string[] = [];
    for (let i = 0; i < 5000; i++) {
      bytes
        .bytes(prefix)
        .number(i / 7)
        .text(' ')
        .integer(1_767_225_600_000 + i)
        .end();
      expected.push(`points,series=ćpu|host\\=h,host=h value=${i / 7} ${1_767_225_600_000 + i}`);
    }
    assert.equal(bytes.lines, 5000);
    const chunk = bytes.take();
    assert.deepEqual(chunk.toLines(), expected);
    assert.equal(chunk.body.toString(), expected.join('\n') + '\n');
    assert.equal(bytes.lines, 0);
    assert.equal(bytes.take().lines, 0);
  });

  it('takes only complete lines: a line begun stays for the next take; clear forgets it', () => {
    const bytes = new LineBytes(64);
    bytes.text('m v=1 1').end().text('m v=2');
    assert.deepEqual(bytes.take().toLines(), ['m v=1 1']);
    bytes.text(' 2').end();
    assert.deepEqual(bytes.take().toLines(), ['m v=2 2']);
    bytes.text('m v=3 3').end().text('m v=');
    bytes.clear().text('m v=4 4').end();
    assert.deepEqual(bytes.take().toLines(), ['m v=4 4']);
  });
});

describe('LineChunk', () => {
  it('splits by whole lines: any cuts give the same lines, in order', () => {
    fc.assert(
      fc.property(fc.array(lineText, { maxLength: 30 }), fc.array(fc.nat(31), { maxLength: 5 }), (lines, cuts) => {
        const whole = LineChunk.of(lines);
        assert.equal(whole.lines, lines.length);
        assert.deepEqual(whole.toLines(), lines);
        assert.equal(whole.body.toString(), lines.map((line) => `${line}\n`).join(''));
        // cut a part off the rest again and again, as the writer's batches and drops do
        const parts: string[][] = [];
        let rest = whole;
        for (const cut of cuts) {
          const [first, after] = rest.split(cut);
          assert.equal(first.lines, Math.min(cut, rest.lines));
          assert.equal(first.body.length + after.body.length, rest.body.length);
          parts.push(first.toLines());
          rest = after;
        }
        parts.push(rest.toLines());
        assert.deepEqual(parts.flat(), lines);
      }),
    );
  });

  it('keeps its lines while held, whatever is written after; a page is written again only once all its chunks are released', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ lines: fc.array(lineText, { maxLength: 12 }), split: fc.nat(12), release: fc.nat(5) }), {
          maxLength: 40,
        }),
        (steps) => {
          const bytes = new LineBytes(256); // pages of 256 bytes: turned, carried over and reused all the time
          const held: { chunk: LineChunk; lines: string[] }[] = [];
          for (const step of steps) {
            for (const line of step.lines) bytes.text(line).end();
            bytes.text('begun'); // a line begun is not taken
            const [first, rest] = bytes.take().split(step.split);
            bytes.clear();
            held.push({ chunk: first, lines: step.lines.slice(0, step.split) });
            held.push({ chunk: rest, lines: step.lines.slice(step.split) });
            // release some of those held (a batch written, a drop)
            for (const { chunk } of held.splice(0, Math.min(step.release, held.length))) chunk.release();
            for (const { chunk, lines } of held) assert.deepEqual(chunk.toLines(), lines);
          }
        },
      ),
    );
  });
});
