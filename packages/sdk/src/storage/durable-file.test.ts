import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutDurably, DurableAppender, releaseDirLock, takeDirLock } from './durable-file.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'dpa-appender-')), 'lines.txt');

describe('DurableAppender', () => {
  it('writes lines queued together in one batch, with one promise for all of them', async () => {
    const path = file();
    const appender = new DurableAppender(path, { lingerMs: 5 });
    const first = appender.append('a\n');
    const second = appender.append('b\n');
    expect(second).toBe(first);
    await first;
    await appender.close();
    expect(readFileSync(path, 'utf8')).toBe('a\nb\n');
  });

  it('sends lines that have waited already without lingering again', async () => {
    const path = file();
    // A linger longer than the test may run: only a batch that skips it can be written.
    const appender = new DurableAppender(path, { lingerMs: 600_000 });
    await appender.appendDue('due\n');
    expect(readFileSync(path, 'utf8')).toBe('due\n');
    await appender.close();
  });

  it('writes a line appended in the same turn as close(), and refuses one after', async () => {
    const path = file();
    const appender = new DurableAppender(path);
    const closed = appender.close();
    const late = appender.append('late\n');
    await Promise.all([closed, late]);
    await expect(appender.append('after\n')).rejects.toThrow(/closed/);
    expect(readFileSync(path, 'utf8')).toBe('late\n');
  });
});

describe('cutDurably', () => {
  it('cuts a torn tail in place, the same file, and ends what is left with a newline', () => {
    const path = file();
    writeFileSync(path, '{"a":1}\n{"b":2}\n{"c":');
    const inode = statSync(path).ino;
    cutDurably(path, 16);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    expect(statSync(path).ino).toBe(inode);
    writeFileSync(path, '{"a":1}\n{"b":2}');
    cutDurably(path, 15);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    cutDurably(path, 0);
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});

describe('takeDirLock', () => {
  // Of processes that find a dead owner's lock at the same moment, one takes it over. Each
  // contender stays alive until every one has answered (the test closes their stdin), so
  // the winner is a live owner for as long as any other looks, however late that one
  // starts on a loaded machine: no timing decides the outcome.
  const contender = `
    import { takeDirLock } from ${JSON.stringify(new URL('../../dist/storage/durable-file.js', import.meta.url).href)};
    const [dir, go] = process.argv.slice(1);
    while (Date.now() < Number(go)) {}
    try { takeDirLock(dir, 'x.lock', 'test'); console.log('won'); } catch { console.log('lost'); }
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
  `;
  const start = (dir: string, go: number) => {
    const child = spawn(process.execPath, [
      '--input-type=module',
      '-e',
      contender,
      dir,
      String(go),
    ]);
    const answered = new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('error', reject);
      child.on('exit', (code) => resolve(out.trim() || `exited ${String(code)}`));
    });
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    return { answered, exited, release: () => child.stdin.end() };
  };

  it("lets one of several processes take over a dead owner's lock", async () => {
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'dpa-lock-'));
      writeFileSync(join(dir, 'x.lock'), '999999999'); // no such process
      // A common start time makes real races likely; correctness does not depend on it.
      const go = Date.now() + 400;
      const contenders = Array.from({ length: 6 }, () => start(dir, go));
      const results = await Promise.all(contenders.map((c) => c.answered));
      for (const c of contenders) c.release();
      await Promise.all(contenders.map((c) => c.exited));
      expect(
        results.filter((r) => r === 'won'),
        results.join(' '),
      ).toHaveLength(1);
    }
  }, 60_000);

  it('refuses a second holder in the same process, also through a symlink, until released', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-lock-'));
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    takeDirLock(join(dir, 'real'), 'x.lock', 'test store');
    expect(() => takeDirLock(join(dir, 'link'), 'x.lock', 'test store')).toThrow(
      /in use by process \d+ \(this one, through another instance\)/,
    );
    releaseDirLock(join(dir, 'real'), 'x.lock');
    expect(() => takeDirLock(join(dir, 'link'), 'x.lock', 'test store')).not.toThrow();
  });
});
