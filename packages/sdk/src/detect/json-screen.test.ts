import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../policy/defaults.js';
import { readDataFile } from './data.js';
import { DetectionEngine, sharedPrefilter } from './engine.js';
import { FieldNameVerdicts, screenJson } from './json-screen.js';
import { asWritten, lexicons, SPECIAL_CATEGORIES } from './lexicon.js';
import { disguised, UNICODE_SEPARATORS, UNICODE_WORDS } from './unicode.fixture.js';

const engine = new DetectionEngine(DEFAULT_POLICY.detection);
const utf8 = (text: string) => new TextEncoder().encode(text);

// Field names that matter on their own, from the shipped data files (patterns unstarred).
const unstar = (pattern: string) => pattern.replaceAll('*', '');
const categoryKeys = SPECIAL_CATEGORIES.flatMap((name) => {
  const file = readDataFile<{ keys: string[]; contextKeys: string[] }>(`lexicon/${name}.json`);
  return [...file.keys, ...file.contextKeys].map(unstar);
});
const bsnData = readDataFile<{ keys: string[]; suppressingKeys: string[]; keywords: string[] }>(
  'bsn.json',
);
const fields = readDataFile<{ genderKeys: string[]; courseContent: string[] }>('fields.json');
const keyWords = [
  ...categoryKeys,
  ...bsnData.keys.map(unstar),
  ...bsnData.suppressingKeys.map(unstar),
  ...fields.genderKeys,
  ...fields.courseContent.map(unstar),
  'remark',
  'notes',
  'name',
  // A template field: an encoding in it is a biometric template.
  'templateHash',
  '__proto__',
  'constructor',
];
const words = [
  ...lexicons().termList.map((t, i) => asWritten(t.term, i)),
  '9f3c1ad07e44b2a8c6d1e0f5',
  'FMR:3f9a0c71b2e84d5566aa',
  'cursist',
  'Hij',
  'mijn vriend',
  'haar vriendin',
  'man',
  'vrouw',
  'BHV-module',
  'geïnteresseerd',
  'Café',
  'naïef',
  'ziek\u00admelding',
  'b\u200bsn',
  'ｂｓｎ',
  '١٢٣',
];
const digits = fc
  .tuple(fc.integer({ min: 1, max: 11 }), fc.constantFrom('', ' ', '.', '-', '/', ':'))
  .chain(([length, separator]) =>
    fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length })
      .map((d) => d.join('').replace(/(\d{3})(?=\d)/g, `$1${separator}`)),
  );
// Numbers that pass the elfproef, so that the full path does find them.
const bsn = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }).map((d) => {
  const check = d.reduce((sum, x, i) => sum + x * (9 - i), 0) % 11;
  return check === 10 ? '111222333' : `${d.join('')}${check}`;
});
const bsnText = fc
  .tuple(bsn, fc.constantFrom('', ' ', '.', '-', '/'))
  .map(([number, separator]) => number.replace(/(\d{3})(?=\d)/g, `$1${separator}`));
const text = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(...words),
        fc.constantFrom(...words).chain(disguised),
        fc.constantFrom(...UNICODE_WORDS),
        digits,
        bsnText,
        bsnText.chain(disguised),
        fc.string({ maxLength: 4 }),
        fc.string({ unit: 'grapheme', maxLength: 3 }),
        fc.string({ unit: 'binary', maxLength: 3 }),
      ),
      fc.constantFrom(' ', ', ', '. ', '\n', '/', '-', '"', '\\', ...UNICODE_SEPARATORS),
    ),
    // Long strings too, as remarks and notes are.
    { maxLength: 16 },
  )
  .map((parts) => parts.map(([w, s]) => w + s).join(''))
  .map((t) => (t.length % 3 === 0 ? t.toUpperCase() : t));
const key = fc.oneof(
  fc.constantFrom(...keyWords),
  fc
    .tuple(fc.constantFrom('', 'q3_', 'hr', 'user.', 'my '), fc.constantFrom(...keyWords))
    .map(([a, b]) => a + b),
  text,
);
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.integer({ min: 1_000_000, max: 999_999_999 }),
    bsn.map(Number),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/**
 * Serialises like a client might: indented, with `\/`, with characters escaped as \uXXXX
 * here and there, and with big integers in exponent form ("1.11222333e8").
 */
