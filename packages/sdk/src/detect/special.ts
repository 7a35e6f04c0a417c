import { FeatureSet, featureNameHash, fnv, keyWords, mix, sizeBucket } from './features.js';
import {
  lexicons,
  SPECIAL_CATEGORIES,
  type CompiledLexicons,
  type ContextKind,
  type SpecialCategory,
  type TermPayload,
} from './lexicon.js';
import { shippedModel, type Model } from './model.js';
import { cellsOf, tableOf, type TextTable } from './table.js';
import type { TermMatch } from './term-index.js';
import { TextKind } from './text-kind.js';
import { wordsOf, type Word } from './words.js';

/** What the JSON around a value says about it, computed once per field by the walker. */
export interface FieldHints {
  /** Categories named by the value's own field name or an enclosing one ("medischeInfo"). */
  categories: ReadonlySet<SpecialCategory>;
  /** Categories named by the value's own field name (not an enclosing one). */
  ownCategories: ReadonlySet<SpecialCategory>;
  /** The field holds course content (a lesson body, a module title), not data about a person. */
  courseContent: boolean;
  /** Policy rule: look here whatever the context, for these categories. */
  alwaysInspect: ReadonlySet<SpecialCategory>;
  /** The value's own field name and the enclosing one, when there are. */
  ownKey?: string | undefined;
  parentKey?: string | undefined;
  /** The other field names of the value's object: what kind of record it stands in. */
  siblings?: readonly string[] | undefined;
}

export interface SpecialFinding {
  category: SpecialCategory;
  confidence: number;
  rule: string;
}

/** A candidate finding with the features the model judges it by. */
export interface Candidate {
  category: SpecialCategory;
  /** How it came about: a term matched exactly, by stem, with a typo …, or a field's name. */
  rule: string;
  features: FeatureSet;
  /** The lexicon term behind it, for explanations (never the text it matched). */
  term?: string;
  /** A score from the hand rules, used when no model is shipped. */
  ruleScore: number;
  /**
   * How the policy and plain meaning bound the model: `fixed` scores the candidate by rule
   * alone (a `true` in a field named for a category is that category's data); `negated`
   * halves the score ("geen strafblad"); `always` (the policy's always-inspect) keeps at
   * least the rule's score whatever the context.
   */
  fixed?: number;
  negated?: boolean;
  always?: boolean;
}

// The hand rules (before a model is trained, and as its features' origin): a strong term
// stands on its own in a statement; a weak one needs a person; course content, general
// text and negation pull down; a field named for the category pushes up.
const BASE = { strong: 0.75, weak: 0.35 } as const;
/** Values that, in a field named for a category, say "none" rather than give data. */
const EMPTY_ANSWER = new RegExp(
  '^(?:' +
    [
      "|-+|x|0|null|false|onbekend|unknown|weet niet|weet ik niet|geen idee|don'?t know",
      // "none", alone or of what the field asks ("geen voorkeur", "geen bijzonderheden")
      '(?:nee|neen|no|none|geen|niets|nvt|n\\.v\\.t\\.?|n\\/a)(?: (?:voorkeur|bezwaar|bijzonderheden|opmerkingen|antwoord|preference))?',
      'niet van toepassing|not applicable|not_applicable',
      // declined: "zeg ik liever niet", "wil ik niet invullen", "prefer not to say"
      '(?:zeg|vertel) ik (?:liever )?niet|wil (?:ik )?niet (?:zeggen|invullen|beantwoorden)|liever niet',
      'prefer not to say|rather not say',
      // a setting switched off ("biometrie": "uit")
      'uit|off|disabled|uitgeschakeld',
      '\\d+(?:[.,]\\d+)?\\s?%',
    ].join('|') +
    // and a remark in brackets after it: "geen (pas gebruikt)"
    ')(?: \\([^)]*\\))?$',
);
/**
 * Field names that configure or count rather than hold a person's data ("medical_check_required",
 * "toestemming_vingerafdruk", "geloof_beantwoord"): a category word in such a name says
 * what is asked or counted, and a value there is not data of that category.
 */
