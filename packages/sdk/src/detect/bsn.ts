import { compileKeyPatterns, readDataFile } from './data.js';
import { isBsn, isOnderwijsnummer } from './elfproef.js';
import { compileTerms, type TermMatcher } from './terms.js';

interface BsnData {
  keywords: string[];
  keys: string[];
  suppressors: string[];
  suppressingKeys: string[];
}

/** Why a number was judged a personal number, as the finding's `rule`. */
export type BsnRule =
  | 'bsn.keyword'
  | 'bsn.field-name'
  | 'bsn.layout'
  | 'bsn.bare'
  | 'onderwijsnummer.keyword'
  | 'onderwijsnummer.bare';

export interface BsnFinding {
  confidence: number;
  rule: BsnRule;
}

/** Keys that say what a value is, from the field itself outwards. */
export interface KeyContext {
  /** The value's own field name, or undefined at the top or in an array. */
  own: string | undefined;
  /** Every field name on the path, innermost last. */
  path: readonly string[];
}

// How far, in characters of the same value, a context word may stand from the number.
const KEYWORD_BEFORE = 80;
const KEYWORD_AFTER = 40;
const SUPPRESSOR_BEFORE = 30;
const SUPPRESSOR_AFTER = 12;

// Digit groups joined by one kind of separator: 123456789, 123.456.789, 1234.56.789,
// 123 45 6789, 112-488-614, 12/345/6789. The groups are judged after matching.
const NUMBER = /(?<![\d])\d+(?:[ .\-/]\d+)*(?![\d])/g;

/**
 * Finds Dutch personal numbers (BSN, sofinummer, onderwijsnummer) in normalised text and
 * scores each one: the elfproef filters, context decides. Keyword or field name →
 * near-certain; a suppressing word (IBAN, order, telefoon…) → dismissed; nothing around
 * it → a bare nine-digit number that passes, judged likely enough to block.
 */
export class BsnDetector {
  readonly #keywords: TermMatcher<true>;
  readonly #suppressors: TermMatcher<true>;
  readonly #isBsnKey: (key: string) => boolean;
  readonly #isSuppressingKey: (key: string) => boolean;
  /** The identifying keywords, in the lexicon syntax (for the prefilter). */
  readonly keywordList: readonly string[];

