import {
  lexicons,
  SPECIAL_CATEGORIES,
  type CompiledLexicons,
  type SpecialCategory,
  type TermPayload,
} from './lexicon.js';
import type { TermHit } from './terms.js';

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
}

export interface SpecialFinding {
  category: SpecialCategory;
  confidence: number;
  rule: string;
}

// Scores, in the 0..1 confidence scale of findings. A strong term stands on its own in a
// statement; a weak term needs a person nearby; course content and negation pull down.
const BASE = { strong: 0.75, weak: 0.35 } as const;
const SUBJECT_BONUS = 0.2;
const GENERIC_PENALTY = 0.45;
const GENERIC_PENALTY_WITH_SUBJECT = 0.15;
const NEGATION_PENALTY = 0.35;
const COURSE_FIELD_PENALTY = 0.3;
const FIELD_NAME_BONUS = 0.25;
const ALWAYS_INSPECT_BONUS = 0.15;
const FIELD_NAME_ONLY = 0.85;
const NEGATION_REACH = 28; // characters before a term in which "geen"/"not" negates it
const SENTENCE_REACH = 160; // at most this far either side counts as the same sentence

/** Values that, in a field named for a category, say "none" rather than give data. */
const EMPTY_ANSWER =
  /^(?:|-+|nee|neen|no|none|geen|niets|nvt|n\.v\.t\.?|n\/a|onbekend|unknown|false|0|null)$/;
// Long base64/hex runs: templates, hashes, encodings of a face or a fingerprint.
const ENCODED_BLOB = /^[a-z0-9+/=_-]{32,}$/;

/**
 * Finds special-category data (GDPR art. 9/10) in one normalised string: every lexicon
 * term is scored in its sentence — is it about a person (ik, cursist, hij…), is it course
 * content or a rule (module, herken, werknemers die…), is it negated — and the field
 * names around it. One finding per category, the most confident.
 */
export class SpecialCategoryDetector {
  readonly #lexicons: CompiledLexicons;

  constructor(compiled: CompiledLexicons = lexicons()) {
    this.#lexicons = compiled;
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

  inText(text: string, hints: FieldHints): SpecialFinding[] {
    const best = new Map<SpecialCategory, SpecialFinding>();
    const strongTerms = new Map<SpecialCategory, number>();
    const keep = (finding: SpecialFinding) => {
      const current = best.get(finding.category);
      if (current === undefined || finding.confidence > current.confidence)
        best.set(finding.category, finding);
    };
    this.#lexicons.terms.scan(text, (hit) => {
      keep(this.#score(text, hit, hints));
      if (hit.payload.strength === 'strong')
        strongTerms.set(hit.payload.category, (strongTerms.get(hit.payload.category) ?? 0) + 1);
    });
    // Two or more strong terms of one category in a value corroborate each other.
    for (const [category, count] of strongTerms) {
      const finding = best.get(category);
      if (finding !== undefined && count > 1)
        finding.confidence = Math.min(0.99, finding.confidence + 0.05);
    }
    this.#fieldNameFindings(text, hints, keep);
    return [...best.values()];
  }

  /** A value in a field named for a category ("vakbond": "CNV") is that category's data. */
  #fieldNameFindings(
    text: string,
    hints: FieldHints,
    keep: (finding: SpecialFinding) => void,
  ): void {
    if (hints.ownCategories.size === 0) return;
    const value = text.trim();
    if (EMPTY_ANSWER.test(value)) return;
    for (const category of hints.ownCategories) {
      const encoded =
        category === 'biometric' || category === 'genetic' ? ENCODED_BLOB.test(value) : false;
      keep({
        category,
        confidence: encoded ? 0.95 : FIELD_NAME_ONLY,
        rule: `${category}.field-name`,
      });
    }
  }

  /** A boolean or number in a field named for a category: `true` or a value is data. */
  inScalar(value: boolean | number, hints: FieldHints): SpecialFinding[] {
    if (value === false || value === 0) return [];
    return [...hints.ownCategories].map((category) => ({
      category,
      confidence: 0.8,
      rule: `${category}.field-name`,
    }));
  }

  #score(text: string, hit: TermHit<TermPayload>, hints: FieldHints): SpecialFinding {
    const { category, strength } = hit.payload;
    const [from, to] = sentenceAround(text, hit.start, hit.end);
    let subject = false;
    let role = false;
    let roleEnd = -1;
    let stated = false;
    let generic = false;
    let negated = false;
    this.#lexicons.context.scan(
      text,
      (c) => {
        if (c.start >= hit.start && c.end <= hit.end) return; // the term itself
        switch (c.payload) {
          case 'subject':
          case 'family':
            subject = true;
            break;
          case 'role':
            role = true;
            roleEnd = c.end;
            break;
          case 'statement':
            // Context hits come in text order, so a role right before this verb is known.
            if (roleEnd >= 0 && c.start - roleEnd <= 2) stated = true;
            break;
          case 'generic':
            generic = true;
            break;
          case 'negation':
            if (c.end <= hit.start && hit.start - c.end <= NEGATION_REACH) negated = true;
            break;
        }
      },
      from,
      to,
    );
    // "Een collega met een hartaanval" in a lesson is hypothetical: a role names a person
    // only outside general text; a pronoun or a title always does.
    if ((role && !generic) || stated) subject = true;
    const always = hints.alwaysInspect.has(category);
    let confidence = BASE[strength];
    const reasons: string[] = [strength === 'strong' ? 'term' : 'weak-term'];
    if (subject) {
      confidence += SUBJECT_BONUS;
      reasons.push('person');
    }
    if (generic && !always) {
      confidence -= subject ? GENERIC_PENALTY_WITH_SUBJECT : GENERIC_PENALTY;
      reasons.push('general-text');
    }
    if (negated) {
      confidence -= NEGATION_PENALTY;
      reasons.push('negated');
    }
    if (hints.courseContent && !always) {
      confidence -= COURSE_FIELD_PENALTY;
      reasons.push('course-field');
    }
    if (hints.categories.has(category)) {
      confidence += FIELD_NAME_BONUS;
      reasons.push('field-name');
    }
    if (always) {
      confidence += ALWAYS_INSPECT_BONUS;
      reasons.push('always-inspect');
    }
    return {
      category,
      confidence: round(Math.max(0, Math.min(0.99, confidence))),
      rule: `${category}.${reasons.join('+')}`,
    };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The sentence holding [start, end): up to . ! ? ; or a line break, within reach. */
function sentenceAround(text: string, start: number, end: number): [number, number] {
  let from = start;
  const lowest = Math.max(0, start - SENTENCE_REACH);
  while (from > lowest && !isSentenceEnd(text, from - 1)) from--;
  let to = end;
  const highest = Math.min(text.length, end + SENTENCE_REACH);
  while (to < highest && !isSentenceEnd(text, to)) to++;
  return [from, to];
}

function isSentenceEnd(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 33 || c === 63 || c === 59 || c === 10) return true; // ! ? ; \n
  // A full stop ends a sentence when a space follows and the word before is not an
  // abbreviation like "mw." or "i.v.m.": a crude but cheap rule.
  if (c === 46) {
    const next = text.charCodeAt(i + 1);
    if (next !== 32 && next !== 10) return false;
    let w = i - 1;
    while (w >= 0 && isLetter(text.charCodeAt(w))) w--;
    return i - w - 1 > 3 && text.charCodeAt(w) !== 46;
  }
  return false;
}

function isLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}
