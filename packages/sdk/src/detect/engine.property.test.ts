import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGuard } from '../guard.js';
import { asWritten, lexicons } from './lexicon.js';
import { DetectionEngine, sharedPrefilter } from './engine.js';
import { DEFAULT_POLICY } from '../policy/defaults.js';
import { disguised, UNICODE_SEPARATORS, UNICODE_WORDS } from './unicode.fixture.js';

const guard = createGuard();

// JSON values with the awkward parts of real bodies: prototype keys, odd Unicode, digits.
const awkwardKey = fc.oneof(
  fc.string(),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'bsn', 'medisch', '~1/', ''),
);
const awkwardString = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('111 222 333', '１１１２２２３３３', '111\u200b222\u200b333', 'ziek\u00adgemeld'),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    awkwardString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(awkwardKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('guard.inspect on arbitrary input', () => {
  it('never throws and always answers with a decision', () => {
    fc.assert(
      fc.property(json, (value) => {
        const decision = guard.inspect(value);
        expect(typeof decision.blocked).toBe('boolean');
        for (const f of decision.findings)
          expect(f.path === '' || f.path.startsWith('/')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never returns a detected value: findings carry category, pointer, confidence, rule only', () => {
    const bsns = fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
      .map((d) => {
        // Complete eight digits to a number that passes the elfproef.
        const sum = d.reduce((s, x, i) => s + x * (9 - i), 0);
        const last = sum % 11;
        return last === 10 ? undefined : `${d.join('')}${last}`;
      })
      .filter((n): n is string => n !== undefined && n !== '000000000');
    fc.assert(
      fc.property(bsns, fc.constantFrom('bsn', 'BSN-nummer', 'sofinummer'), (bsn, keyword) => {
        const body = { [bsn]: 1, note: `Mijn ${keyword} is ${bsn} en ik heb diabetes.` };
        const decision = guard.inspect(body);
        expect(decision.findings.map((f) => f.category)).toContain('bsn');
        const out = JSON.stringify(decision);
        expect(out).not.toContain(bsn);
        expect(out).not.toContain('diabetes');
      }),
      { numRuns: 300 },
    );
  });

  it('is safe with prototype keys and does not touch Object.prototype', () => {
    const body = JSON.parse(
      '{"__proto__":{"bsn":"111222333"},"constructor":{"prototype":{"x":1}}}',
    ) as unknown;
    const decision = guard.inspect(body);
    expect(decision.findings.map((f) => f.path)).toEqual(['/__proto__/bsn']);
    expect(({} as Record<string, unknown>).bsn).toBeUndefined();
  });

  it('answers "could not inspect" past a limit instead of crashing', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const decision = guard.inspect(deep);
    expect(decision).toMatchObject({
      outcome: 'uninspectable',
      blocked: true,
      incomplete: 'max-depth',
    });
  });
});

describe('the prefilter never hides a finding', () => {
  const prefilter = sharedPrefilter();
  // The full path, with every string sent to it and nothing left out for its score: the
  // screen must say "maybe" wherever it finds any candidate at all. (Misspellings are read
  // only in texts the screen sends, so the reference reads none.)
  const reference = new DetectionEngine(
    { ...DEFAULT_POLICY.detection, threshold: 0 },
    { screen: false, typos: false },
  );
  const fullPathSees = (text: string) => {
    let seen = false;
    const found = reference.detect(text, () => (seen = true)).findings.length > 0;
    return seen || found;
  };
  const literals = lexicons().termList.map((t, i) => asWritten(t.term, i));
  const leet = (word: string) =>
    fc
      .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
      .map((flip) =>
        Array.from(word, (ch, i) =>
          flip[i]
            ? (({ o: '0', i: '1', e: '3', a: '4', s: '5', t: '7' } as Record<string, string>)[ch] ??
              ch)
            : ch,
        ).join(''),
      );
  const spelled = (word: string) =>
    fc
      .constantFrom(' ', '-', '.', '_')
      .map((joint) => word.replaceAll(' ', '').split('').join(joint));
  const compound = (word: string) =>
    fc
      .tuple(fc.constantFrom('', 'long', 'hart', 'x'), fc.constantFrom('', 'en', 's', 'onderzoek'))
      .map(([a, b]) => a + word + b);
  const term = fc.constantFrom(...literals);
  const words = fc.oneof(
    { weight: 4, arbitrary: term },
    term.chain(leet),
    term.chain(spelled),
    term.chain(compound),
    fc.constantFrom(
      'de',
      'cursist',
      'Hij',
      'BHV-module',
      'rug',
      'nek',
      'was',
      '123',
      'zijn man',
      'mijn vrouw',
    ),
  );

  it('says "maybe" for every string in which the full path finds a candidate', () => {
    const separators = fc.constantFrom(' ', ', ', '-', '. ', '\n', '/');
    const texts = fc
      .array(fc.tuple(words, separators), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.map(([w, s]) => w + s).join(''))
      .map((t) => (t.length % 2 === 0 ? t.toUpperCase() : t));
    fc.assert(
      fc.property(texts, (text) => {
        if (fullPathSees(text)) expect(prefilter.mayHold(text), text).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads text beyond ASCII as normalisation folds it, and still never hides a finding', () => {
    const parts = fc.oneof(
      term.chain(disguised),
      fc.constantFrom(...UNICODE_WORDS, 'cursist', '123'),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
      fc.string({ unit: 'binary', maxLength: 3 }),
    );
    const separators = fc.constantFrom(' ', ', ', '-', '/', ...UNICODE_SEPARATORS);
    const texts = fc
      .array(fc.tuple(parts, separators), { minLength: 1, maxLength: 6 })
      .map((p) => p.map(([w, s]) => w + s).join(''));
    fc.assert(
      fc.property(texts, (text) => {
        if (fullPathSees(text)) expect(prefilter.mayHold(text), text).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('says "maybe" for a BSN in every layout people paste it in', () => {
    const digit = fc.integer({ min: 0, max: 9 });
    const bsn = fc.array(digit, { minLength: 8, maxLength: 8 }).map((d) => {
      const check = d.reduce((sum, x, i) => sum + x * (9 - i), 0) % 11;
      return check === 10 ? '111222333' : `${d.join('')}${check}`;
    });
    const separator = fc.constantFrom(
      '',
      ' ',
      '.',
      '-',
      '/',
      '\t',
      '\n',
      '_',
      '\u2013',
      '\u2011',
      ' - ',
      ', ',
      '\ufffd',
    );
    const lookalike = (d: string) =>
      fc.constantFrom(d, d.replace('0', 'O'), d.replace('1', 'l'), d.replace('1', 'I'));
    const layout = fc
      .tuple(
        bsn,
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 0, maxLength: 4 }),
        separator,
      )
      .map(([n, cuts, sep]) => {
        const at = [...new Set(cuts)].sort((a, b) => a - b);
        let out = '';
        let from = 0;
        for (const c of at) {
          out += n.slice(from, c) + sep;
          from = c;
        }
        return out + n.slice(from);
      })
      .chain(lookalike);
    const words = ['nul', 'een', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen'];
    const spoken = bsn.map((n) => Array.from(n, (d) => words[Number(d)]).join(' '));
    const around = fc.tuple(
      fc.constantFrom('', 'bsn ', 'nummer: ', 'Jansen;Kees;', 'telefoon 0612345678, '),
      fc.oneof(layout, spoken),
      fc.constantFrom('', ' (bsn)', ';VCA-B;2025-01-17', '.'),
    );
    fc.assert(
      fc.property(around, ([before, number, after]) => {
        const text = before + number + after;
        if (fullPathSees(text)) expect(prefilter.mayHold(text), text).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('says "maybe" for nine-digit runs in any layout and in any script, and not for typed punctuation', () => {
    for (const text of [
      '123456789',
      '123.456.789',
      '1234 56 789',
      '12-34-56-789',
      '１２３４５６７８９',
      '١٢٣٤٥٦٧٨٩',
      'ｄｉａｂｅｔｅｓ',
      '𝐝𝐢𝐚𝐛𝐞𝐭𝐞𝐬',
      'dia\u00adbetes',
      'Ziek–gemeld met rugklachten',
    ])
      expect(prefilter.mayHold(text), text).toBe(true);
    for (const text of [
      '2025-03-17',
      '2025-03-18T09:30:00Z',
      'Goede dag gehad.',
      '',
      'Café',
      '’t Examen – “prima” gedaan… € 95',
      'Şükrü Yılmaz, Łukasz Wójcik 🙂',
    ])
      expect(prefilter.mayHold(text), text).toBe(false);
  });
});

describe('the full path reads a term however it is typed', () => {
  const engine = new DetectionEngine({ ...DEFAULT_POLICY.detection, threshold: 0 });
  const categoriesIn = (text: string) => {
    const seen = new Set<string>();
    engine.detect({ note: text }, (_path, c) => seen.add(c.category));
    return seen;
  };
  // One-word terms of letters only: the forms below are defined for them.
  const plain = lexicons()
    .termList.map((t) => t.term)
    .filter((t) => /^[a-z]{6,}$/.test(t));
  const LEET: Record<string, string> = { o: '0', i: '1', e: '3', a: '4', s: '5' };
  // Cyrillic letters that look like Latin ones.
  const CYRILLIC: Record<string, string> = {
    a: '\u0430',
    e: '\u0435',
    o: '\u043e',
    c: '\u0441',
    p: '\u0440',
  };
  const disguise = (word: string, how: number) => {
    if (how === 0)
      return Array.from(word, (ch, i) => (i % 2 === 1 ? (LEET[ch] ?? ch) : ch)).join('');
    if (how === 1) return word.split('').join(' ');
    if (how === 2) return Array.from(word, (ch) => CYRILLIC[ch] ?? ch).join('');
    return word.toUpperCase();
  };
  it('finds the same category in leetspeak, spelled out, in look-alike letters and in capitals', () => {
    fc.assert(
      fc.property(fc.constantFrom(...plain), fc.integer({ min: 0, max: 3 }), (term, how) => {
        const expected = categoriesIn(`ik heb ${term} sinds vorig jaar`);
        const typed = disguise(term, how);
        const found = categoriesIn(`ik heb ${typed} sinds vorig jaar`);
        for (const c of expected) expect(found.has(c), `${typed} (${c})`).toBe(true);
      }),
      { numRuns: 800 },
    );
  });

  // Acronyms of two or three letters: written with joints, in capitals or not.
  const acronyms = lexicons()
    .termList.map((t) => t.term.replace(/\*$/, ''))
    .filter((t) => /^[a-z]{2,3}$/.test(t));
  it('finds an acronym written letter by letter ("F.N.V.", "P V V", "c-f")', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...acronyms),
        fc.constantFrom('.', ' ', '-', '_'),
        fc.boolean(),
        (term, joint, capitals) => {
          const expected = categoriesIn(`ik ben lid van ${term} sinds vorig jaar`);
          let typed = term.split('').join(joint) + (joint === '.' ? '.' : '');
          if (capitals) typed = typed.toUpperCase();
          const found = categoriesIn(`ik ben lid van ${typed} sinds vorig jaar`);
          for (const c of expected) expect(found.has(c), `${typed} (${c})`).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a text with thousands of distinct characters', () => {
  it('goes to the full path, and the characters it brought are still read later', () => {
    const prefilter = sharedPrefilter();
    let wide = '';
    for (let cp = 0x4e00; cp < 0x4e00 + 6000; cp++) wide += String.fromCharCode(cp);
    // More characters never folded than one text may fold: the full path (which folds
    // every character anyway) decides, so none is folded twice.
    expect(prefilter.mayHold(wide)).toBe(true);
    // In texts of fifty, every one is read: the cache forgets when full, it never refuses.
    for (let k = 0; k < wide.length; k += 50)
      expect(prefilter.mayHold(wide.slice(k, k + 50)), String(k)).toBe(false);
    expect(prefilter.mayHold('Иван Дмитрий')).toBe(false);
    expect(prefilter.mayHold('’t Examen – “prima” gedaan… Łukasz')).toBe(false);
  });
});

describe('ReDoS: adversarial megabyte strings finish quickly', () => {
  const MB = 1024 * 1024;
  const adversarial = [
    '1 '.repeat(MB / 2),
    '1.'.repeat(MB / 2),
    '9'.repeat(MB),
    'a'.repeat(MB),
    'ziek'.repeat(MB / 4),
    // A term in every word and no sentence end: each hit's context search must stay in
    // its sentence (it once read on to the end of the text, quadratic: 18 s at 250 KB).
    'ziek '.repeat(MB / 5),
    'pijn '.repeat(MB / 5),
    'chemokuur '.repeat(MB / 10),
    'bsn '.repeat(MB / 4),
    'ik '.repeat(MB / 3),
    '-'.repeat(MB),
    `${'x'.repeat(MB - 10)}111222333`,
    '\u200b'.repeat(MB),
    'é'.repeat(MB),
    // Every CJK ideograph in turn, a term at the end: more than the fold cache holds.
    `${Array.from({ length: MB / 2 }, (_, i) => String.fromCharCode(0x4e00 + (i % 20992))).join('')} diabetes`,
  ];
  it.each(adversarial.map((s, i) => [i, s] as const))(
    'case %i',
    (_i, text) => {
      const guard = createGuard({
        policy: [
          {
            name: 'big.json',
            document: { version: 'big', detection: { limits: { maxBodyBytes: 4 * MB } } },
          },
        ],
      });
      const decision = guard.inspect({ note: text });
      expect(typeof decision.blocked).toBe('boolean');
    },
    // The bound is the test timeout: a catastrophic backtrack would take minutes, and a
    // loaded CI machine may take several times the 1–3 s these take on an idle one.
    60_000,
  );
});
