import { compileKeyPatterns, readDataFile, squashKey } from './data.js';
import { digitRuns, isLetter, numberCandidates, type NumberCandidate } from './digits.js';
import { isBsn, isOnderwijsnummer } from './elfproef.js';
import { FeatureSet, keyWords, sizeBucket } from './features.js';
import { shippedModel, type Model } from './model.js';
import { columnAt, tableOf, type TextTable } from './table.js';
import { compileTerms, type TermMatcher } from './terms.js';

interface BsnData {
  keywords: string[];
  keys: string[];
  suppressors: string[];
  /** Words that begin like a suppressing word but name a job or a thing ("orderpicker"). */
  notSuppressors: string[];
  suppressingKeys: string[];
}

/** Why a number was judged a personal number, as the finding's `rule`. */
export type BsnRule =
  | 'bsn.keyword'
  | 'bsn.keyword-spread'
  | 'bsn.parts-told'
  | 'bsn.field-name'
  | 'bsn.layout'
  | 'bsn.bare'
  | 'bsn.split-fields'
  | 'onderwijsnummer.keyword'
  | 'onderwijsnummer.bare';

export interface BsnFinding {
  confidence: number;
  rule: BsnRule;
}

/**
 * A number that passes the elfproef with no word or field saying what it is: whether it is
 * someone's BSN is judged by the learned model (training and explanations see these).
 */
export interface BsnCandidate {
  category: 'bsn';
  rule: BsnRule;
  features: FeatureSet;
}

/** Called with each bare-number candidate, when training or explaining. */
export type BsnObserver = (candidate: BsnCandidate) => void;

/** A bare number's score when no model is shipped (the hand rules' judgment). */
const BARE_SCORE = 0.6;
const LAYOUT_SCORE = 0.65;
/**
 * Below this model score a bare number is taken for the other number it looks like. Chosen
 * by writer-out cross-validation (npm run cv): from 0.2 to 0.3 the BSN F1 rose from 0.945 to
 * 0.951; on the corpus of 142 writers, 0.4 against 0.3 rose from 0.973 to 0.975 (0.5: 0.974).
 * A number standing alone in its text, or with next to nothing beside it ("b 123…"), keeps
 * the lower bar: the guard must refuse it wherever it takes an identifier (a tenant id, a
 * breach signal's text). Short of the bar the rules' score stands.
 */
const DISMISS_BELOW = 0.4;
const DISMISS_ALONE_BELOW = 0.3;
/** Words either side of a bare number the model reads. */
const BARE_WORDS_BEFORE = 3;
const BARE_WORDS_AFTER = 2;

/** Keys that say what a value is, from the field itself outwards. */
export interface KeyContext {
  /** The value's own field name, or undefined at the top or in an array. */
  own: string | undefined;
  /** Every field name on the path, innermost last. */
  path: readonly string[];
  /**
   * A neighbouring field of the same object names the value a personal number
   * ({"ID-soort": "BSN", "ID-nr": "…"}, {"veld": "sofinummer", "nieuwe_waarde": "…"}).
   */
  namedBeside?: boolean;
  /** The other field names of the value's object, if any. */
  siblings?: readonly string[] | undefined;
  /**
   * The value is an object's key: a number there is never dismissed by the model, since
   * a key that is not found is not masked, and its pointer would show the digits.
   */
  inKey?: boolean;
  /** `own` was read from the text (a pasted table's column, "uptime_ms=…"), not a field. */
  ownFromText?: boolean;
  /**
   * The header of the table the text is a row of, when the rows came as items of one array
   * (["naam;bsn;functie", "Jan;123456782;monteur"]): the first item names the columns.
   */
  columns?: TextTable | undefined;
}

// How far, in characters of the same value, a context word may stand from the number.
const KEYWORD_BEFORE = 80;
const KEYWORD_AFTER = 40;
const SUPPRESSOR_BEFORE = 60;
const SUPPRESSOR_AFTER = 12;

/** Field names that say only "a number": what the number is, the enclosing field says. */
const GENERIC_KEY =
  /^(?:nummer|nr|no|number|num|id|ref|referentie|reference|code|waarde|value|val)$/;

/**
 * Field names that end in a word for an id, a code or a quantity ("examId",
 * "toegangscode", "omzet_cent"): what such a field holds is named by the field, and it is
 * not a person's number. (A BSN field name is read first: "idnummer" is one.)
 */
