import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../packages/sdk/src/errors.js';

// docs/errors.md is what users read; ErrorCodes is what the code raises. They must agree.
describe('error registry', () => {
  const rows = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `DPA_ERR_'))
    .map((line) => line.split('|').map((cell) => cell.trim()));

  it('documents every code, and only those', () => {
    const documented = rows.map((cells) => cells[1]?.replaceAll('`', ''));
    expect(documented.sort()).toEqual(Object.keys(ErrorCodes).sort());
  });

  it('documents the status and title each code answers with', () => {
    for (const cells of rows) {
      const code = cells[1]!.replaceAll('`', '') as keyof typeof ErrorCodes;
      expect([Number(cells[2]), cells[3]]).toEqual([
        ErrorCodes[code].status,
        ErrorCodes[code].title,
      ]);
    }
  });

  it('names every code DPA_ERR_*', () => {
    for (const code of Object.keys(ErrorCodes)) expect(code).toMatch(/^DPA_ERR_[A-Z_]+$/);
  });
});
