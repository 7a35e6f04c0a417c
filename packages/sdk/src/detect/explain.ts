// Why a finding was made, for the security team (`dpa-guard scan --explain`): which signals
// fired and how much each weighed, never the text that matched. A finding of a special
// category names its lexicon term, how the term matched, the field it stood in, what the
// context words said and the model's strongest features; words taken from the text itself
// (the words around a term, a field's value) are summed into one line, not listed.
import type { DetectionEngine, Finding } from './engine.js';
import { BARE_RULES, type BsnCandidate } from './bsn.js';
import { isTextFeature, type FeatureSet } from './features.js';
import { shippedModel, type Model } from './model.js';
import type { Candidate, SpecialCategoryDetector } from './special.js';

export interface Signal {
  /** A feature as the model names it ("k:person", "f:reason", "m:fuzzy"). */
  feature: string;
  /** Its weight in the model: above zero pushes towards a finding. */
  weight: number;
}

export interface Explanation extends Finding {
  /** The lexicon term behind a special-category finding (a word list entry, not the text). */
  term?: string | undefined;
  /** The model's score and the hand rules' score; the finding's confidence is bound by both. */
  modelScore?: number;
  ruleScore?: number;
  /** The strongest signals either way, at most eight. */
  signals: Signal[];
  /**
   * Summed weight of the words of the text around the term and of field names the pointer
   * does not show (not listed: they are the text, or may be).
   */
  textWords?: number;
  /** For a number: what decided (keyword, field name, layout); the digits are never shown. */
  why?: string;
}

const MAX_SIGNALS = 8;

const BSN_WHY: Record<string, string> = {
  'bsn.keyword': 'a word that names a personal number (bsn, burgerservicenummer …) stands near it',
  'bsn.keyword-spread': 'digit groups told after a word that names a personal number',
  'bsn.parts-told': 'digit groups dictated by their place (begins with …, ends with …)',
  'bsn.field-name': 'the field is named for a personal number',
  'bsn.layout': 'nine digits that pass the elfproef, grouped as a BSN is written',
  'bsn.bare': 'nine digits that pass the elfproef, with nothing saying they are another number',
  'bsn.split-fields': 'digits of neighbouring fields that together pass the elfproef',
  'onderwijsnummer.keyword': 'an onderwijsnummer named as such',
  'onderwijsnummer.bare': 'nine digits that pass the onderwijsnummer check',
};

/** The findings of `value` with their signals. */
export function explain(
  engine: DetectionEngine,
  special: SpecialCategoryDetector,
  value: unknown,
): Explanation[] {
  const candidates = new Map<string, Candidate[]>();
  const numbers = new Map<string, BsnCandidate>();
  const detection = engine.detect(value, (path, candidate) => {
    if (candidate.category === 'bsn') {
      numbers.set(path, candidate);
      return;
    }
    const key = `${candidate.category}\u0000${path}`;
    candidates.set(key, [...(candidates.get(key) ?? []), candidate]);
  });
  const model = shippedModel();
  return detection.findings.map((finding) => {
    if (finding.category === 'bsn') {
      const why = BSN_WHY[finding.rule.replace(/\+in-key$/, '')] ?? finding.rule;
      // A bare number was judged by the model: its signals are the field's name and shape.
      const number = numbers.get(finding.path);
      if (number === undefined || model === undefined || !BARE_RULES.has(finding.rule))
        return { ...finding, signals: [], why };
      const { signals, textWords } = signalsOf(number.features, model, finding.path);
      return {
        ...finding,
        modelScore: round(model.score(number.features.hashes)),
        signals,
        textWords,
        why,
      };
    }
    const path = finding.path;
    const found = candidates.get(`${finding.category}\u0000${path}`) ?? [];
    // The candidate that made the finding: the most confident one of its rule.
    const scored = found.map((c) => ({ c, score: special.score(c) }));
    scored.sort((a, b) => b.score - a.score);
    const best = scored[0]?.c;
    if (best === undefined || model === undefined) return { ...finding, signals: [] };
    return {
      ...finding,
      term: best.term,
      modelScore: round(model.score(best.features.hashes)),
      ruleScore: round(best.ruleScore),
      ...signalsOf(best.features, model, path),
    };
  });
}

/**
 * Features made of field names: the value's own and enclosing ones (named in its pointer,
 * unless the pointer masks a key that held a finding) and its neighbours' (never named in
 * it: a neighbour's name may itself be data, "ik heb epilepsie" used as a key).
 */
const PATH_KEY_FEATURE = /^(?:f:|cf:[a-z_]+:|g:|bf:|bg:|bfe\d:)/;
const NEIGHBOUR_KEY_FEATURE = /^(?:nk:|bs:)/;

/** Whether a feature can be listed without naming what the finding's pointer does not. */
function listable(name: string, pointer: string): boolean {
  if (isTextFeature(name) || NEIGHBOUR_KEY_FEATURE.test(name)) return false;
  return !(PATH_KEY_FEATURE.test(name) && pointer.split('/').includes('*'));
}

/**
 * The strongest named signals of a candidate, and the summed weight of what cannot be
 * named: the text's words, and field names the finding's pointer does not show.
 */
function signalsOf(
  features: FeatureSet,
  model: Model,
  pointer: string,
): { signals: Signal[]; textWords: number } {
  const names = features.names ?? [];
  let textWords = 0;
  const signals: Signal[] = [];
  // Names and hashes are kept in the same order.
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const weight = model.weight(features.hashes[i]!);
    if (!listable(name, pointer)) textWords += weight;
    else signals.push({ feature: name, weight: round(weight) });
  }
  signals.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return { signals: signals.slice(0, MAX_SIGNALS), textWords: round(textWords) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