const ID_OR_QUANTITY_KEY =
  /.(?:id|ids|code|codes|key|token|cent|cents|count|total|totaal|sum|som|amount|bedrag|prijs|price|waarde|value|omzet|nr)$/;

// How far after a keyword digit groups told around words ("begint met 1234, dan 56 …")
// are gathered into one number.
const SPREAD_AFTER = 90;

/**
 * Finds Dutch personal numbers (BSN, sofinummer, onderwijsnummer) in normalised text and
 * scores each one: the elfproef filters, context decides. Keyword or field name →
 * near-certain; a suppressing word (IBAN, order, telefoon…) → dismissed; nothing around
 * it → a bare nine-digit number that passes, judged likely enough to block.
 */
export class BsnDetector {
  readonly #keywords: TermMatcher<true>;
  readonly #suppressors: TermMatcher<true>;
  readonly #notSuppressors: TermMatcher<true>;
  readonly #isBsnKey: (key: string) => boolean;
  readonly #isSuppressingKey: (key: string) => boolean;
  /** Field names of another kind of number (bsn.json suppressingKeys). */
  readonly #namesOther: (key: string) => boolean;
  readonly #model: Model | undefined;
  /** The identifying keywords, in the lexicon syntax (for the prefilter). */
  readonly keywordList: readonly string[];

