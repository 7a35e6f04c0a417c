import { CATEGORIES, type Category, type DetectionSettings } from '../policy/types.js';
import { BsnDetector, type KeyContext } from './bsn.js';
import { compileKeyPatterns, readDataFile } from './data.js';
import { lexicons, type SpecialCategory } from './lexicon.js';
import { normalise } from './normalise.js';
import { genderOfValue, namesPartner, type Gender } from './partner.js';
import { FieldNameVerdicts, screenJson } from './json-screen.js';
import { Prefilter } from './prefilter.js';
import { compilePointerPattern, type PointerPattern } from './patterns.js';
import { SpecialCategoryDetector, type FieldHints } from './special.js';
import { Walk, type IncompleteReason, type Visit } from './walk.js';

/**
 * One thing found: the category, where (an RFC 6901 JSON Pointer), how sure, and which
 * rule decided. Never the matched text: a finding is safe to log, answer and store.
 */
export interface Finding {
  category: Category;
  path: string;
  confidence: number;
  rule: string;
}

export interface Detection {
  findings: Finding[];
  /** Set when a limit stopped the walk: the value could not be inspected completely. */
  incomplete?: IncompleteReason;
}

interface CompiledRule {
  matches: PointerPattern;
  action: 'always-inspect' | 'never-inspect';
  categories: ReadonlySet<Category> | undefined;
}

/** What a field name says, computed once per distinct name. */
interface KeyFacts {
  categories: SpecialCategory[];
  /** Categories whose weak terms count inside this field: its own and context ones. */
  contextCategories: SpecialCategory[];
  /** The name says personal number ("bsn"): an eight-digit value counts without a keyword. */
  bsn: boolean;
  /** The prefilter's verdict on the name itself (a BSN or a sentence used as a key). */
  mayHold: boolean;
  /** The name holds the writer's gender ("geslacht"), for same-sex partner mentions. */
  gender: boolean;
  courseContent: boolean;
}

/** Where each category may be looked for at one node, after the policy's field rules. */
interface RuleState {
  never: ReadonlySet<Category>;
  always: ReadonlySet<SpecialCategory>;
}

const NO_CATEGORIES: ReadonlySet<never> = new Set();
const OPEN: RuleState = { never: NO_CATEGORIES, always: NO_CATEGORIES };
const HAS_DIGIT = /\d/;
const KEY_CACHE_LIMIT = 10_000;
const SAME_PARTNER_CONFIDENCE = 0.75;

let shared:
  | {
      bsn: BsnDetector;
      special: SpecialCategoryDetector;
      prefilter: Prefilter;
      isCourseKey: (key: string) => boolean;
      isGenderKey: (key: string) => boolean;
    }
  | undefined;

/** The detectors and their word lists are compiled once per process and shared. */
function detectors() {
  if (shared !== undefined) return shared;
  const bsn = new BsnDetector();
  const fields = readDataFile<{ courseContent: string[]; genderKeys: string[] }>('fields.json');
  shared = {
    bsn,
    special: new SpecialCategoryDetector(),
    prefilter: new Prefilter([...lexicons().termList, ...bsn.keywordList]),
    isCourseKey: compileKeyPatterns(fields.courseContent),
    isGenderKey: compileKeyPatterns(fields.genderKeys),
  };
  return shared;
}

/**
 * The detection engine for one policy's detection settings: walks a JSON value once,
 * normalises each string, looks for personal numbers and special categories, and keeps
 * findings at or above the threshold. Compiled once per policy.
 */
