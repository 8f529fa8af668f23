import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { followFiles, splitLines, tailFile } from './log-tail';

describe('log tail', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-log-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps a trailing partial line apart', () => {
    assert.deepEqual(splitLines('a\nb\nc'), { lines: ['a', 'b'], rest: 'c' });
    assert.deepEqual(splitLines('a\n'), { lines: ['a'], rest: '' });
  });

  it('returns the last lines of a file, and nothing for a missing file', () => {
    const file = path.join(dir, 'a.log');
    fs.writeFileSync(file, Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n');
    assert.deepEqual(tailFile(file, 3), ['line 97', 'line 98', 'line 99']);
    assert.deepEqual(tailFile(path.join(dir, 'missing.log')), []);
  });

  it('follows appended lines, labelled with their file', async () => {
    const file = path.join(dir, 'b.log');
    fs.writeFileSync(file, 'old\n');
    const seen: string[] = [];
    const abort = new AbortController();
    const following = followFiles(
      [{ label: 'kafka', file }],
      (label, line) => {
        seen.push(`${label}:${line}`);
        if (seen.length === 2) abort.abort();
      },
      abort.signal,
      20,
    );
    fs.appendFileSync(file, 'new 1\nnew');
    fs.appendFileSync(file, ' 2\n');
    await following;
    assert.deepEqual(seen, ['kafka:new 1', 'kafka:new 2']);
  });
});