  /** `model`: the learned judgment of bare numbers; `false` judges them by the rules alone. */
  constructor(
    data: BsnData = readDataFile<BsnData>('bsn.json'),
    model: Model | false | undefined = shippedModel(),
  ) {
    this.#model = model === false ? undefined : model;
    this.keywordList = data.keywords;
    this.#keywords = compileTerms(data.keywords.map((term) => ({ term, payload: true as const })));
    this.#suppressors = compileTerms(
      data.suppressors.map((term) => ({ term, payload: true as const })),
    );
    this.#notSuppressors = compileTerms(
      data.notSuppressors.map((term) => ({ term, payload: true as const })),
    );
    this.#isBsnKey = compileKeyPatterns(data.keys);
    const suppressing = compileKeyPatterns(data.suppressingKeys);
    this.#namesOther = suppressing;
    this.#isSuppressingKey = (key) =>
      suppressing(key) || (!this.#isBsnKey(key) && ID_OR_QUANTITY_KEY.test(squashKey(key)));
  }

  /**
   * Whether the field says its value is a personal number: its name, or a neighbour naming
   * it one where its own name says no other kind of number ("ID-nr" may be one, "ordernummer"
   * never).
   */
  #namedField(keys: KeyContext): boolean {
    if (this.#keyIs(keys, this.#isBsnKey)) return true;
    return keys.namedBeside === true && !this.#keyIs(keys, this.#namesOther);
  }

  /** Whether a short text names a personal number, as a field beside a number may. */
  namesNumberIn(text: string): boolean {
    let named = false;
    this.#keywords.scan(text, () => {
      named = true;
    });
    return named;
  }

  /**
   * Whether a short text names a number of another kind: a suppressing word ("ordernummer",
   * "ticket", "klantnummer") or a compound of one ("ticketnr", "pasnummer").
   */
  namesOtherNumber(text: string): boolean {
    if (this.#suppressors.has(text)) return true;
    for (const [w] of text.matchAll(WORD))
      if (OTHER_NUMBER_COMPOUND.test(w) && !this.#isBsnKey(w) && !this.#keywords.has(w))
        return true;
    return false;
  }

  /** Whether a field name alone says its value is a personal number. */
  isBsnKey(key: string): boolean {
    return this.#isBsnKey(key);
  }

  /** The strongest personal number in a normalised string, or undefined. */
  inText(text: string, keys: KeyContext, observe?: BsnObserver): BsnFinding | undefined {
    let best: BsnFinding | undefined;
    const runs = digitRuns(text);
    // In a table pasted as text, a number's column header is its field name.
    const table = runs.length > 0 ? (tableOf(text) ?? keys.columns) : undefined;
    for (const run of runs)
      for (const candidate of numberCandidates(run)) {
        const finding = this.#judge(text, table, candidate, keys, runs.length, observe);
        if (finding !== undefined && (best === undefined || finding.confidence > best.confidence))
          best = finding;
      }
    best ??= this.#spread(text, runs);
    if (best !== undefined || !this.#names(text, keys)) return best;
    // A number named as one but typed with letters for digits throughout ("llO 224 O24"),
    // or read out in numerals ("achthonderdvijfenvijftig zeshonderd…"): read loosely, it
    // counts only where the name stands near it, never as a bare number.
    for (const run of digitRuns(text, true))
      for (const candidate of numberCandidates(run)) {
        if (candidate.layout !== 'lookalike' && candidate.layout !== 'words') continue;
        const finding = this.#judge(text, table, candidate, keys, runs.length, undefined);
        if (finding !== undefined && NAMED_RULES.has(finding.rule)) return finding;
      }
    return undefined;
  }

  /** Whether a text, or the field it stands in, names a personal number. */
  #names(text: string, keys: KeyContext): boolean {
    return this.#namedField(keys) || this.namesNumberIn(text);
  }

  /**
   * A number told in parts around words after a keyword ("mijn bsn begint met 1234, dan 56,
   * eindigt op 782"): the groups after the keyword, in order, as one number.
   */
  #spread(text: string, runs: ReturnType<typeof digitRuns>): BsnFinding | undefined {
    if (runs.length < 2) return undefined;
    // A part told is a number of its own among words (a run of one group of two digits or
    // more): a date or a time ("10-11", "11:30") is no part of a personal number.
    const parts = runs
      .filter((run) => run.groups.length === 1 && run.groups[0]!.digits.length >= 2)
      .map((run) => run.groups[0]!);
    let found: BsnFinding | undefined;
    this.#keywords.scan(text, (hit) => {
      if (found !== undefined) return;
      // The parts told after the keyword, or, when none are, the nearest before it ("begint
      // met 9048, dan 56, en eindigt op 203. dat is mijn bsn").
      const after = parts.filter((g) => g.start >= hit.end && g.start <= hit.end + SPREAD_AFTER);
      const before = parts.filter((g) => g.end <= hit.start && g.end >= hit.start - SPREAD_AFTER);
      let told: typeof parts = [];
      for (const g of after) if (digitCount(told) < 9) told.push(g);
      let nearest: typeof parts = [];
      for (let k = before.length - 1; k >= 0 && digitCount(nearest) < 9; k--)
        nearest = [before[k]!, ...nearest];
      told = inToldOrder(text, told, hit.end);
      nearest = inToldOrder(text, nearest, 0);
      for (const digits of [told, nearest].map((p) => p.map((g) => g.digits).join('')))
        if (digits.length === 9 && classify(digits) !== undefined) {
          found = { confidence: 0.9, rule: 'bsn.keyword-spread' };
          return;
        }
    });
    return found ?? toldByPlace(text, parts);
  }

  /**
   * Digits of neighbouring fields or items read as one number ({"bsn1": "1234", "bsn2":
   * "56782"}, [1, 2, 3, …]): each part holds only digits, together eight or nine.
   */
  inParts(parts: readonly string[], keys: KeyContext, keyword: boolean): BsnFinding | undefined {
    const digits = parts.join('');
    if (digits.length !== 9 && digits.length !== 8) return undefined;
    const padded = digits.padStart(9, '0');
    if (classify(padded) === undefined) return undefined;
    if (!keyword && this.#keyIs(keys, this.#isSuppressingKey)) return undefined;
    const named = keyword || this.#keyIs(keys, this.#isBsnKey);
    if (digits.length === 8 && !named) return undefined;
    return { confidence: named ? 0.95 : 0.6, rule: 'bsn.split-fields' };
  }

  /** Whether a normalised text names a personal number (bsn, sofinummer, …). */
  namesNumber(text: string): boolean {
    return this.#keywords.has(text);
  }

  /** A JSON number: 8 or 9 digits (a BSN with a leading zero loses it as a number). */
  inNumber(given: number, keys: KeyContext, observe?: BsnObserver): BsnFinding | undefined {
    // A sign is not part of a number as a person gives it (a legacy system's -123456782).
    const value = Math.abs(given);
    if (!Number.isInteger(value)) return this.#inFraction(value, keys);
    if (value < 1_000_000 || value > 999_999_999) return undefined;
    const digits = String(value).padStart(9, '0');
    const kind = classify(digits);
    if (kind === undefined) return undefined;
    if (this.#namedField(keys)) return { confidence: 0.97, rule: 'bsn.field-name' };
    if (this.#keyIs(keys, this.#isSuppressingKey)) return undefined;
    // A bare number field: ids, counts and amounts are numbers too; nine digits that
    // pass are still likely enough to stop, eight digits (padded) are not.
    if (value < 10_000_000) return undefined;
    const f = this.#bareFeatures(keys, observe !== undefined);
    f.add('bjson');
    return this.#bare(f, bareRule(kind), BARE_SCORE, observe, keys);
  }

  /**
   * A number with a decimal point in a field named for a personal number ("bsn": 70587.2518):
   * its digits, the point left out, as a person typed them. Only where the field names it:
   * a bare fraction is an amount or a measurement.
   */
  #inFraction(value: number, keys: KeyContext): BsnFinding | undefined {
    if (!Number.isFinite(value) || !this.#namedField(keys)) return undefined;
    const digits = String(value).replace('.', '');
    if (!/^[0-9]{9}$/.test(digits) || classify(digits) === undefined) return undefined;
    return { confidence: 0.97, rule: 'bsn.field-name' };
  }

  /** What the model reads of a bare number's field: the words of its name and the path's. */
  #bareFeatures(keys: KeyContext, keepNames: boolean): FeatureSet {
    const f = new FeatureSet(keepNames, this.#model?.weights);
    f.add('bb');
    if (keys.own === undefined) f.add('bf-none');
    else {
      // A name read from the text is a word of the text: its features say so (isTextFeature),
      // so an explanation sums them and never lists them.
      const [words, ends] = keys.ownFromText === true ? TEXT_NAME : FIELD_NAME;
      for (const w of keyWords(keys.own)) f.pair(words, w);
      // The end of a field's name says what it holds ("…nummer", "…nr", "…ref") even in a
      // name never seen: the model reads its last letters.
      const squashed = squashKey(keys.own);
      for (const n of [2, 3, 4, 5]) if (squashed.length > n) f.pair(ends[n]!, squashed.slice(-n));
    }
    for (let i = 0; i < keys.path.length - 1; i++)
      for (const w of keyWords(keys.path[i]!)) f.pair('bg:', w);
    for (const sibling of keys.siblings ?? [])
      if (sibling !== keys.own) for (const w of keyWords(sibling)) f.pair('bs:', w);
    return f;
  }

  /** A bare number judged: by the model when one is shipped, else by the hand rules. */
  #bare(
    f: FeatureSet,
    rule: BsnRule,
    fallback: number,
    observe: BsnObserver | undefined,
    keys: KeyContext,
    alone = false,
  ): BsnFinding | undefined {
    observe?.({ category: 'bsn', rule, features: f });
    if (this.#model === undefined) return { confidence: fallback, rule };
    // The model may dismiss a number it is sure is something else (an id in a field named
    // for one, a code among codes); short of that, a bare number that passes the elfproef
    // stays as likely a BSN as the rules say: one let through costs more than one stopped.
    const score = this.#model.scoreOf(f);
    if (score < (alone ? DISMISS_ALONE_BELOW : DISMISS_BELOW) && keys.inKey !== true)
      return undefined;
    return { confidence: Math.round(Math.max(score, fallback) * 100) / 100, rule };
  }

  /**
   * Whether the field a value stands in says so: its own name, or, when that is a generic
   * one ("nummer", "id", "ref"), the enclosing field's ({"factuur": {"nummer": …}}).
   */
  #keyIs(keys: KeyContext, test: (key: string) => boolean): boolean {
    for (let i = keys.path.length - 1; i >= 0; i--) {
      const key = keys.path[i]!;
      if (test(key)) return true;
      if (!GENERIC_KEY.test(squashKey(key))) return false;
    }
    return false;
  }

  #judge(
    text: string,
    table: TextTable | undefined,
    candidate: NumberCandidate,
    given: KeyContext,
    runs: number,
    observe: BsnObserver | undefined,
  ): BsnFinding | undefined {
    const kind = classify(candidate.digits);
    if (kind === undefined) return undefined;
    // A column's header, or a name written right before it ("uptime_ms=…", "?id=…"), is the
    // number's field name.
    const column = table === undefined ? undefined : columnAt(table, text, candidate.start);
    const header = column ?? inlineKeyBefore(text, candidate.start);
    const keys: KeyContext =
      header === undefined
        ? given
        : { ...given, own: header, path: [...given.path, header], ownFromText: true };
    const { start, end } = candidate;
    // Words count on the number's own line only after it ("1644.76.738\nDocumentnummer: …"
    // names the next line's value), and, in a table's row, before it too: the header says
    // what the cell holds, and the other columns' names are not about this one.
    const lineStart = column === undefined ? 0 : text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = lineEndAfter(text, end);
    const keywordAt = this.#nearest(
      this.#keywords,
      text,
      start,
      end,
      KEYWORD_BEFORE,
      KEYWORD_AFTER,
      lineStart,
      lineEnd,
    );
    const { any: suppressorAt, naming: namingSuppressorAt } = this.#suppressorsNear(
      text,
      start,
      end,
      lineStart,
      lineEnd,
    );
    const prefix = kind === 'onderwijsnummer' ? 'onderwijsnummer' : 'bsn';
    // The nearer word decides: "telefoon 0612345678, en 123456782 (bsn)" is a BSN. A word
    // said as what the number is for ("mijn BSN voor het certificaat: …") does not vote.
    if (
      keywordAt !== undefined &&
      (namingSuppressorAt === undefined || keywordAt <= namingSuppressorAt)
    ) {
      return { confidence: 0.97, rule: `${prefix}.keyword` };
    }
    if (this.#namedField(keys) && suppressorAt === undefined) {
      return { confidence: 0.95, rule: 'bsn.field-name' };
    }
    if (suppressorAt !== undefined || this.#keyIs(keys, this.#isSuppressingKey)) return undefined;
    if (looksLikePhoneOrMoney(text, start) || insideLink(text, start)) return undefined;
    const code = this.#codeAround(text, start, end);
    if (code === 'named') return { confidence: 0.97, rule: `${prefix}.keyword` };
    if (code === 'other') return undefined;
    // Without a keyword an eight-digit number (a date, a KvK number) is too common, and
    // nine digits inside a longer number (an account, a card) are not a BSN.
    if (candidate.given === 8 || candidate.partOfLonger) return undefined;
    const f = this.#bareFeatures(keys, observe !== undefined);
    f.pair('bl:', candidate.layout);
    if (header !== undefined) f.add('bcolumn');
    // The words around it, and what else the text holds.
    const before = wordsBefore(text, start, BARE_WORDS_BEFORE);
    for (let i = 0; i < before.length; i++) {
      f.pair('bp:', before[i]!);
      if (i === before.length - 1) f.pair('bp1:', before[i]!);
    }
    const after = wordsAfter(text, end, BARE_WORDS_AFTER);
    for (let i = 0; i < after.length; i++) {
      f.pair('bn:', after[i]!);
      if (i === 0) f.pair('bn1:', after[i]!);
    }
    if (text.trim().length === end - start) f.add('bonly');
    // Next to nothing around it (a letter, "nr"): nothing says it is another number, so the
    // model's doubt cannot dismiss it.
    const alone = lettersOutside(text, start, end) <= ALONE_LETTERS;
    f.pair('blen:', sizeBucket(text.length, [12, 40, 120, 400]));
    if (runs > 1) f.add('bmore');
    return candidate.layout === 'grouped'
      ? this.#bare(f, 'bsn.layout', LAYOUT_SCORE, observe, keys, alone)
      : this.#bare(f, bareRule(kind), BARE_SCORE, observe, keys, alone);
  }

  /**
   * Distance to a word just before the number that names a number of another kind: a
   * compound of one ("studentnummer", "pasnr", "klachtnummer", "ordercode") that is not a
   * BSN's own name. Dutch makes such names freely; no list could hold them all.
   */
  #otherNumberNamed(text: string, start: number, lineStart: number): number | undefined {
    const from = Math.max(lineStart, start - SUPPRESSOR_BEFORE);
    // A compound written with a hyphen ("CMR-nr", "Pallet-ID", "ND-nummer") is one too.
    const words = [...text.slice(from, start).matchAll(COMPOUND_WORD)];
    for (let i = words.length - 1; i >= 0; i--) {
      const written = words[i]![0];
      const w = written.replace('-', '');
      const compound =
        OTHER_NUMBER_COMPOUND.test(w) || (written !== w && HYPHENATED_ID.test(written));
      if (compound && !this.#isBsnKey(w) && !this.#keywords.has(written) && !this.#keywords.has(w))
        return start - (from + words[i]!.index + written.length);
    }
    return undefined;
  }

  /**
   * A number written as part of a code: letters glued to it ("NL713306282B01",
   * "po226114703") or a short letter prefix joined by a dash or underscore ("PO-226114703",
   * "WV-203783517"). Such a code is another register's id, unless its letters name a
   * personal number ("bsn123456782"): `named`, `other`, or undefined when it is no code.
   */
  #codeAround(text: string, start: number, end: number): 'named' | 'other' | undefined {
    let from = start;
    while (from > 0 && isLetter(text.charCodeAt(from - 1))) from--;
    let to = end;
    while (to < text.length && isLetter(text.charCodeAt(to))) to++;
    const glued = [text.slice(from, start), text.slice(end, to)].filter((w) => w !== '');
    if (glued.length > 0)
      return glued.some((w) => this.#keywords.has(w) || this.#isBsnKey(w)) ? 'named' : 'other';
    const prefix = CODE_PREFIX.exec(text.slice(Math.max(0, start - 8), start))?.[1];
    if (prefix === undefined) return undefined;
    return this.#keywords.has(prefix) || this.#isBsnKey(prefix) ? 'named' : 'other';
  }

  /**
   * Distance in characters from the number to the nearest term of `matcher` within `before`
   * and `after` characters of it, and no further than `lineStart` and `lineEnd`, if any.
   */
  /**
   * Distances to the nearest word of another kind of number: `any` such word, and `naming`
   * leaving out one said as what the number is for ("voor het certificaat"), which names the
   * number's use, not the number. One scan of the suppressing words for both.
   */
  #suppressorsNear(
    text: string,
    start: number,
    end: number,
    lineStart: number,
    lineEnd: number,
  ): { any: number | undefined; naming: number | undefined } {
    let any: number | undefined;
    let naming: number | undefined;
    this.#suppressors.scan(
      text,
      (hit) => {
        if (this.#notSuppressors.has(text, hit.start, wordEndAt(text, hit.start))) return;
        const distance =
          hit.end <= start ? start - hit.end : hit.start >= end ? hit.start - end : 0;
        if (any === undefined || distance < any) any = distance;
        if ((naming === undefined || distance < naming) && !saidAsPurpose(text, hit.start))
          naming = distance;
      },
      Math.max(lineStart, start - SUPPRESSOR_BEFORE),
      Math.min(lineEnd, end + SUPPRESSOR_AFTER),
    );
    const compound = this.#otherNumberNamed(text, start, lineStart);
    return { any: nearer(any, compound), naming: nearer(naming, compound) };
  }

  #nearest(
    matcher: TermMatcher<true>,
    text: string,
    start: number,
    end: number,
    before: number,
    after: number,
    lineStart: number,
    lineEnd: number,
  ): number | undefined {
    let nearest: number | undefined;
    matcher.scan(
      text,
      (hit) => {
        const distance =
          hit.end <= start ? start - hit.end : hit.start >= end ? hit.start - end : 0;
        if (nearest === undefined || distance < nearest) nearest = distance;
      },
      Math.max(lineStart, start - before),
      Math.min(lineEnd, end + after),
    );
    return nearest;
  }
}