const ASKS_OR_COUNTS =
  /(?:required|verplicht|enabled|ingeschakeld|allowed|toegestaan|consent|toestemming|akkoord|beantwoord|answered|percentage|pct|aantal|count|totaal|total|vraag|question|label|tekst|text|titel|title)$/;

function asksOrCounts(key: string | undefined): boolean {
  if (key === undefined) return false;
  const words = keyWords(key);
  const last = words[words.length - 1];
  return (
    (last !== undefined && ASKS_OR_COUNTS.test(last)) ||
    (words.length > 1 && ASKS_OR_COUNTS.test(words[0]!))
  );
}
// Long base64/hex runs: templates, hashes, encodings of a face or a fingerprint.
const ENCODED_BLOB = /^[a-z0-9+/=_-]{32,}$/;
/**
 * An encoding as template fields hold them: hex or base64 of sixteen characters or more, or
 * hex bytes with colons, after a short format tag ("FMR:", "ISO19794-2:") and before "…".
 */
const ENCODED_TEMPLATE =
  /^(?:[a-z0-9-]{2,12}:)?(?:[a-f0-9]{16,}|[a-z0-9+/]{20,}={0,2}|(?:[a-f0-9]{2}:){7,}[a-f0-9]{2})(?:\.{3})?$/;

/** Whether a normalised value looks like an encoding (a template, a hash), not words. */
export function looksEncoded(value: string): boolean {
  // Base64 of words is letters only: an encoding has digits among its letters.
  return (ENCODED_BLOB.test(value) || ENCODED_TEMPLATE.test(value)) && /[0-9]/.test(value);
}
const NEGATION_WORDS_BEFORE = 3;
/** Feature names crossed with a category, made once ("cw:health:"). */
const crossed = (prefix: string) =>
  Object.fromEntries(SPECIAL_CATEGORIES.map((c) => [c, `${prefix}:${c}:`])) as Record<
    SpecialCategory,
    string
  >;
const CS = crossed('cs');
const CM = crossed('cm');
const CW = crossed('cw');
const CK = crossed('ck');
const CD = crossed('cd');
const CF = crossed('cf');
const CFV = crossed('cfv');
const WORD_NAME_HASH = featureNameHash('w:');
const BEFORE = ['', 'p1:', 'p2:', 'p3:'];
const AFTER = ['', 'n1:', 'n2:', 'n3:'];
/** How many words either side of a term its sentence is read for. */
const WINDOW = 12;
/** A term negated right before it ("geen strafblad") counts for this share of its score. */
const NEGATED = 0.4;
/** No judgment is certain. */
const MAX_CONFIDENCE = 0.99;

/**
 * Finds special-category data (GDPR art. 9/10) in one normalised string. Every lexicon
 * term, as typed (typos, letters for digits, spelled out, split, in a compound), is a
 * candidate; so is the value of a field named for a category. A learned model judges each
 * candidate in its sentence: is this a statement about a person, or the topic of a
 * lesson, a rule, an idiom, a name? One finding per category, the most confident.
 */
export class SpecialCategoryDetector {
  readonly #lexicons: CompiledLexicons;
  readonly #model: Model | undefined;

  constructor(compiled: CompiledLexicons = lexicons(), model: Model | undefined = shippedModel()) {
    this.#lexicons = compiled;
    this.#model = model;
  }

