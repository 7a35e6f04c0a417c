#!/usr/bin/env node
// Numbers for corpus writers: BSNs that pass the elfproef, and numbers that look like one
// but do not. Deterministic by seed, so a writer can say which seed they used.
//
//   node corpus/tools/bsn.mjs valid 10 [--seed N]      ten valid 9-digit BSNs
//   node corpus/tools/bsn.mjs eight 5 [--seed N]       valid BSNs with a leading zero (8 digits shown)
//   node corpus/tools/bsn.mjs invalid 10 [--seed N]    nine digits that fail the elfproef
//   node corpus/tools/bsn.mjs check 123456782 ...      says valid/invalid for each number

const weights = [9, 8, 7, 6, 5, 4, 3, 2, -1];

/** The elfproef over exactly nine digits; 000000000 is not a BSN. */
export function elfproef(digits) {
  if (!/^\d{9}$/.test(digits) || digits === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += weights[i] * Number(digits[i]);
  return sum % 11 === 0;
}

function random(seed) {
  // mulberry32: small, deterministic, good enough for picking numbers.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(kind, count, seed) {
  const next = random(seed);
  const out = [];
  while (out.length < count) {
    let digits = '';
    for (let i = 0; i < 9; i++) digits += String(Math.floor(next() * 10));
    if (kind === 'eight') digits = `0${digits.slice(1)}`;
    else if (digits[0] === '0') continue;
    const valid = elfproef(digits);
    if ((kind === 'invalid') === valid) continue;
    out.push(kind === 'eight' ? digits.slice(1) : digits);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) cli(process.argv.slice(2));

function cli([command, ...rest]) {
  const seedAt = rest.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(rest[seedAt + 1]) : Date.now() % 100000;
  if (command === 'valid' || command === 'invalid' || command === 'eight') {
    const count = Number(rest[0] ?? 10);
    for (const n of generate(command, count, seed)) console.log(n);
  } else if (command === 'check') {
    for (const n of rest) {
      const digits = n.replace(/\D/g, '');
      const nine = digits.length === 8 ? `0${digits}` : digits;
      console.log(`${n}\t${elfproef(nine) ? 'valid' : 'invalid'}`);
    }
  } else {
    console.log(
      'usage: node corpus/tools/bsn.mjs valid|eight|invalid COUNT [--seed N] | check NUMBER...',
    );
    process.exitCode = command === undefined || command === '--help' ? 0 : 2;
  }
}