// "voor (het|de|mijn|…)", "for (the|my)", "t.b.v.", "ten behoeve van", "nodig voor": what
// comes next is what a number is used for.
const PURPOSE_BEFORE =
  /(?:^|[^a-z])(?:voor|for|tbv|t\.b\.v\.|ten behoeve van)(?: (?:het|de|een|mijn|je|jouw|uw|ons|onze|the|a|an|my|your|our|this|dit|deze|die|dat))?(?: [a-z]+){0,2} $/;

/** At most this many letters beside a number leave it standing alone ("b 123…", "nr 123…"). */
const ALONE_LETTERS = 3;

/** How many letters a text has outside [start, end), counted up to ALONE_LETTERS + 1. */
function lettersOutside(text: string, start: number, end: number): number {
  let letters = 0;
  for (let i = 0; i < text.length && letters <= ALONE_LETTERS; i++)
    if ((i < start || i >= end) && isLetter(text.charCodeAt(i))) letters++;
  return letters;
}

/** The end of the word (letters and hyphens) that starts at `at`. */
function wordEndAt(text: string, at: number): number {
  let end = at;
  while (end < text.length && (isLetter(text.charCodeAt(end)) || text[end] === '-')) end++;
  return end;
}

/** Whether the word at `at` is said as what a number is for ("voor het certificaat"). */
function saidAsPurpose(text: string, at: number): boolean {
  return PURPOSE_BEFORE.test(text.slice(Math.max(0, at - 32), at));
}