  /** Categories that a field name alone names; cached by the caller per key. */
  categoriesOfKey(key: string): SpecialCategory[] {
    return SPECIAL_CATEGORIES.filter((c) => this.#lexicons.keyCategory.get(c)?.(key) === true);
  }

  /** Categories a field name makes a context for, without naming them ("absence"). */
  contextCategoriesOfKey(key: string): SpecialCategory[] {
    return SPECIAL_CATEGORIES.filter(
      (c) => this.#lexicons.contextKeyCategory.get(c)?.(key) === true,
    );
  }

  /** The findings in a normalised string; `raw` is the string as written (for its capitals). */
  inText(text: string, hints: FieldHints, raw: string = text): SpecialFinding[] {
    return this.judge(this.candidates(text, hints, raw, false, true));
  }

  /** A boolean or number in a field named for a category: `true` or a value is data. */
  inScalar(value: boolean | number, hints: FieldHints): SpecialFinding[] {
    return this.judge(this.scalarCandidates(value, hints, false));
  }

  /** The candidates of a scalar value (for training and explanations too). */
  scalarCandidates(value: boolean | number, hints: FieldHints, keepNames: boolean): Candidate[] {
    const out: Candidate[] = [];
    if (asksOrCounts(hints.ownKey)) return out;
    for (const category of hints.ownCategories) {
      const f = new FeatureSet(keepNames, this.#model?.weights);
      f.add('b');
      f.pair('fs:', category);
      f.pair(`fsv:${typeof value}:`, String(value));
      addKeyFeatures(f, category, hints);
      const ruleScore = value === false || value === 0 ? 0 : 0.8;
      out.push({
        category,
        rule: `${category}.field-name`,
        features: f,
        ruleScore,
        // `true` there is the category's data, `false` or 0 none; another number may be a
        // person's ("vakbondslid": 1) or a tally ("ziektedagen": 312 per department): the
        // model reads the fields around it.
        ...(typeof value === 'boolean' || value === 0 ? { fixed: ruleScore } : {}),
      });
    }
    return out;
  }

  /**
   * Every candidate in a normalised string, with its features. `readAll`: the screen sent
   * this text to the full path, so read what it has no literal for too: misspelt long terms
   * (see TermIndex.find) and the cells of a pasted table.
   */
  candidates(
    text: string,
    hints: FieldHints,
    raw: string,
    keepNames: boolean,
    readAll: boolean,
  ): Candidate[] {
    const out: Candidate[] = [];
    this.#fieldNameCandidates(text, hints, keepNames, out);
    if (!hasLetter(text)) return out;
    const table = tableOf(text);
    // The screen has no literal for every field name a column may carry.
    if (table !== undefined && readAll) this.#cellCandidates(table, text, hints, keepNames, out);
    const words = wordsOf(text);
    // A table's column names are not data ("naam;bsn;vakbond" over empty cells).
    const found = this.#lexicons.terms
      .find(words, readAll)
      .filter((m) => table === undefined || words[m.first]!.start > table.headerEnd);
    if (found.length === 0) return out;
    const contextMatches = this.#lexicons.context.find(words);
    const matches = longestAcrossCategories(outsideIdioms(found, contextMatches));
    if (matches.length === 0) return out;
    const context = contextOf(contextMatches);
    const sentences = sentenceRanges(words);
    // Per word, the categories of the terms that start at it.
    const termsAt: SpecialCategory[][] = [];
    for (const m of matches) (termsAt[m.first] ??= []).push(m.entry.payload.category);
    const hashes = words.map((w) => w.hash);
    const textKind = new TextKind(words, found, context);
    for (const m of matches)
      out.push(
        this.#termCandidate(
          m,
          words,
          hashes,
          context,
          sentences,
          termsAt,
          hints,
          text,
          raw,
          keepNames,
          textKind,
          matches.length,
        ),
      );
    return out;
  }

  /** Each candidate scored; per category the most confident. */
  judge(candidates: readonly Candidate[]): SpecialFinding[] {
    const best = new Map<SpecialCategory, SpecialFinding>();
    for (const c of candidates) {
      const confidence = round(this.score(c));
      const current = best.get(c.category);
      if (current === undefined || confidence > current.confidence)
        best.set(c.category, { category: c.category, confidence, rule: c.rule });
    }
    return [...best.values()];
  }

  /** A candidate's confidence: the model's judgment within the bounds of the rules. */
  score(c: Candidate): number {
    if (c.fixed !== undefined) return c.fixed;
    let score = this.#model === undefined ? c.ruleScore : this.#model.scoreOf(c.features);
    if (c.negated === true) score *= NEGATED;
    if (c.always === true) score = Math.max(score, c.ruleScore);
    return Math.min(MAX_CONFIDENCE, score);
  }

  /** The cells of a pasted table, each judged as a value of a field named by its column. */
  #cellCandidates(
    table: TextTable,
    text: string,
    hints: FieldHints,
    keepNames: boolean,
    out: Candidate[],
  ): void {
    const named = table.names.map((name) => new Set(this.categoriesOfKey(name)));
    if (named.every((c) => c.size === 0)) return;
    for (const [column, cell] of cellsOf(table, text)) {
      const categories = named[column]!;
      if (categories.size > 0)
        this.#fieldNameCandidates(
          cell,
          { ...hints, ownKey: table.names[column], ownCategories: categories },
          keepNames,
          out,
        );
    }
  }

  #fieldNameCandidates(
    text: string,
    hints: FieldHints,
    keepNames: boolean,
    out: Candidate[],
  ): void {
    if (hints.ownCategories.size === 0) return;
    const value = text.trim();
    // A field named for a category that says "none" holds no data of it, nor one that
    // configures or counts.
    // A question there is the form's label or its translation ("Bent u zwanger?"), not an answer.
    if (EMPTY_ANSWER.test(value) || value.endsWith('?') || asksOrCounts(hints.ownKey)) return;
    for (const category of hints.ownCategories) {
      const encoded = (category === 'biometric' || category === 'genetic') && looksEncoded(value);
      const f = new FeatureSet(keepNames, this.#model?.weights);
      f.add('b');
      f.pair('fc:', category);
      if (encoded) f.add('fv:encoded');
      if (value.length <= 24) {
        f.pair('fv:', value);
        f.pair(CFV[category], value);
      }
      f.pair('fl:', sizeBucket(value.length, [2, 5, 12, 30, 100]));
      for (const w of value.split(/[^a-z0-9]+/).slice(0, 6)) if (w !== '') f.pair('fw:', w);
      addKeyFeatures(f, category, hints);
      out.push({
        category,
        rule: `${category}.field-name`,
        features: f,
        ruleScore: encoded ? 0.95 : 0.85,
      });
    }
  }

  #termCandidate(
    m: TermMatch<TermPayload>,
    words: readonly Word[],
    hashes: readonly number[],
    context: readonly (ReadonlySet<ContextKind> | undefined)[],
    sentences: readonly [number, number][],
    termsAt: readonly (readonly SpecialCategory[] | undefined)[],
    hints: FieldHints,
    text: string,
    raw: string,
    keepNames: boolean,
    textKind: TextKind,
    termCount: number,
  ): Candidate {
    const { category, strength } = m.entry.payload;
    const f = new FeatureSet(keepNames, this.#model?.weights);
    f.add('b');
    f.pair('c:', category);
    f.pair(CS[category], strength);
    const termHash = fnv(m.entry.term);
    f.pair('t:', m.entry.term, termHash);
    f.pair('m:', m.match);
    f.pair(CM[category], m.match);
    if (m.edits > 0) f.pair('e:', m.edits === 1 ? '1' : '2');
    // The sentence around the term, and no further than WINDOW words either side: a text
    // with no sentence end must not make every candidate read all of it.
    const [sentenceFrom, sentenceTo] = sentences[words[m.first]!.sentence]!;
    const from = Math.max(sentenceFrom, m.first - WINDOW);
    const to = Math.min(sentenceTo, m.last + 1 + WINDOW);
    const kinds = new Set<ContextKind>();
    let negatedNear = false;
    let otherCategories = 0;
    const crossedWord = CW[category];
    const crossedWordHash = featureNameHash(crossedWord);
    for (let i = from; i < to; i++) {
      if (i >= m.first && i <= m.last) continue;
      const w = words[i]!.text;
      const h = hashes[i]!;
      f.pairHashed('w:', WORD_NAME_HASH, w, h);
      f.pairHashed(crossedWord, crossedWordHash, w, h);
      for (const kind of context[i] ?? []) {
        kinds.add(kind);
        if (kind === 'negation' && i < m.first && m.first - i <= NEGATION_WORDS_BEFORE)
          negatedNear = true;
      }
    }
    for (const kind of kinds) {
      f.pair('k:', kind);
      f.pair(CK[category], kind);
    }
    if (negatedNear) f.pair('neg-near:', category);
    for (let k = 1; k <= 3; k++) {
      const before = words[m.first - k];
      if (before !== undefined && m.first - k >= from)
        f.pair(BEFORE[k]!, before.text, hashes[m.first - k]);
      const after = words[m.last + k];
      if (after !== undefined && m.last + k < to) f.pair(AFTER[k]!, after.text, hashes[m.last + k]);
    }
    addShapes(
      f,
      category,
      m,
      words,
      context,
      termsAt,
      from,
      to,
      raw.length === text.length ? raw : undefined,
    );
    const h1 = m.first - 1 >= from ? hashes[m.first - 1]! : EDGE;
    const h2 = m.first - 2 >= from ? hashes[m.first - 2]! : EDGE;
    const named = (k: number) => (m.first - k >= from ? words[m.first - k]!.text : '^');
    f.pair(
      'pb:',
      names(f, () => `${named(2)}_${named(1)}`),
      mix(h2, h1),
    );
    // The term with the word right before and right after it: 'ziek vet', 'kanker zeg' and
    // 'drager van' say what the term alone and the word alone cannot.
    const a1 = m.last + 1 < to ? hashes[m.last + 1]! : END;
    f.pair(
      'tb:',
      names(f, () => `${named(1)}_${m.entry.term}`),
      mix(h1, termHash),
    );
    f.pair(
      'ta:',
      names(f, () => `${m.entry.term}_${m.last + 1 < to ? words[m.last + 1]!.text : '$'}`),
      mix(termHash, a1),
    );
    for (let i = from; i < to; i++)
      for (const other of termsAt[i] ?? [])
        if (other !== category && (i < m.first || i > m.last)) otherCategories++;
    if (otherCategories > 0) f.add('other-categories');
    f.pair('nt:', sizeBucket(termCount, [2, 3, 5, 9, 17]));
    textKind.addTo(f, category, CD[category]);
    addKeyFeatures(f, category, hints);
    // The shape of the text and of the sentence.
    const start = words[from]!.start;
    const end = words[to - 1]!.end;
    f.pair('len:', sizeBucket(text.length, [20, 60, 200, 600, 2000]));
    f.pair('sw:', sizeBucket(to - from, [3, 6, 12, 25]));
    f.pair('ns:', sizeBucket(sentences.length, [2, 4, 10]));
    if (m.first === from) f.add('pos:first');
    if (m.last === to - 1) f.add('pos:last');
    const sentenceEnd = Math.min(text.length, end + 1);
    if (has(text, start, sentenceEnd, (c) => c === 63 /* ? */)) f.add('q');
    if (has(text, start, words[m.first]!.start, (c) => c === 58 /* : */)) f.add('colon-before');
    if (has(text, start, sentenceEnd, (c) => c >= 48 && c <= 57)) f.add('digits');
    // Capitals as written: a name in the sentence points at a person; a heading is
    // written in capitals word after word.
    if (raw.length === text.length) {
      let names = 0;
      let capitals = 0;
      for (let i = from; i < to; i++) {
        const c = raw.charCodeAt(words[i]!.start);
        if (c >= 65 && c <= 90) {
          capitals++;
          if (i > from) names++;
        }
      }
      if (names > 0) f.pair('names:', sizeBucket(names, [2, 4]));
      if (to - from >= 2 && capitals === to - from) f.add('title-case');
      if (!has(raw, start, end, (c) => c >= 97 && c <= 122) && has(raw, 0, raw.length, isUpper))
        f.add('all-caps');
    }
    return {
      category,
      rule: `${category}.${m.match === 'exact' || m.match === 'stem' ? 'term' : m.match}`,
      features: f,
      term: m.entry.term,
      ruleScore: ruleScore(strength, kinds, negatedNear, hints, category),
      negated: negatedNear,
      always: hints.alwaysInspect.has(category),
    };
  }
}

