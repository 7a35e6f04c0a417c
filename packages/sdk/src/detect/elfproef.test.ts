import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBsn, isOnderwijsnummer } from './elfproef.js';

/** The elfproef written out plainly, as the reference the fast one must agree with. */
function referenceBsn(digits: string): boolean {
  const d = digits.padStart(9, '0').split('').map(Number);
  const sum =
    9 * d[0]! +
    8 * d[1]! +
    7 * d[2]! +
    6 * d[3]! +
    5 * d[4]! +
    4 * d[5]! +
    3 * d[6]! +
    2 * d[7]! -
    d[8]!;
  return sum % 11 === 0 && digits.padStart(9, '0') !== '000000000';
}

describe('elfproef', () => {
  it('accepts known-valid and rejects known-invalid numbers', () => {
    expect(isBsn('111222333')).toBe(true);
    expect(isBsn('123456782')).toBe(true);
    expect(isBsn('123456789')).toBe(false);
    expect(isBsn('000000000')).toBe(false);
    expect(isBsn('46748192')).toBe(true); // eight digits: leading zero
  });

  it('recognises an onderwijsnummer', () => {
    expect(isOnderwijsnummer('101222331')).toBe(true);
    expect(isOnderwijsnummer('101222332')).toBe(false);
    expect(isOnderwijsnummer('201222331')).toBe(false);
  });

  it('agrees with the reference on random nine-digit strings', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (digits) => {
        expect(isBsn(digits)).toBe(referenceBsn(digits));
      }),
      { numRuns: 5000 },
    );
  });

  it('passes about one in eleven random numbers', () => {
    let passed = 0;
    for (let n = 100_000_000; n < 100_110_000; n++) if (isBsn(String(n))) passed++;
    expect(passed / 110_000).toBeCloseTo(1 / 11, 2);
  });
});