const LINK_READ_BACK = 256;
const INLINE_KEY = /([a-z][a-z0-9_.-]{0,40}) ?= ?$/;

/** The name a key=value pair gives the number at `at` ("uptime_ms=641387970"), if any. */
function inlineKeyBefore(text: string, at: number): string | undefined {
  return INLINE_KEY.exec(text.slice(Math.max(0, at - 44), at))?.[1];
}

/**
 * Whether the number at `at` is part of a web address ("…/cursus?id=570358425&lang=nl"):
 * a link's numbers are its pages' and records' ids; a BSN in one is named there, and the
 * name is read first.
 */
function insideLink(text: string, at: number): boolean {
  // A link is read back at most this far: a text of one long token must not make every
  // number in it read the whole token again.
  const limit = Math.max(0, at - LINK_READ_BACK);
  let from = at;
  while (from > limit && !/\s/.test(text[from - 1]!)) from--;
  const token = text.slice(from, at);
  return token.includes('://') || token.startsWith('www.');
}

/** Feature names of a number's own name: a field's, or one read from the text. */
const FIELD_NAME = ['bf:', ['', '', 'bfe2:', 'bfe3:', 'bfe4:', 'bfe5:']] as const;
const TEXT_NAME = ['bt:', ['', '', 'bte2:', 'bte3:', 'bte4:', 'bte5:']] as const;