const serialised = fc
  .tuple(value, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 }), fc.boolean())
  .map(([v, indent, escapeEvery, slashes]) => {
    const exponents: string[] = [];
    const marked =
      JSON.stringify(
        v,
        (_k, x: unknown) => {
          if (typeof x !== 'number' || !Number.isSafeInteger(x) || Math.abs(x) < 1000) return x;
          const [head, ...tail] = String(Math.abs(x));
          const fraction = tail.join('').replace(/0+$/, '');
          exponents.push(
            `${x < 0 ? '-' : ''}${head}${fraction === '' ? '' : '.'}${fraction}e${tail.length}`,
          );
          return `@exp${exponents.length - 1}@`;
        },
        indent,
      ) ?? 'null';
    let out = marked.replace(/"@exp(\d+)@"/g, (_m, k: string) => exponents[Number(k)]!);
    if (slashes) out = out.replaceAll('/', '\\/'); // a '/' is only ever inside a string
    if (escapeEvery > 0) {
      let k = 0;
      const escaped = out.replace(/[^"\\\n\t{}[\]:,]/g, (ch) =>
        ++k % escapeEvery === 0 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch,
      );
      // Escapes outside strings break the JSON: then the text stays as it was.
      try {
        JSON.parse(escaped);
        out = escaped;
      } catch {
        // keep out
      }
    }
    return { text: out, value: JSON.parse(out) as unknown };
  });

describe('the JSON screen never changes a decision', () => {
  it('gives the same detection as the full walk, for any JSON text and its value', () => {
    fc.assert(
      fc.property(serialised, ({ text: json, value: parsed }) => {
        expect(engine.detectJson(utf8(json), parsed)).toEqual(engine.detect(parsed));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads characters beyond ASCII as the walk does, in short texts where one word decides', () => {
    const part = fc.oneof(
      fc.constantFrom(...words).chain(disguised),
      fc.constantFrom(...UNICODE_WORDS, 'cursist', 'x'),
      bsnText.chain(disguised),
    );
    const note = fc
      .array(fc.tuple(part, fc.constantFrom(' ', '', ...UNICODE_SEPARATORS)), {
        minLength: 1,
        maxLength: 3,
      })
      .map((parts) => parts.map(([w, s]) => w + s).join(''));
    // The screen reads the bytes as the prefilter reads the parsed string: exactly.
    const prefilter = sharedPrefilter();
    const noFieldMatters = { begin: () => {}, known: () => -1, matters: () => false };
    const limits = DEFAULT_POLICY.detection.limits;
    fc.assert(
      fc.property(note, fc.boolean(), (text, escape) => {
        let json = JSON.stringify({ note: text });
        // Now and then every character beyond ASCII as an escape (pairs for astral ones).
        if (escape)
          json = json.replace(
            /[\u0080-\uffff]/g,
            (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
          );
        const parsed = JSON.parse(json) as unknown;
        expect(screenJson(utf8(json), prefilter, noFieldMatters, limits), json).toBe(
          !prefilter.mayHold(text),
        );
        expect(engine.detectJson(utf8(json), parsed), json).toEqual(engine.detect(parsed));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on a keyword whose word runs past the window a number is judged in', () => {
    // Found in review: the full path took "bsn" in "bsnxyz" for the word when the window
    // 40 characters after the number ended right after it; the screen (rightly) did not.
    const texts = [
      '{"note":"12345672éxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx bsnxyz"}',
      '{"note":"12345672\\u00e9xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx bsnxyz"}',
      '{"note":"12345672 déyyyyyyyyyyyyyyyyyyyyyyyyyyy id-nummerx"}',
    ];
    for (const json of texts) {
      const parsed = JSON.parse(json) as unknown;
      expect(engine.detectJson(utf8(json), parsed)).toEqual(engine.detect(parsed));
    }
    // Padding to every offset around the window's edge, with and without a letter after.
    for (let pad = 30; pad <= 45; pad++)
      for (const tail of ['', 'x'])
        for (const fold of ['e', 'é']) {
          const json = JSON.stringify({ note: `12345672${fold}${'x'.repeat(pad)} bsn${tail}` });
          const parsed = JSON.parse(json) as unknown;
          expect(engine.detectJson(utf8(json), parsed), json).toEqual(engine.detect(parsed));
        }
  });

  it('sends a template field to the walk, where an encoding in it is a biometric template', () => {
    const json = '{"toegang":{"templateHash":"9f3c1ad07e44b2a8c6d1e0f57a93b210"}}';
    const parsed = JSON.parse(json) as unknown;
    const found = engine.detectJson(utf8(json), parsed);
    expect(found.findings.map((f) => f.category)).toEqual(['biometric']);
    expect(found).toEqual(engine.detect(parsed));
  });

  it('notes the words of a phrase however many of them a string holds, in either order', () => {
    // A string passes the common words of many phrases ("naar", "in", "heeft"); the
    // words of one phrase ("zit ~ vast" is screened by "zit" and "vast") far apart, in
    // either order, still make a maybe, and the common words alone do not; also where one
    // word is ended by a character beyond ASCII (read outside the screen's inner loop).
    const filler = 'naar huis in de auto en heeft '.repeat(40);
    const prefilter = sharedPrefilter();
    const limits = DEFAULT_POLICY.detection.limits;
    const clean = { begin: () => {}, known: () => -1, matters: () => false };
    for (const text of [
      `zit ${filler} vast`,
      `vast ${filler} zit`,
      `${filler} zit vast`,
      'zit vast',
      `vast\u201d ${filler} zit`,
      `zit\u00a0${filler} vast\u2026`,
    ]) {
      expect(screenJson(utf8(JSON.stringify({ note: text })), prefilter, clean, limits)).toBe(
        false,
      );
      expect(prefilter.mayHold(text)).toBe(true);
    }
    expect(screenJson(utf8(JSON.stringify({ note: filler })), prefilter, clean, limits)).toBe(true);
  });

  it('knows a field name by all its bytes, whatever order the names come in', () => {
    // One table of names kept over many bodies, against a table made afresh for each:
    // names that are prefixes of each other, one escaped, one with a term or a quote in
    // it, one that decides a finding, in orders that keep changing or stay the same.
    const names = ['naam', 'naams', 'naa', 'n', '', 'vak', 'vakbond', 'opmerking', 'diabetes'];
    const written = [...names, 'na\\u0061m', 'a\\"b', 'na\\\\am', 'opmerking diabetes'];
    const judge = (name: string) => name === 'vakbond';
    const kept = new FieldNameVerdicts(judge);
    const prefilter = sharedPrefilter();
    const limits = DEFAULT_POLICY.detection.limits;
    const body = fc
      .array(fc.tuple(fc.constantFrom(...written), fc.constantFrom('"x"', '1', '{"naam":"y"}')), {
        maxLength: 6,
      })
      .map((fields) => `{${fields.map(([k, v]) => `"${k}":${v}`).join(',')}}`);
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 8 }), (bodies) => {
        for (const json of bodies) {
          const bytes = utf8(json);
          const fresh = screenJson(bytes, prefilter, new FieldNameVerdicts(judge), limits);
          expect(screenJson(bytes, prefilter, kept, limits), json).toBe(fresh);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('stops where the walk would, under tight limits on depth and nodes', () => {
    const tight = new DetectionEngine({
      ...DEFAULT_POLICY.detection,
      limits: { maxBodyBytes: 1024 * 1024, maxDepth: 3, maxNodes: 8 },
    });
    // Clean, wide and shallow values, so that the limits are what decides.
    const clean = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('cursist', 'VCA-B', 'op tijd', 'Graag online.', ''),
        fc.integer({ min: -999, max: 999 }),
        fc.boolean(),
        fc.array(tie('value'), { maxLength: 12 }),
        fc.dictionary(fc.constantFrom('naam', 'remark', 'x1', 'a'), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(
        fc.oneof(
          serialised,
          clean.map((v) => ({ text: JSON.stringify(v), value: v })),
        ),
        ({ text: json, value: parsed }) => {
          expect(tight.detectJson(utf8(json), parsed)).toEqual(tight.detect(parsed));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('lets a typical clean write through without walking it, and sends every kind of doubt to the walk', () => {
    const clean = {
      enrollmentId: 'ENR-25-10001',
      courseCode: 'VCA-B',
      participant: { name: 'Sanne de Vries', email: 'cursist1@example.nl' },
      startDate: '2025-03-17',
      rating: 4,
      paid: true,
      remark:
        'Cursist was op tijd; café op locatie "Zuid" was dicht.\nGraag het certificaat per post.',
    };
    const engineSpy = new DetectionEngine(DEFAULT_POLICY.detection);
    let walked = 0;
    const original = engineSpy.detect.bind(engineSpy);
    engineSpy.detect = (v: unknown) => {
      walked++;
      return original(v);
    };
    const screen = (json: string) => {
      walked = 0;
      engineSpy.detectJson(utf8(json), JSON.parse(json));
      return walked === 0;
    };
    expect(screen(JSON.stringify(clean))).toBe(true);
    expect(screen(JSON.stringify(clean, null, 2))).toBe(true);
    expect(screen(JSON.stringify(clean).replace('é', '\\u00e9'))).toBe(true);
    // As typed on a phone: curly quotes, dashes, names beyond Latin-1, an emoji; escaped too.
    const typed = {
      ...clean,
      participant: { name: 'Şükrü Yılmaz', email: 'cursist1@example.nl' },
      remark: '’t Examen – “prima” gedaan… Łukasz betaalt € 95 🙂',
    };
    expect(screen(JSON.stringify(typed))).toBe(true);
    expect(
      screen(JSON.stringify(typed).replace('’', '\\u2019').replace('🙂', '\\ud83d\\ude42')),
    ).toBe(true);
    const doubts: Record<string, string> = {
      'a BSN': JSON.stringify({ ...clean, remark: 'BSN 111222333' }),
      'a health term': JSON.stringify({ ...clean, remark: 'Ik heb diabetes' }),
      'an escaped term': JSON.stringify({ ...clean, remark: 'ik heb \\u0064iabetes' }).replace(
        '\\\\u',
        '\\u',
      ),
      'a field name of a category': JSON.stringify({ ...clean, vakbond: true }),
      'a field name for a BSN': JSON.stringify({ ...clean, bsn: 1234567 }),
      'a gender field': JSON.stringify({ ...clean, geslacht: 'v' }),
      'an eight-digit number': JSON.stringify({ ...clean, id: 12345678 }),
      'an exponent': '{"id": 1.00006e8}',
      'a term in full-width letters': JSON.stringify({ ...clean, remark: 'ｂｓｎ' }),
      'a term in mathematical letters': JSON.stringify({ ...clean, remark: '𝐝𝐢𝐚𝐛𝐞𝐭𝐞𝐬' }),
      'a term as escaped surrogate pairs': '{"remark":"\\ud835\\udc1d\\ud835\\udc22abetes"}',
      'a lone surrogate': '{"remark":"\\ud835 ok"}',
      'more characters never seen than one body may fold': JSON.stringify({
        ...clean,
        remark: Array.from({ length: 100 }, (_, k) => String.fromCharCode(0xa000 + k)).join(''),
      }),
      'a zero-width space': JSON.stringify({ ...clean, remark: 'b\u200bsn' }),
      'nesting at the depth limit': `${'['.repeat(64)}1${']'.repeat(64)}`,
      'a byte-order mark': `\ufeff${JSON.stringify(clean)}`,
    };
    for (const [doubt, json] of Object.entries(doubts)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch {
        parsed = JSON.parse(json.slice(1));
      }
      walked = 0;
      engineSpy.detectJson(utf8(json), parsed);
      expect(walked, doubt).toBe(1);
    }
    // Bytes that are not UTF-8: the parser reads them as U+FFFD, the screen leaves them.
    for (const bad of [
      [0xff],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      const bytes = new Uint8Array([...utf8('{"remark":"a'), ...bad, ...utf8('b"}')]);
      walked = 0;
      engineSpy.detectJson(bytes, JSON.parse(new TextDecoder().decode(bytes)));
      expect(walked, String(bad)).toBe(1);
    }
  });
});
