/**
 * The elfproef (eleven test) of Dutch personal numbers: weights 9..2 and -1 over nine
 * digits. A BSN's sum is ≡ 0 (mod 11); an onderwijsnummer (education number, used in
 * place of a BSN in Dutch education) starts with "10" and its sum is ≡ 5 (mod 11).
 * About 1 in 11 random numbers passes: a filter, never evidence on its own.
 */
export function elfproefSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return ((sum % 11) + 11) % 11;
}

/** A BSN: nine digits (eight get a leading zero), not all zero, sum ≡ 0 (mod 11). */
export function isBsn(raw: string): boolean {
  const digits = raw.length === 8 ? `0${raw}` : raw;
  if (!/^\d{9}$/.test(digits) || digits === '000000000') return false;
  return elfproefSum(digits) === 0;
}

/** An onderwijsnummer: nine digits starting with "10", sum ≡ 5 (mod 11). */
export function isOnderwijsnummer(digits: string): boolean {
  return /^10\d{7}$/.test(digits) && elfproefSum(digits) === 5;
}