/** Rules of a number that nothing names: the model judged it (explain.ts, engine.ts). */
export const BARE_RULES: ReadonlySet<string> = new Set([
  'bsn.bare',
  'bsn.layout',
  'onderwijsnummer.bare',
]);

/** Rules that stand on a name for the number, not on the number alone. */
const NAMED_RULES = new Set<string>(['bsn.keyword', 'onderwijsnummer.keyword', 'bsn.field-name']);

const WORD = /[a-z]+/g;
/** A word, or two joined by one hyphen ("cmr-nr"). */
const COMPOUND_WORD = /[a-z]+(?:-[a-z]+)?/g;
/** A hyphenated name of an id: "pallet-id", "cmr-nr", "nd-nummer". */
const HYPHENATED_ID = /^[a-z]{2,}-(?:id|nr|no|nummer|nummers|number|code)$/;
/** A short letter prefix joined to a number by a dash or underscore: "po-", "wv_". */
const CODE_PREFIX = /(?:^|[^a-z0-9])([a-z]{1,5})[-_]$/;

/** Where the line holding `at` ends: its line break, or the end of the text. */
function lineEndAfter(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}
const WORDS_WINDOW = 40;
/** A compound that names a kind of number. */
const OTHER_NUMBER_COMPOUND = /^[a-z]{2,}(?:nummer|nummers|nr|number|code|nummertje)$/;