/** One letter per kind of context word, in the order a word is given one (see shapeOf). */
const SHAPE_OF_KIND: readonly [ContextKind, string][] = [
  ['negation', 'n'],
  ['idiom', 'i'],
  ['subject', 's'],
  ['family', 'f'],
  ['role', 'r'],
  ['statement', 'v'],
  ['generic', 'g'],
];
const SHAPE_NAMES = crossed('sh');
const CAPITAL = /\p{Lu}/u;

/**
 * The shape of the words right around a term: each word as the kind of context it is
 * (s subject, v statement, r role, g generic …), a capitalised word (a name, a heading) as
 * C, digits as D, another term as T, any other word as w. "ik heb epilepsie" and "Noor
 * heeft epilepsie" are "s v _" and "C v _"; "Module 4: Diabetes" is "g D _". Shapes say
 * who a term is about in a way that holds for words no writer of the corpus used.
 */
function addShapes(
  f: FeatureSet,
  category: SpecialCategory,
  m: TermMatch<TermPayload>,
  words: readonly Word[],
  context: readonly (ReadonlySet<ContextKind> | undefined)[],
  termsAt: readonly (readonly SpecialCategory[] | undefined)[],
  from: number,
  to: number,
  raw: string | undefined,
): void {
  const shape = (i: number): string => {
    if (i < from || i >= to) return '^';
    const kinds = context[i];
    if (kinds !== undefined)
      for (const [kind, letter] of SHAPE_OF_KIND) if (kinds.has(kind)) return letter;
    if (termsAt[i] !== undefined) return 'T';
    const word = words[i]!;
    if (raw !== undefined && CAPITAL.test(raw[word.start] ?? '')) return 'C';
    const first = word.text.charCodeAt(0);
    return first >= 48 && first <= 57 ? 'D' : 'w';
  };
  const b2 = shape(m.first - 2);
  const b1 = shape(m.first - 1);
  const a1 = shape(m.last + 1);
  const before = `${shape(m.first - 3)}${b2}${b1}_`;
  const around = `${b1}_${a1}`;
  const after = `_${a1}${shape(m.last + 2)}`;
  for (const shapes of [before, around, after]) {
    f.addJoined('sh:', shapes);
    f.addJoined(SHAPE_NAMES[category], shapes);
  }
}

