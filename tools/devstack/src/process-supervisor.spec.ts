import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { procState } from './pid-file';
import { spawnDetached, stopProcess } from './process-supervisor';

describe('process supervisor', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-proc-'));
  const pids: number[] = [];
  after(() => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function start(name: string, body: string) {
    const script = path.join(dir, `${name}.js`);
    fs.writeFileSync(script, body);
    return spawnDetached(
      { command: process.execPath, args: [script], cwd: dir, env: {} },
      path.join(dir, `${name}.log`),
    );
  }

  it('starts a detached process in its own process group with its output in the log file', async () => {
    const child = await start('hello', 'console.log("hello from child"); setInterval(() => {}, 1000);');
    pids.push(child.pid);
    const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    assert.equal(Number(fields[2]), child.pid, 'process group id is its own pid');
    await waitFor(() => fs.readFileSync(path.join(dir, 'hello.log'), 'utf8').includes('hello from child'));
    assert.equal(await stopProcess(child.pid, path.join(dir, 'hello.js')), 'terminated');
  });

  it('sends SIGKILL when SIGTERM is ignored for longer than the grace period', async () => {
    const child = await start(
      'stubborn',
      'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000);',
    );
    pids.push(child.pid);
    await waitFor(() => fs.readFileSync(path.join(dir, 'stubborn.log'), 'utf8').includes('ready'));
    assert.equal(await stopProcess(child.pid, path.join(dir, 'stubborn.js'), 300), 'killed');
    assert.notEqual(procState(child.pid), 'running');
  });

  it('does not signal a pid whose command line lacks the marker', async () => {
    const child = await start('other', 'setInterval(() => {}, 1000);');
    pids.push(child.pid);
    assert.equal(await stopProcess(child.pid, '/some/other/server.properties', 100), 'gone');
    assert.equal(procState(child.pid), 'running');
  });

  it('reports a process that exits during start', async () => {
    const child = await start('crash', 'process.exit(3);');
    await waitFor(() => child.exit() !== undefined);
    assert.deepEqual(child.exit(), { code: 3, signal: null });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
