import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutDurably, DurableAppender } from './durable-file.js';

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