export class DetectionEngine {
  readonly #settings: DetectionSettings;
  readonly #rules: CompiledRule[];
  readonly #keyFacts = new Map<string, KeyFacts>();
  /** Field names that can make a finding on their own, for the screen of JSON bytes. */
  readonly #fieldNames = new FieldNameVerdicts((name) => {
    const facts = this.#factsOf(name);
    return facts.categories.length > 0 || facts.bsn || facts.gender;
  });

  constructor(settings: DetectionSettings) {
    this.#settings = settings;
    this.#rules = settings.fields.map((rule) => ({
      matches: compilePointerPattern(rule.pointer),
      action: rule.action,
      categories: rule.categories === undefined ? undefined : new Set(rule.categories),
    }));
  }

  /**
   * Detection for a value parsed from JSON, given the UTF-8 bytes it was parsed from: a
   * body whose bytes pass the screen (almost every write) holds nothing, and is not walked.
   * `bytes` must be the text `value` came from; the screen trusts that.
   */
  detectJson(bytes: Uint8Array, value: unknown): Detection {
    const { prefilter } = detectors();
    if (screenJson(bytes, prefilter, this.#fieldNames, this.#settings.limits))
      return { findings: [] };
    return this.detect(value);
  }

  detect(value: unknown): Detection {
    const { bsn, special, prefilter } = detectors();
    const walk = new Walk();
    const found = new Map<string, Finding>();
    const maskedKeys = new Set<number>();
    const threshold = this.#settings.threshold;
    const add = (
      category: Category,
      node: number,
      confidence: number,
      rule: string,
      inKey = false,
    ) => {
      if (confidence < threshold) return;
      if (inKey) {
        // The key itself holds the data: report it at the object that has the key, and
        // mask the key in every pointer from now on.
        maskedKeys.add(node);
        node = walk.parent(node);
        rule = `${rule}+in-key`;
      }
      const path = walk.pointer(node, maskedKeys);
      const id = `${category}\u0000${path}`;
      const current = found.get(id);
      if (current === undefined || confidence > current.confidence)
        found.set(id, { category, path, confidence, rule });
    };
    // Per node, only where something differs from the parent: field-name categories
    // inherited from enclosing fields, course content, and the field rules in force.
    let writerGender: Gender | undefined;
    const inherited = new Map<number, ReadonlySet<SpecialCategory>>();
    const course = new Set<number>();
    const ruleStates = new Map<number, RuleState>();
    const stateOf = (node: number): RuleState => ruleStates.get(node) ?? OPEN;
    const inheritedOf = (node: number): ReadonlySet<SpecialCategory> =>
      inherited.get(node) ?? NO_CATEGORIES;

    const hintsFor = (visit: Visit, state: RuleState): FieldHints => {
      const own = visit.ownKey === undefined ? undefined : this.#factsOf(visit.ownKey);
      return {
        categories: inheritedOf(visit.node),
        ownCategories:
          own === undefined || own.categories.length === 0
            ? NO_CATEGORIES
            : new Set(own.categories),
        // Course content: the field itself ("title") or the one that holds it ("lesson").
        courseContent: course.has(visit.node) || course.has(walk.parent(visit.node)),
        alwaysInspect: state.always,
      };
    };
    const keyContext = (visit: Visit): KeyContext => ({
      own: visit.ownKey,
      path: visit.ownKey === undefined ? [] : [visit.ownKey],
    });

    walk.run(value, this.#settings.limits, {
      enter: (visit, parentNode) => {
        const parentInherited = inheritedOf(parentNode);
        const facts = visit.ownKey === undefined ? undefined : this.#factsOf(visit.ownKey);
        if (facts !== undefined && facts.contextCategories.length > 0) {
          inherited.set(visit.node, new Set([...parentInherited, ...facts.contextCategories]));
        } else if (parentInherited.size > 0) {
          inherited.set(visit.node, parentInherited);
        }
        if (facts?.courseContent === true) course.add(visit.node);
        if (this.#rules.length === 0) return true;
        const state = this.#ruleStateFor(walk.segments(visit.node), stateOf(parentNode));
        if (state !== stateOf(parentNode)) ruleStates.set(visit.node, state);
        return state.never.size < 10 || state.always.size > 0;
      },
      string: (raw, visit, isKey) => {
        if (!isKey && visit.ownKey !== undefined && this.#factsOf(visit.ownKey).gender)
          writerGender ??= genderOfValue(raw);
        // The fast path: most strings hold no term and no number, and only a value in a
        // field named for a category ("vakbond": "ja") can then still be a finding.
        // Field names repeat with the schema: their screen is cached with their facts.
        if (isKey ? !this.#factsOf(raw).mayHold : !prefilter.mayHold(raw)) {
          if (isKey || visit.ownKey === undefined) return;
          const facts = this.#factsOf(visit.ownKey);
          if (facts.categories.length === 0 && !facts.bsn) return;
        }
        const state = stateOf(visit.node);
        const text = normalise(raw).text;
        if (!state.never.has('bsn') && HAS_DIGIT.test(text)) {
          const finding = bsn.inText(
            text,
            isKey ? { own: undefined, path: [] } : keyContext(visit),
          );
          if (finding !== undefined)
            add('bsn', visit.node, finding.confidence, finding.rule, isKey);
        }
        // Keys are names, not text, unless someone put a sentence in one.
        if (isKey && !text.includes(' ')) return;
        const hints = isKey
          ? {
              categories: NO_CATEGORIES,
              ownCategories: NO_CATEGORIES,
              courseContent: false,
              alwaysInspect: state.always,
            }
          : hintsFor(visit, state);
        for (const f of special.inText(text, hints)) {
          if (!state.never.has(f.category))
            add(f.category, visit.node, f.confidence, f.rule, isKey);
        }
      },
      scalar: (scalar, visit) => {
        const state = stateOf(visit.node);
        if (typeof scalar === 'number' && !state.never.has('bsn')) {
          const finding = bsn.inNumber(scalar, keyContext(visit));
          if (finding !== undefined) add('bsn', visit.node, finding.confidence, finding.rule);
        }
        for (const f of special.inScalar(scalar, hintsFor(visit, state))) {
          if (!state.never.has(f.category)) add(f.category, visit.node, f.confidence, f.rule);
        }
      },
    });
    if (writerGender !== undefined && walk.incomplete === undefined)
      this.#samePartner(value, writerGender, (path) => {
        const id = `sexual_orientation\u0000${path}`;
        if (!found.has(id) && SAME_PARTNER_CONFIDENCE >= threshold)
          found.set(id, {
            category: 'sexual_orientation',
            path,
            confidence: SAME_PARTNER_CONFIDENCE,
            rule: 'sexual_orientation.same-sex-partner',
          });
      });
    const findings = [...found.values()];
    return walk.incomplete === undefined ? { findings } : { findings, incomplete: walk.incomplete };
  }

  /** Second pass, only for a body that gives its writer's gender: partner mentions. */
  #samePartner(value: unknown, gender: Gender, report: (path: string) => void): void {
    const walk = new Walk();
    walk.run(value, this.#settings.limits, {
      string: (raw, visit, isKey) => {
        if (!isKey && namesPartner(raw, gender)) report(walk.pointer(visit.node));
      },
      scalar: () => undefined,
    });
  }

  #factsOf(key: string): KeyFacts {
    let facts = this.#keyFacts.get(key);
    if (facts === undefined) {
      const { bsn, special, isCourseKey, isGenderKey, prefilter } = detectors();
      const categories = special.categoriesOfKey(key);
      facts = {
        categories,
        contextCategories: [...new Set([...categories, ...special.contextCategoriesOfKey(key)])],
        bsn: bsn.isBsnKey(key),
        mayHold: prefilter.mayHold(key),
        gender: isGenderKey(key),
        courseContent: isCourseKey(key),
      };
      if (this.#keyFacts.size >= KEY_CACHE_LIMIT) this.#keyFacts.clear();
      this.#keyFacts.set(key, facts);
    }
    return facts;
  }

  /** The last field rule matching this path wins; a node without one inherits its parent's. */
  #ruleStateFor(segments: (string | number)[], parent: RuleState): RuleState {
    let state = parent;
    for (const rule of this.#rules) {
      if (!rule.matches(segments)) continue;
      const categories = rule.categories ?? ALL;
      if (rule.action === 'never-inspect') state = { never: categories, always: NO_CATEGORIES };
      else
        state = {
          never: NO_CATEGORIES,
          always: new Set([...categories].filter((c): c is SpecialCategory => c !== 'bsn')),
        };
    }
    return state;
  }
}

const ALL: ReadonlySet<Category> = new Set<Category>(CATEGORIES);
