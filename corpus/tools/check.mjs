#!/usr/bin/env node
// Checks corpus files line by line before they are used: the shape of each case, that
// every expected JSON Pointer names a string or number in the input, that ids are unique,
// and the BSN labels against the elfproef (warnings, which the writer confirms with a tag).
// Prints a summary per file. Exit 1 on an error, 0 with warnings only.
//
//   node corpus/tools/check.mjs corpus/raw/*.jsonl

import { readFileSync } from 'node:fs';
import { elfproef } from './bsn.mjs';

export const CATEGORIES = [
  'bsn',
  'health',
  'religion',
  'criminal',
  'sexual_orientation',
  'ethnicity',
  'political',
  'trade_union',
  'genetic',
  'biometric',
];

export function resolvePointer(value, pointer) {
  if (pointer === '') return { found: true, value };
  if (!pointer.startsWith('/')) return { found: false };
  let node = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key))
      return { found: false };
    node = node[key];
  }
  return { found: true, value: node };
}

// Look-alike letters a careless or evasive writer uses for digits.
const lookAlike = {
  o: '0',
  O: '0',
  l: '1',
  I: '1',
  i: '1',
  '|': '1',
  s: '5',
  S: '5',
  b: '8',
  B: '8',
};

/**
 * Could this text hold a BSN in some layout? Digits of the text, look-alikes folded only in a
 * token of digits and look-alikes ("7l23O9974", "llO"), never the letters of a word ("inloggen
 * lukt niet" is no 1111).
 */
function holdsValidNumber(text) {
  let digits = '';
  for (const token of text.normalize('NFKC').split(/[\s,;:()"'!?]+/)) {
    const fold = [...token].every((ch) => /[\p{Nd}.\-_/]/u.test(ch) || ch in lookAlike);
    for (const ch of token) {
      if (/\p{Nd}/u.test(ch)) digits += String(Number.parseInt(ch, 10));
      else if (fold && ch in lookAlike) digits += lookAlike[ch];
    }
  }
  for (let i = 0; i + 9 <= digits.length; i++) if (elfproef(digits.slice(i, i + 9))) return true;
  for (let i = 0; i + 8 <= digits.length; i++)
    if (elfproef(`0${digits.slice(i, i + 8)}`)) return true;
  return false;
}

/** Plainly laid out valid BSNs in a text: 9 digits with at most single separators. */
function plainValidNumbers(text) {
  const out = [];
  for (const m of text.matchAll(/(?<![\d])\d(?:[ .\-/]?\d){8}(?![\d])/g)) {
    const digits = m[0].replace(/\D/g, '');
    if (elfproef(digits)) out.push(m[0]);
  }
  return out;
}

function strings(value, path, out) {
  if (typeof value === 'string') out.push([path, value]);
  else if (typeof value === 'number') out.push([path, String(value)]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}/${i}`, out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      strings(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  return out;
}

export function checkCase(c) {
  const errors = [];
  const warnings = [];
  if (typeof c.id !== 'string' || c.id === '') errors.push('no id');
  if (!('input' in c)) errors.push('no input');
  if (!Array.isArray(c.expect)) errors.push('expect is not a list');
  if (c.allow !== undefined && !Array.isArray(c.allow)) errors.push('allow is not a list');
  if (c.tags !== undefined && !Array.isArray(c.tags)) errors.push('tags is not a list');
  if (errors.length > 0) return { errors, warnings };
  const tags = new Set(c.tags ?? []);
  for (const e of c.expect) {
    if (!CATEGORIES.includes(e.category)) errors.push(`unknown category ${e.category}`);
    const at = resolvePointer(c.input, e.path);
    if (!at.found) {
      errors.push(`path ${JSON.stringify(e.path)} is not in the input`);
      continue;
    }
    if (typeof at.value !== 'string' && typeof at.value !== 'number')
      errors.push(
        `path ${JSON.stringify(e.path)} names a ${typeof at.value}, not a string or number`,
      );
    if (
      e.category === 'bsn' &&
      !tags.has('split') &&
      !tags.has('words') &&
      !holdsValidNumber(String(at.value))
    )
      warnings.push(
        `bsn at ${JSON.stringify(e.path)}: no elfproef-valid number found there (tag "split" or "words" if intended)`,
      );
  }
  for (const a of c.allow ?? [])
    if (!CATEGORIES.includes(a)) errors.push(`unknown allowed category ${a}`);
  const labelled = new Set(c.expect.filter((e) => e.category === 'bsn').map((e) => e.path));
  const bsnAllowed = (c.allow ?? []).includes('bsn');
  if (!tags.has('lookalike') && !bsnAllowed)
    for (const [path, text] of strings(c.input, '', []))
      if (!labelled.has(path) && plainValidNumbers(text).length > 0)
        warnings.push(
          `unlabelled elfproef-valid number at ${JSON.stringify(path)} (tag "lookalike" if it is not a BSN)`,
        );
  return { errors, warnings };
}

function main(files) {
  let failed = false;
  const ids = new Map();
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const summary = { cases: 0, clean: 0, hardNegative: 0, perCategory: {} };
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const where = `${file}:${index + 1}`;
      let c;
      try {
        c = JSON.parse(line);
      } catch (error) {
        console.log(`${where}: error: not JSON (${error.message})`);
        failed = true;
        return;
      }
      const { errors, warnings } = checkCase(c);
      if (typeof c.id === 'string') {
        if (ids.has(c.id)) errors.push(`id ${c.id} also at ${ids.get(c.id)}`);
        else ids.set(c.id, where);
      }
      for (const e of errors) console.log(`${where} ${c.id ?? ''}: error: ${e}`);
      for (const w of warnings) console.log(`${where} ${c.id ?? ''}: warning: ${w}`);
      if (errors.length > 0) failed = true;
      summary.cases++;
      if (Array.isArray(c.expect) && c.expect.length === 0) summary.clean++;
      if (Array.isArray(c.tags) && c.tags.includes('hard-negative')) summary.hardNegative++;
      for (const e of c.expect ?? [])
        summary.perCategory[e.category] = (summary.perCategory[e.category] ?? 0) + 1;
    });
    const cats = Object.entries(summary.perCategory)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `${file}: ${summary.cases} cases, ${summary.clean} clean (${summary.hardNegative} hard negatives); ${cats}`,
    );
  }
  process.exitCode = failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