function addKeyFeatures(f: FeatureSet, category: SpecialCategory, hints: FieldHints): void {
  if (hints.ownKey !== undefined)
    for (const k of keyWords(hints.ownKey)) {
      f.pair('f:', k);
      f.pair(CF[category], k);
    }
  if (hints.parentKey !== undefined) for (const k of keyWords(hints.parentKey)) f.pair('g:', k);
  for (const sibling of hints.siblings ?? [])
    if (sibling !== hints.ownKey) for (const k of keyWords(sibling)) f.pair('nk:', k);
  if (hints.courseContent) {
    f.add('course');
    f.pair('course:', category);
  }
  if (hints.categories.has(category)) f.add('key-names-category');
  if (hints.ownCategories.has(category)) f.add('own-key-names-category');
  if (hints.alwaysInspect.has(category)) f.add('always-inspect');
}

function ruleScore(
  strength: 'strong' | 'weak',
  kinds: ReadonlySet<ContextKind>,
  negated: boolean,
  hints: FieldHints,
  category: SpecialCategory,
): number {
  let score = BASE[strength];
  const person = kinds.has('subject') || kinds.has('family') || kinds.has('role');
  if (person) score += 0.2;
  if (kinds.has('generic') && !hints.alwaysInspect.has(category)) score -= person ? 0.15 : 0.45;
  if (negated) score -= 0.35;
  if (hints.courseContent) score -= 0.3;
  if (hints.categories.has(category)) score += 0.25;
  if (hints.alwaysInspect.has(category)) score += 0.15;
  return Math.max(0, Math.min(0.99, score));
}