  constructor(data: BsnData = readDataFile<BsnData>('bsn.json')) {
    this.keywordList = data.keywords;
    this.#keywords = compileTerms(data.keywords.map((term) => ({ term, payload: true as const })));
    this.#suppressors = compileTerms(
      data.suppressors.map((term) => ({ term, payload: true as const })),
    );
    this.#isBsnKey = compileKeyPatterns(data.keys);
    this.#isSuppressingKey = compileKeyPatterns(data.suppressingKeys);
  }

  /** Whether a field name alone says its value is a personal number. */
  isBsnKey(key: string): boolean {
    return this.#isBsnKey(key);
  }

  /** The strongest personal number in a normalised string, or undefined. */
  inText(text: string, keys: KeyContext): BsnFinding | undefined {
    let best: BsnFinding | undefined;
    NUMBER.lastIndex = 0;
    for (let m = NUMBER.exec(text); m !== null; m = NUMBER.exec(text)) {
      for (const candidate of candidates(m[0])) {
        const finding = this.#judge(text, m.index, m.index + m[0].length, candidate, keys);
        if (finding !== undefined && (best === undefined || finding.confidence > best.confidence))
          best = finding;
      }
    }
    return best;
  }

  /** A JSON number: 8 or 9 digits (a BSN with a leading zero loses it as a number). */
  inNumber(value: number, keys: KeyContext): BsnFinding | undefined {
    if (!Number.isInteger(value) || value < 1_000_000 || value > 999_999_999) return undefined;
    const digits = String(value).padStart(9, '0');
    const kind = classify(digits);
    if (kind === undefined) return undefined;
    if (this.#keyIs(keys, this.#isBsnKey)) return { confidence: 0.97, rule: 'bsn.field-name' };
    if (this.#keyIs(keys, this.#isSuppressingKey)) return undefined;
    // A bare number field: ids, counts and amounts are numbers too; nine digits that
    // pass are still likely enough to stop, eight digits (padded) are not.
    if (value < 10_000_000) return undefined;
    return {
      confidence: 0.6,
      rule: kind === 'onderwijsnummer' ? 'onderwijsnummer.bare' : 'bsn.bare',
    };
  }

  #keyIs(keys: KeyContext, test: (key: string) => boolean): boolean {
    if (keys.own !== undefined) return test(keys.own);
    const parent = keys.path[keys.path.length - 1];
    return parent !== undefined && test(parent);
  }

  #judge(
    text: string,
    start: number,
    end: number,
    candidate: Candidate,
    keys: KeyContext,
  ): BsnFinding | undefined {
    const kind = classify(candidate.digits);
    if (kind === undefined) return undefined;
    const keywordAt = this.#nearest(
      this.#keywords,
      text,
      start,
      end,
      KEYWORD_BEFORE,
      KEYWORD_AFTER,
    );
    const suppressorAt = this.#nearest(
      this.#suppressors,
      text,
      start,
      end,
      SUPPRESSOR_BEFORE,
      SUPPRESSOR_AFTER,
    );
    const prefix = kind === 'onderwijsnummer' ? 'onderwijsnummer' : 'bsn';
    if (keywordAt !== undefined && (suppressorAt === undefined || keywordAt <= suppressorAt)) {
      return { confidence: 0.97, rule: `${prefix}.keyword` };
    }
    if (this.#keyIs(keys, this.#isBsnKey) && suppressorAt === undefined) {
      return { confidence: 0.95, rule: 'bsn.field-name' };
    }
    if (suppressorAt !== undefined || this.#keyIs(keys, this.#isSuppressingKey)) return undefined;
    if (looksLikePhoneOrMoney(text, start)) return undefined;
    // Without a keyword an eight-digit number (a date, a KvK number) is too common.
    if (candidate.digits.startsWith('0') && candidate.groups.join('').length === 8)
      return undefined;
    return candidate.groups.length > 1
      ? { confidence: 0.65, rule: 'bsn.layout' }
      : { confidence: 0.6, rule: kind === 'onderwijsnummer' ? 'onderwijsnummer.bare' : 'bsn.bare' };
  }

  /** Distance in characters from the number to the nearest term of `matcher`, if any. */
  #nearest(
    matcher: TermMatcher<true>,
    text: string,
    start: number,
    end: number,
    before: number,
    after: number,
  ): number | undefined {
    let nearest: number | undefined;
    matcher.scan(
      text,
      (hit) => {
        const distance =
          hit.end <= start ? start - hit.end : hit.start >= end ? hit.start - end : 0;
        if (nearest === undefined || distance < nearest) nearest = distance;
      },
      Math.max(0, start - before),
      Math.min(text.length, end + after),
    );
    return nearest;
  }
}

interface Candidate {
  digits: string;
  groups: string[];
}

/**
 * The readings of a matched digit sequence as a personal number: the whole sequence when
 * its groups make 8 or 9 digits in a usual layout (groups of two or more), and any single
 * group of exactly 8 or 9 digits inside a longer sequence.
 */
function candidates(match: string): Candidate[] {
  const separators = match.match(/[ .\-/]/g) ?? [];
  const groups = match.split(/[ .\-/]/);
  const out: Candidate[] = [];
  const total = groups.reduce((n, g) => n + g.length, 0);
  const oneSeparatorKind = separators.every((s) => s === separators[0]);
  if (
    (total === 9 || total === 8) &&
    groups.length <= 4 &&
    oneSeparatorKind &&
    groups.every((g) => g.length >= 2)
  ) {
    out.push({ digits: groups.join('').padStart(9, '0'), groups });
  }
  if (groups.length > 1) {
    for (const g of groups)
      if (g.length === 9 || g.length === 8) out.push({ digits: g.padStart(9, '0'), groups: [g] });
  }
  return out;
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