function nearer(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Up to `count` words in the `WORDS_WINDOW` characters before `at`, nearest last. */
function wordsBefore(text: string, at: number, count: number): string[] {
  const words = text.slice(Math.max(0, at - WORDS_WINDOW), at).match(WORD) ?? [];
  return words.slice(-count);
}

/** Up to `count` words in the characters after `at`, nearest first. */
function wordsAfter(text: string, at: number, count: number): string[] {
  return (text.slice(at, at + WORDS_WINDOW).match(WORD) ?? []).slice(0, count);
}

function bareRule(kind: 'bsn' | 'onderwijsnummer'): BsnRule {
  return kind === 'onderwijsnummer' ? 'onderwijsnummer.bare' : 'bsn.bare';
}

function classify(digits: string): 'bsn' | 'onderwijsnummer' | undefined {
  if (isBsn(digits)) return 'bsn';
  if (isOnderwijsnummer(digits)) return 'onderwijsnummer';
  return undefined;
}

/** "+31 6 …", "06-…", "€ 123.456.789": a number whose first characters say what it is. */
function looksLikePhoneOrMoney(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 4), start);
  return /(\+|€|\$|£|eur ?)\s?$/.test(before) || /\+\d{1,3}[ -]?$/.test(before);
}

interface ToldPart {
  start: number;
  end: number;
  digits: string;
}

