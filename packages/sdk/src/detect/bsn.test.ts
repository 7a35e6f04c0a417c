import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BsnDetector } from './bsn.js';
import { isBsn, isOnderwijsnummer } from './elfproef.js';
import { normalise } from './normalise.js';
import { DetectionEngine } from './engine.js';
import { DEFAULT_POLICY } from '../policy/defaults.js';

// The rules alone: a bare number's learned judgment is tested through the engine below.
const detector = new BsnDetector(undefined, false);
const learned = new BsnDetector();
const none = { own: undefined, path: [] };
const find = (text: string, keys: { own: string | undefined; path: string[] } = none) =>
  detector.inText(normalise(text).text, keys);

/** The engine's BSN findings in `value`, as `show` writes each. */
const engine = new DetectionEngine(DEFAULT_POLICY.detection);
const bsnFindings = (value: unknown, show: (f: { path: string; rule: string }) => string) =>
  engine
    .detect(value)
    .findings.filter((f) => f.category === 'bsn')
    .map(show);

// Valid by the elfproef: 111222333, 123456782, 229441932; not: 123456789.
describe('BsnDetector', () => {
  it.each([
    ['bsn 111222333', 'bsn.keyword'],
    ['Burgerservicenummer: 111.222.333', 'bsn.keyword'],
    ['mijn sofinummer is 1112.22.333', 'bsn.keyword'],
    ['persoonsnummer 111 22 2333', 'bsn.keyword'],
    ['citizen service number 111-222-333', 'bsn.keyword'],
    ['BSN\u00a0111\u00a0222\u00a0333', 'bsn.keyword'],
    ['bsn １１１２２２３３３', 'bsn.keyword'],
    ['bsn 111\u200b222\u200b333', 'bsn.keyword'],
    ['bsn 111/222/333', 'bsn.keyword'],
  ])('finds %j', (text, rule) => {
    expect(find(text)).toMatchObject({ rule, confidence: 0.97 });
  });

  it('finds an eight-digit BSN (leading zero) only with a keyword', () => {
    expect(find('bsn 46748192')?.rule).toBe('bsn.keyword');
    expect(find('nummer 46748192')).toBeUndefined();
  });

  it('lets the model dismiss a bare number only where the field names another number', () => {
    const inField = (own: string, text = '111222333') =>
      learned.inText(normalise(text).text, { own, path: [own] });
    // Nothing says what it is: as likely a BSN as the rules say, or more.
    expect(inField('extra')?.confidence).toBeGreaterThanOrEqual(0.6);
    expect(learned.inText('jansen;kees;111222333;vca', none)?.confidence).toBeGreaterThanOrEqual(
      0.6,
    );
    // A field named for a number of another kind, in a name no list holds.
    expect(inField('palletNo')).toBeUndefined();
  });

  it('finds a bare valid nine-digit number, more surely in a BSN layout', () => {
    expect(find('Jansen;Kees;111222333;VCA')).toMatchObject({ rule: 'bsn.bare', confidence: 0.6 });
    expect(find('229 441 932')).toMatchObject({ rule: 'bsn.layout', confidence: 0.65 });
  });

  it('takes a number named by a compound of another kind of number for that kind', () => {
    for (const named of ['Mijn studentnummer is', 'klachtnummer', 'pasnr', 'Intern projectnummer'])
      expect(find(`${named} 111222333, graag nakijken`), named).toBeUndefined();
    // A BSN's own names are not another kind, however compounded.
    for (const named of ['mijn sofinummer is', 'persoonsnummer:', 'bsn-nummer'])
      expect(find(`${named} 111222333`)?.rule, named).toBe('bsn.keyword');
  });

  it('ignores numbers that fail the elfproef, even with a keyword', () => {
    expect(find('bsn 123456789')).toBeUndefined();
  });

  it('matches keywords as whole words only', () => {
    expect(find('hamburger 123456789')).toBeUndefined();
    // (Not the keyword inside a longer word; that word names a number of its own kind.)
    expect(find('hamburgerservicenummer 111222333')?.rule).not.toBe('bsn.keyword');
  });

  it('dismisses numbers with suppressing context', () => {
    expect(find('factuurnummer 111222333')).toBeUndefined();
    expect(find('IBAN NL91 ABNA 0111 2223 33')).toBeUndefined();
    expect(find('KvK 11122233')).toBeUndefined();
    expect(find('bel me op +31 6 1112 2233')).toBeUndefined();
    expect(find('ordernummer: 111-222-333')).toBeUndefined();
  });

  it('lets a keyword close by win over a suppressor further away', () => {
    expect(find('factuur verstuurd; zijn bsn is 111222333')?.rule).toBe('bsn.keyword');
  });

  it('uses the field name', () => {
    expect(
      find('111222333', { own: 'burgerServiceNummer', path: ['burgerServiceNummer'] })?.rule,
    ).toBe('bsn.field-name');
    expect(
      find('111222333', { own: 'vcaDiplomanummer', path: ['vcaDiplomanummer'] }),
    ).toBeUndefined();
  });

  it('reads JSON numbers, restoring the leading zero of eight-digit ones', () => {
    expect(detector.inNumber(46748192, { own: 'bsn', path: ['bsn'] })?.rule).toBe('bsn.field-name');
    expect(detector.inNumber(46748192, { own: 'count', path: ['count'] })).toBeUndefined();
    expect(detector.inNumber(111222333, { own: 'x', path: ['x'] })?.rule).toBe('bsn.bare');
    expect(
      detector.inNumber(111222333, { own: 'orderNumber', path: ['orderNumber'] }),
    ).toBeUndefined();
    expect(detector.inNumber(1.5, none)).toBeUndefined();
  });

  it('detects an onderwijsnummer as a personal number', () => {
    expect(find('onderwijsnummer 101222331')?.rule).toBe('onderwijsnummer.keyword');
  });

  it('finds every valid number the elfproef accepts next to "bsn", in any layout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000_000, max: 999_999_999 }),
        fc.constantFrom('', ' ', '.', '-'),
        (n, sep) => {
          const digits = String(n);
          const text = `bsn ${digits.slice(0, 3)}${sep}${digits.slice(3, 6)}${sep}${digits.slice(6)}`;
          expect(find(text) !== undefined).toBe(isBsn(digits) || isOnderwijsnummer(digits));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds a BSN next to its keyword in every layout people paste, through the whole engine', () => {
    const valid = fc
      .integer({ min: 100_000_000, max: 999_999_999 })
      .map(String)
      .filter((d) => isBsn(d));
    const separator = fc.constantFrom(
      ' ',
      '.',
      '-',
      '\t',
      '\n',
      '_',
      '\u2013', // en dash
      '\u2014', // em dash
      '\u2011', // non-breaking hyphen
      '\u00a0',
      '\ufffd', // a replacement character
      '\ud800', // a lone surrogate
    );
    // Letters people type for digits: O or o for 0, l or I for 1.
    const lookalike = (digits: string, k: number) =>
      [
        digits,
        digits.replace('0', 'O'),
        digits.replace('0', 'o'),
        digits.replace('1', 'l'),
        digits.replace('1', 'I'),
      ][k]!;
    fc.assert(
      fc.property(
        valid,
        fc.array(separator, { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom('bsn ', 'BSN: ', 'mijn burgerservicenummer is ', 'sofinummer\t'),
        (digits, [a, b], k, keyword) => {
          const shown = lookalike(digits, k);
          const text = `${keyword}${shown.slice(0, 3)}${a}${shown.slice(3, 6)}${b}${shown.slice(6)}`;
          const findings = engine.detect({ note: text }).findings;
          expect(
            findings.map((f) => f.category),
            JSON.stringify(text),
          ).toContain('bsn');
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('finds a BSN told digit by digit in words (a voice note, a phone call), in Dutch or English', () => {
    const dutch = ['nul', 'een', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen'];
    const english = [
      'zero',
      'one',
      'two',
      'three',
      'four',
      'five',
      'six',
      'seven',
      'eight',
      'nine',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000_000, max: 999_999_999 }).filter((n) => isBsn(String(n))),
        fc.constantFrom(dutch, english),
        fc.constantFrom(' ', ', ', ' - '),
        fc.constantFrom('mijn bsn is ', 'my citizen service number is ', 'BSN telefonisch: '),
        (n, words, separator, keyword) => {
          const told = Array.from(String(n), (d) => words[Number(d)]).join(separator);
          const text = `${keyword}${told}, bel me even terug`;
          for (const json of [false, true]) {
            const value = { note: text };
            const found = json
              ? engine.detectJson(Buffer.from(JSON.stringify(value)), value)
              : engine.detect(value);
            expect(
              found.findings.map((f) => f.category),
              text,
            ).toContain('bsn');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds a whole BSN typed with the letters nearest the digits, and a BSN field by its name', () => {
    const bsnOf = (value: unknown) => bsnFindings(value, (f) => f.path);
    // 101431508 and 988054000 pass the elfproef.
    expect(bsnOf({ note: 'zijn bsn. het is lOl43l5O8 , van zijn pas overgetikt' })).toEqual([
      '/note',
    ]);
    expect(bsnOf({ note: 'I typed it from the letter: 988O54OOO.' })).toEqual(['/note']);
    expect(bsnOf({ record: { persoonsnr: -101431508 } })).toEqual(['/record/persoonsnr']);
    expect(bsnOf({ deelnemer: { overheidsnummer: '988054000' } })).toEqual([
      '/deelnemer/overheidsnummer',
    ]);
  });

  it('finds a BSN given as a negative JSON number, as an array of digits, or over two fields', () => {
    const bsnOf = (value: unknown) => bsnFindings(value, (f) => f.rule);
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000_000, max: 999_999_999 }).filter((n) => isBsn(String(n))),
        // Split as people split it (4 + 5, 3 + 6): each part at most six digits.
        fc.integer({ min: 3, max: 6 }),
        (n, cut) => {
          const d = String(n);
          expect(bsnOf({ bsn: -n })).toHaveLength(1);
          expect(bsnOf({ bsn: Array.from(d, Number) }).length).toBeGreaterThan(0);
          expect(bsnOf({ bsn1: d.slice(0, cut), bsn2: d.slice(cut) }).length).toBeGreaterThan(0);
          // A decimal point typed inside it, in a field that names it; a fraction in an
          // amount's field is an amount. (A fraction ending in 0 has lost that digit.)
          if (!d.endsWith('0')) {
            const fraction = Number(`${d.slice(0, cut)}.${d.slice(cut)}`);
            expect(bsnOf({ bsn: fraction })).toHaveLength(1);
            const body = { persoon: { bsn: fraction } };
            const bytes = new TextEncoder().encode(JSON.stringify(body));
            expect(engine.detectJson(bytes, body).findings.map((f) => f.path)).toEqual([
              '/persoon/bsn',
            ]);
            expect(bsnOf({ bedrag: fraction })).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds a named BSN typed with letters for digits throughout, or told in parts before its name', () => {
    const bsnOf = (value: unknown) => bsnFindings(value, (f) => f.rule);
    const letters: Record<string, string> = { '0': 'O', '1': 'l' };
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000_000, max: 999_999_999 }).filter((n) => isBsn(String(n))),
        (n) => {
          const d = String(n);
          // Every 0 and 1 typed as a letter, grouped 3-3-3: a group may hold no digit at all.
          const typed = Array.from(d, (c) => letters[c] ?? c).join('');
          const grouped = `${typed.slice(0, 3)} ${typed.slice(3, 6)} ${typed.slice(6)}`;
          expect(bsnOf({ burgerservicenummer: grouped })).toHaveLength(1);
          // In a text, a number must keep a digit to be read at all.
          if (/\d/.test(typed)) expect(bsnOf({ note: `sofinummer: ${grouped}` })).toHaveLength(1);
          const told = `het begint met ${d.slice(0, 4)}, dan ${d.slice(4, 6)}, en eindigt op ${d.slice(6)}. dat is mijn bsn`;
          expect(bsnOf({ chat: told })).toEqual(['bsn.keyword-spread']);
          // Its parts told out of order, each with its place in the number.
          const placed = `voor de bedrijfsarts moet mijn bsn erbij. de laatste drie zijn ${d.slice(6)}, de eerste drie ${d.slice(0, 3)} en in het midden ${d.slice(3, 6)}`;
          expect(bsnOf({ chat: placed })).toEqual(['bsn.keyword-spread']);
          const english = `my bsn: the last part is ${d.slice(5)}, the first ${d.slice(0, 5)}`;
          expect(bsnOf({ chat: english })).toEqual(['bsn.keyword-spread']);
        },
      ),
      { numRuns: 200 },
    );
    // Read loosely only where the number is named: the same letters alone are words.
    expect(bsnOf({ note: 'lol 224 o24 haha' })).toEqual([]);
  });

  it('reads no time of day or network address as a number, in any layout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 999 }),
        (h, m, sec, ms) => {
          const two = (n: number) => String(n).padStart(2, '0');
          const clock = `${two(h)}:${two(m)}:${two(sec)}.${String(ms).padStart(3, '0')}`;
          expect(find(clock)).toBeUndefined();
          expect(find(`2025-04-02T${clock}Z`)).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
    // 84.26.113.20 holds 842611320, which passes; four dotted octets are an address.
    expect(isBsn('842611320')).toBe(true);
    expect(find('ip 84.26.113.20')).toBeUndefined();
    // A dotted BSN layout with a group over 255 is no address.
    expect(find('bsn 842.611.320')?.rule).toBe('bsn.keyword');
  });

  it('takes a number glued to letters, or behind a short code, for a code', () => {
    // 226114703 passes the elfproef.
    expect(isBsn('226114703')).toBe(true);
    for (const code of ['PO-226114703', 'WV_226114703', 'NL226114703B01', 'x226114703'])
      expect(find(`zie ${code} in de lijst`), code).toBeUndefined();
    // Unless the letters name a personal number.
    expect(find('bsn226114703')?.rule).toBe('bsn.keyword');
    // A hyphenated name of another number: "Pallet-ID", "CMR-nr", "ND-nummer".
    for (const named of ['Pallet-ID', 'CMR-nr', 'ND-nummer'])
      expect(find(`${named} 226114703 kapot`), named).toBeUndefined();
    expect(find('BSN-nr 226114703')?.rule).toBe('bsn.keyword');
  });

  it("reads a pasted table's cell by its column, not by the other columns' names", () => {
    const bsnOf = (value: unknown) => bsnFindings(value, (f) => `${f.path} ${f.rule}`);
    // The BSN column beside one named for another number, in either order.
    expect(bsnOf({ t: 'Naam\tBSN\tRelatienummer\nA. Yilmaz\t226114703\t508473457' })).toEqual([
      '/t bsn.field-name',
    ]);
    expect(bsnOf({ t: 'naam;examencode;bsn\nAydin, S.;VCA-2406;226114703' })).toEqual([
      '/t bsn.field-name',
    ]);
    // A word naming the next line's value says nothing of this one.
    expect(
      bsnOf({ ocr: 'Persoonsnummer: 2261.14.703\nDocumentnummer: NXK9TR2L4' }).map((f) =>
        f.endsWith('bsn.keyword'),
      ),
    ).toEqual([true]);
    // Rows given as the items of one array, under a header item.
    expect(bsnOf({ rows: ['BSN (zonder voorloopnul);Naam', '55391205;Lisa Mertens'] })).toEqual([
      '/rows/1 bsn.field-name',
    ]);
    expect(bsnOf({ rows: ['ticket;onderwerp', '226114703;kan niet inloggen'] })).toEqual([]);
  });

  it('finds a number dictated by the places of its parts, with no keyword', () => {
    const bsnOf = (value: unknown) => bsnFindings(value, (f) => f.rule);
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000_000, max: 999_999_999 }).filter((n) => isBsn(String(n))),
        (n) => {
          const d = String(n);
          const told = `ok, hij begint met ${d.slice(0, 4)}, dan ${d.slice(4, 6)} en eindigt op ${d.slice(6)}`;
          expect(bsnOf({ chat: [{ msg: 'stuur je nummer even' }, { msg: told }] })).toEqual([
            'bsn.parts-told',
          ]);
        },
      ),
      { numRuns: 200 },
    );
    // Counts and times told the same way are no number: their digits fail or are too few.
    expect(bsnOf({ msg: 'de cursus begint met 12 mensen en eindigt op 34' })).toEqual([]);
  });

  it('reads a number given as the answer to the message before it by what that asks', () => {
    const bsnOf = (value: unknown) => bsnFindings(value, (f) => `${f.path} ${f.rule}`);
    const reply = (question: string) => ({
      chat: [
        { from: 'support', text: question },
        { from: 'Ola', text: '226114703' },
      ],
    });
    expect(bsnOf(reply('wat is je ticketnr?'))).toEqual([]);
    expect(bsnOf(['wat is je ordernummer?', '226114703'])).toEqual([]);
    expect(bsnOf(reply('stuur je bsn even'))).toEqual(['/chat/1/text bsn.field-name']);
    // Asked for neither, or for both: the number alone decides, as anywhere.
    expect(bsnOf(reply('hoi, waarmee kan ik helpen?'))).toEqual(['/chat/1/text bsn.bare']);
    expect(bsnOf(reply('je bsn of je ordernummer?'))).toEqual(['/chat/1/text bsn.bare']);
    // A reply with words may say it is another number; the rows of a table are no replies.
    expect(
      bsnOf({
        chat: [
          { t: 'Uw cursistnummer staat op de uitnodiging.' },
          { t: 'die heb ik niet, dit nummer dan: 226114703' },
        ],
      }),
    ).toEqual(['/chat/1/t bsn.bare']);
    expect(bsnOf({ rows: ['naam;telefoon;extra', 'Yusuf Kaya;0612873340;226114703'] })).toEqual([
      '/rows/1 bsn.bare',
    ]);
    // A key like "__proto__" on the way is the body's own field.
    expect(
      bsnOf(JSON.parse('{"__proto__": [{"t": "wat is je ordernr?"}, {"t": "226114703"}]}')),
    ).toEqual([]);
  });

  it('reads a named number read out in Dutch numerals', () => {
    // 855 677 405 passes the elfproef.
    expect(
      find('mijn bsn is achthonderdvijfenvijftig zeshonderdzevenenzeventig vierhonderdvijf')?.rule,
    ).toBe('bsn.keyword');
    expect(
      find('achthonderdvijfenvijftig zeshonderdzevenenzeventig vierhonderdvijf'),
    ).toBeUndefined();
  });

  it('takes a neighbouring field that names a personal number for the number beside it', () => {
    const bsnOf = (value: unknown) => bsnFindings(value, (f) => `${f.path} ${f.rule}`);
    // 508473457 passes the elfproef.
    expect(bsnOf({ rij: { 'ID-soort': 'BSN', 'ID-nr': '508473457' } })).toEqual([
      '/rij/ID-nr bsn.field-name',
    ]);
    expect(bsnOf({ veld: 'sofinummer', nieuwe_waarde: '5O8473457' })).toEqual([
      '/nieuwe_waarde bsn.field-name',
    ]);
    expect(bsnOf({ type: 'bsn', value: 508473457 })).toEqual(['/value bsn.field-name']);
    // A field named for another kind of number stays that kind; a neighbour elsewhere says nothing.
    expect(bsnOf({ label: 'bsn', ordernummer: '508473457' })).toEqual([]);
    expect(bsnOf({ a: { type: 'bsn' }, b: { ordernummer: '508473457' } })).toEqual([]);
  });

  it('takes a name written before a number (key=value) for its field, and a link for a link', () => {
    const bsnOf = (text: string) => bsnFindings({ text }, (f) => f.rule).length;
    expect(bsnOf('healthcheck ok uptime_ms=508473457 queue=0')).toBe(0);
    expect(bsnOf('ik krijg een 404 op https://leren.example.nl/cursus?id=508473457&lang=nl')).toBe(
      0,
    );
    expect(bsnOf('https://leren.example.nl/?bsn=508473457')).toBe(1);
    expect(bsnOf('export: bsn=508473457')).toBe(1);
  });

  it("gives the model a bare number's neighbouring field names", () => {
    const names: string[] = [];
    engine.detect({ artikel: 'ankerpunt', lot: '508473457', aantal: 4 }, (_, c) => {
      if (c.category === 'bsn') names.push(...(c.features.names ?? []));
    });
    expect(names).toEqual(expect.arrayContaining(['bs:artikel', 'bs:aantal']));
    expect(names).not.toContain('bs:lot');
  });

  it('never dismisses a number standing alone or next to nothing, whatever the model makes of it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000_000, max: 999_999_999 }).filter((n) => isBsn(String(n))),
        fc.constantFrom('', ' ', '\n', 'b ', 'nr ', 'id: ', '\n\t'),
        (n, pad) => {
          expect(learned.inText(`${pad}${String(n)}`, none)).toBeDefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never dismisses a number used as a key: a key not found is not masked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000_000, max: 999_999_999 }).filter((n) => isBsn(String(n))),
        (n) => {
          const paths = engine.detect({ [String(n)]: { diagnose: 'epilepsie' } }).findings;
          for (const f of paths) expect(f.path).not.toContain(String(n));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads loosely and in parts only what can be a number told: no words, dates or times', () => {
    const rules = (text: string) => bsnFindings({ text }, (f) => f.rule);
    // "is" is a word, not "15"; a date and a time before the name are no parts of a number.
    expect(rules('bsn is 4543718')).toEqual([]);
    expect(rules('Afspraak op 10-11 om 11:30 in kamer 2. Neem uw BSN mee.')).toEqual([]);
    // A neighbour still names a number after many other numbers in the body.
    expect(
      bsnFindings(
        {
          a: Array.from({ length: 70 }, (_, i) => i + 1),
          p: { 'ID-soort': 'BSN', 'ID-nr': '111222333' },
        },
        (f) => f.path,
      ),
    ).toEqual(['/p/ID-nr']);
  });

  it('lets a keyword outvote a word that says what the number is for, never what it is', () => {
    // "voor het certificaat", "for the first aid certificate": the number's use.
    expect(find('mijn BSN voor het certificaat: 111222333')).toMatchObject({ rule: 'bsn.keyword' });
    expect(find('upload my BSN for the first aid certificate: 111 222 333')).toMatchObject({
      rule: 'bsn.keyword',
    });
    expect(find('sofinummer t.b.v. salaris 111222333')).toMatchObject({ rule: 'bsn.keyword' });
    // The word that names the number itself still wins where it is nearer.
    expect(find('bsn staat niet op het certificaat, certificaatnummer 111222333')).toBeUndefined();
    expect(
      find('mijn bsn? nee, dit is mijn klantnummer voor de bestelling: 111222333'),
    ).toBeUndefined();
  });

  it('takes a job or a thing that begins like an order or a bank for neither', () => {
    const rules = (text: string) => bsnFindings(text, (f) => f.rule);
    expect(rules('Anna 111222333 orderpicker')).toEqual(['bsn.bare']);
    expect(rules('Kees, accountmanager, 111222333')).toEqual(['bsn.bare']);
    expect(rules('Anna 111222333 ordernummer')).toEqual([]);
    // A learner's account is the platform's login; an account number is a bank's.
    expect(rules('ik kom niet in mijn account, is het 111222333?')).toEqual(['bsn.bare']);
    expect(rules('bank account 111222333')).toEqual([]);
    expect(rules('accountnummer 111222333')).toEqual([]);
  });

  it("reads a BSN split over a pasted row's cells, next to a date of its own", () => {
    const rules = (text: string) => bsnFindings(text, (f) => f.rule);
    expect(rules('Szymon Wójcik\t04-11-1987\t111\t222\t333')).toEqual(['bsn.bare']);
    expect(rules('Nowak\tAnna\t111\t222\t333\tlasser')).toEqual(['bsn.bare']);
    // A neighbour joined the same way is part of a longer number; a log line's time is the
    // line's, and its number no person's.
    expect(rules('4711\t111\t222\t333')).toEqual([]);
    expect(rules('11:02:13 111222333 OK')).toEqual([]);
  });

  it('reads a fiscal or national id field as a personal number: in the Netherlands it is the BSN', () => {
    const paths = (value: unknown) => bsnFindings(value, (f) => f.path);
    expect(paths({ taxId: -111222333 })).toEqual(['/taxId']);
    expect(paths({ fiscaalNummer: '111222333' })).toEqual(['/fiscaalNummer']);
    expect(paths({ nationaal_id: 111222333 })).toEqual(['/nationaal_id']);
    expect(paths({ tin: '111 222 333' })).toEqual(['/tin']);
    expect(paths({ extra_id: 111222333 })).toEqual([]);
  });
});