/**
 * The matches without those that a longer match of another category covers: the phrase
 * says what the words mean ("enkelband gescheurd" is an injury, not an ankle monitor;
 * "ziekte van Huntington" beside "Huntington"). Matches of one category all stay: the
 * judgment takes the most confident of them.
 */
function longestAcrossCategories<T extends TermMatch<TermPayload>>(matches: T[]): T[] {
  // Per word, the longest phrase over it: phrases are a few words, so this is linear. Only a
  // phrase as written counts: words read as one ("enkelband en" as "enkelbanden") or a
  // misspelling must not push out a term that stands there as written ("enkelband").
  let longest: (T | undefined)[] | undefined;
  for (const m of matches) {
    if (m.last === m.first || m.match === 'joined' || m.match === 'fuzzy') continue;
    longest ??= [];
    for (let i = m.first; i <= m.last; i++) {
      const current = longest[i];
      if (current === undefined || current.last - current.first < m.last - m.first) longest[i] = m;
    }
  }
  if (longest === undefined) return matches;
  const over = longest;
  return matches.filter((m) => {
    const other = over[m.first];
    return (
      other === undefined ||
      other.entry.payload.category === m.entry.payload.category ||
      other.first > m.first ||
      other.last < m.last ||
      other.last - other.first <= m.last - m.first
    );
  });
}