/**
 * Where the words before a part say it stands in the number: "de eerste drie", "begint
 * met" (0), "in het midden" (1), "de laatste", "eindigt op" (2).
 */
const PART_PLACE: readonly [RegExp, number][] = [
  [/\b(?:eerste|begint|begin|start|starts|first|beginning)\b/, 0],
  [/\b(?:midden|middelste|middle)\b/, 1],
  [/\b(?:laatste|eindigt|eind|einde|last|ends)\b/, 2],
];

/**
 * Parts told with their place in the number ("de laatste drie zijn 238, de eerste drie 196
 * en in het midden 114") put in that order; parts told without one stay as told. A part's
 * place is read in the words before it, back to the part before or `from`.
 */
function inToldOrder<P extends ToldPart>(text: string, parts: P[], from: number): P[] {
  if (parts.length < 2) return parts;
  const places = placesOf(text, parts, from);
  if (places === undefined) return parts;
  return parts
    .map((part, i) => ({ part, place: places[i]! }))
    .sort((a, b) => a.place - b.place)
    .map((p) => p.part);
}

/** Each part's place in the number, read as inToldOrder does; undefined if one has none. */
function placesOf(text: string, parts: readonly ToldPart[], from: number): number[] | undefined {
  const places: number[] = [];
  let at = from;
  for (const part of parts) {
    const place = placeBefore(text, part, at);
    if (place === undefined) return undefined;
    places.push(place);
    at = part.end;
  }
  return new Set(places).size === places.length ? places : undefined;
}

/** How far apart, in characters, the first and last part of a number told by place may be. */
const TOLD_SPAN = 90;

/**
 * A number dictated by the places of its parts, with no keyword in the text ("hij begint
 * met 3673, dan 12, en eindigt op 505", after a message that asked for the BSN): parts
 * from one told as the beginning to one told as the end, nine digits that pass. People
 * dictate a number that way when it is one they are wary of writing down whole.
 */
function toldByPlace(text: string, parts: readonly ToldPart[]): BsnFinding | undefined {
  for (let i = 0; i < parts.length - 1; i++) {
    const told: ToldPart[] = [];
    for (let j = i; j < parts.length && digitCount(told) < 9; j++) told.push(parts[j]!);
    if (told.length < 2 || digitCount(told) !== 9) continue;
    if (told.at(-1)!.end - told[0]!.start > TOLD_SPAN) continue;
    const from = i === 0 ? 0 : parts[i - 1]!.end;
    const first = placeBefore(text, told[0]!, from);
    const lastFrom = told.at(-2)!.end;
    const last = placeBefore(text, told.at(-1)!, lastFrom);
    if (first === undefined || last !== 2 || first === last) continue;
    if (!TOLD_END.test(wordsOfPlace(text, told.at(-1)!, lastFrom))) continue;
    const ordered = inToldOrder(text, told, from);
    if (classify(ordered.map((g) => g.digits).join('')) !== undefined)
      return { confidence: PARTS_TOLD_SCORE, rule: 'bsn.parts-told' };
  }
  return undefined;
}

const PARTS_TOLD_SCORE = 0.85;

/**
 * The words that tell a number's last part when it is dictated by place ("… en eindigt op
 * 505"): only these count for toldByPlace, and the screen looks for them (the looser end
 * words of PART_PLACE, "laatste", "last", are in too many texts to screen by).
 */
export const TOLD_END_WORDS = ['eindigt', 'eindigend', 'ends', 'ending'] as const;
const TOLD_END = new RegExp(`\\b(?:${TOLD_END_WORDS.join('|')})\\b`);

/** How far before a part its place words are read. */
const PLACE_WORDS_BEFORE = 30;

/** The text just before a part where its place words stand, read back to `from`. */
function wordsOfPlace(text: string, part: ToldPart, from: number): string {
  return text.slice(Math.max(0, from, part.start - PLACE_WORDS_BEFORE), part.start);
}

/** The place the words just before a part say it has (see PART_PLACE). */
function placeBefore(text: string, part: ToldPart, from: number): number | undefined {
  const before = wordsOfPlace(text, part, from);
  return PART_PLACE.find(([words]) => words.test(before))?.[1];
}

function digitCount(parts: readonly ToldPart[]): number {
  let n = 0;
  for (const part of parts) n += part.digits.length;
  return n;
}
