import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The splits are built from the raw files by a deterministic script; what is committed
// must be what it makes, or the numbers reported are for a corpus nobody can rebuild.
describe('the corpus', () => {
  it('splits are exactly what corpus/tools/build.mjs makes of the raw files and reviews', () => {
    const build = new URL('../corpus/tools/build.mjs', import.meta.url).pathname;
    expect(() =>
      execFileSync(process.execPath, [build, '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});