/** The matches that no idiom holds ("ik geloof dat", "ik word ziek van"). */
function outsideIdioms<T extends TermMatch<TermPayload>>(
  matches: T[],
  context: readonly TermMatch<ContextKind>[],
): T[] {
  const idioms = context.filter((c) => c.entry.payload === 'idiom');
  if (idioms.length === 0) return matches;
  return matches.filter((m) => !idioms.some((i) => i.first <= m.first && i.last >= m.last));
}

/** Per word, the context kinds (a person, a role, course content …) that start at it. */
function contextOf(
  matches: readonly TermMatch<ContextKind>[],
): (ReadonlySet<ContextKind> | undefined)[] {
  const out: (Set<ContextKind> | undefined)[] = [];
  for (const m of matches) (out[m.first] ??= new Set()).add(m.entry.payload);
  return out;
}

/** Each sentence's words as [from, to) indices into `words`. */
function sentenceRanges(words: readonly Word[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < words.length; i++) {
    const s = words[i]!.sentence;
    while (out.length <= s) out.push([i, i]);
    out[s]![1] = i + 1;
  }
  // Sentences with no words (a line of punctuation) keep an empty range.
  return out;
}

/** Whether a character of text[from, to) passes `test` (no substring made). */
function has(text: string, from: number, to: number, test: (code: number) => boolean): boolean {
  for (let i = from; i < to; i++) if (test(text.charCodeAt(i))) return true;
  return false;
}

const isUpper = (c: number) => c >= 65 && c <= 90;

/** The hash standing for "no word" before a term at the start of its window. */
const EDGE = fnv('^');
const END = fnv('$');

/** A feature's value named, only when the set keeps names (training, explanations). */
function names(f: FeatureSet, name: () => string): string {
  return f.names === undefined ? '' : name();
}

function hasLetter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
