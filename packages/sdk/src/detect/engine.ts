import { CATEGORIES, type Category, type DetectionSettings } from '../policy/types.js';
import { mayHoldDigits } from './digits.js';
import {
  BARE_RULES,
  BsnDetector,
  TOLD_END_WORDS,
  type BsnCandidate,
  type BsnFinding,
  type KeyContext,
} from './bsn.js';
import { compileKeyPatterns, readDataFile, squashKey } from './data.js';
import { lexicons, type SpecialCategory } from './lexicon.js';
import { normalise } from './normalise.js';
import {
  genderOfNameValue,
  genderOfValue,
  FOREIGN_PARTNER_WORDS,
  partnerMention,
  type Gender,
  type PartnerMention,
} from './partner.js';
import { FieldNameVerdicts, screenJson } from './json-screen.js';
import { Prefilter } from './prefilter.js';
import { screenTargets } from './screen-literals.js';
import { headerRow, type TextTable } from './table.js';
import { compilePointerPattern, type PointerPattern } from './patterns.js';
import { explain, type Explanation } from './explain.js';
import {
  looksEncoded,
  SpecialCategoryDetector,
  type Candidate,
  type FieldHints,
} from './special.js';
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
  /** The name holds a person's name ("voornaam"), whose first name may say their gender. */
  name: boolean;
  courseContent: boolean;
  /** The name holds a person's own text or notes about one ("opmerking", "deelnemers"). */
  personContent: boolean;
  /** A category the field's value names by its form (see VALUE_NAMES), if any. */
  byValue: ValueNames | undefined;
  /** A form's question ("vraag") or the answer to it ("antwoord"), see FormField. */
  form: FormField;
  /** The name says only "the outcome" ("status"): what of, the enclosing field says. */
  outcome: boolean;
}

/**
 * A form's question and its answer stand side by side in one object: {"vraag": "Bent u lid
 * van een vakbond?", "antwoord": "Ja, CNV"}. The categories the question names are the
 * answer's, as a field's name would be ("vakbond": "ja").
 */
type FormField = 'question' | 'answer' | undefined;
const QUESTION_KEY = /(?:vraag|vraagtekst|question|prompt)$|^q$/;
const ANSWER_KEY = /(?:antwoord|answer|response|respons|reply)$|^a$/;
function formFieldOf(key: string): FormField {
  const squashed = squashKey(key);
  return QUESTION_KEY.test(squashed)
    ? 'question'
    : ANSWER_KEY.test(squashed)
      ? 'answer'
      : undefined;
}

/**
 * Fields whose value names a category by its form, whatever the fields around them are
 * named: an encoding in a template field is a biometric template ("templateHash",
 * "fingerabdruck_template"); a refusal in a VOG field is a criminal record's consequence
 * ("vog_status": "geweigerd"), where "aangevraagd" or "ontvangen" is nobody's record.
 */
interface ValueNames {
  category: SpecialCategory;
  names(value: string): boolean;
}
const BIOMETRIC_TRAIT_KEY =
  /(?:iris|retina)(?:hash|vector|vec|embedding|print|code|scan|data|id)?$|(?:face|gezicht|gezichts|finger|vinger|palm|voice|stem|vein|ader)(?:hash|vector|vec|embedding|print|code|profiel|profile)$/;
const TEMPLATE_VECTOR =
  /^\[?\s*-?\d+\.\d+(?:\s*,\s*-?\d+\.\d+){3,}\s*,?\s*(?:\.{3}|\u2026)?\s*\]?$/;
const TEMPLATE_CUT = /^(?:[a-z]{1,4}-)?[a-f0-9]{6,}(?:\.{3}|\u2026)[a-f0-9]*$/;
function looksLikeTemplate(value: string): boolean {
  return looksEncoded(value) || TEMPLATE_VECTOR.test(value) || TEMPLATE_CUT.test(value);
}

const VALUE_NAMES: readonly (ValueNames & { key: RegExp })[] = [
  { key: /template/, category: 'biometric', names: looksEncoded },
  // A trait's own field ("iris_hash", "gezichtsvector", "voiceprintId"): an encoding, a
  // vector of numbers or a hash cut short ("b7c1e9...44a") is the trait's template.
  { key: BIOMETRIC_TRAIT_KEY, category: 'biometric', names: looksLikeTemplate },
  {
    // A refused VGB (security clearance) stands on the same record.
    key: /^vog|vog$|verklaringomtrent|certificateofconduct|^vgb|vgb$|verklaringvangeenbezwaar/,
    category: 'criminal',
    names: (value) => VOG_REFUSED.test(value),
  },
];
/** A field that says only "the outcome": what of, the enclosing field says ({"VOG": {"status": …}}). */
const OUTCOME_KEY =
  /^(?:status|uitslag|resultaat|result|outcome|besluit|beslissing|decision|stand)$/;
const VOG_REFUSED =
  /^(?:afgewezen|geweigerd|negatief|niet afgegeven|weigering|voornemen tot weigering|refused|denied|rejected)$/;

/**
 * The hints of a value (`text`, normalised), with the category its field names by the
 * value's form, if it does.
 */
function withValueNames(hints: FieldHints, facts: KeyFacts | undefined, text: string): FieldHints {
  const byValue = facts?.byValue;
  if (byValue === undefined || hints.ownCategories.has(byValue.category)) return hints;
  if (!byValue.names(text.trim())) return hints;
  return withOwnCategories(hints, [byValue.category]);
}

/** The hints of a form's answer, with the categories its question names. */
function withAsked(hints: FieldHints, asked: ReadonlySet<SpecialCategory> | undefined): FieldHints {
  return asked === undefined || asked.size === 0 ? hints : withOwnCategories(hints, asked);
}

/** The hints with more categories the value's own field stands for. */
function withOwnCategories(hints: FieldHints, more: Iterable<SpecialCategory>): FieldHints {
  return { ...hints, ownCategories: new Set([...hints.ownCategories, ...more]) };
}

function holdsPerson(facts: KeyFacts): boolean {
  return facts.personContent || facts.name || facts.bsn || facts.contextCategories.length > 0;
}

/** Where each category may be looked for at one node, after the policy's field rules. */
interface RuleState {
  never: ReadonlySet<Category>;
  always: ReadonlySet<SpecialCategory>;
}

const NO_CATEGORIES: ReadonlySet<never> = new Set();
const OPEN: RuleState = { never: NO_CATEGORIES, always: NO_CATEGORIES };
const KEY_CACHE_LIMIT = 10_000;
const SAME_PARTNER_CONFIDENCE = 0.8;
/** A value this short that names a personal number names its neighbour ("ID-soort": "BSN"). */
const NAMING_VALUE_MAX = 40;
/** Field names of one object a value's judgment reads. */
const SIBLING_KEYS = 12;
/** Numbers kept per body to judge again when a neighbour names them. */
const NAMED_BESIDE_LIMIT = 64;
/** A text that is a number and nothing else (digits and separators). */
const ONLY_A_NUMBER = /^[\d\s.\-/]+$/;
/** Longer than this, a message is a text of its own, not a question about a number. */
const QUESTION_MAX = 120;
/** The texts of a message item read for the question it asks. */
const QUESTION_TEXTS = 6;

/**
 * What kind of number the item before a value's item in a list asks for or names (a chat's
 * "wat is je ordernr?", "stuur je bsn even"): `bsn`, `other`, or undefined when it names
 * none or both. A value's item is the array element it is, or the one its object is; the
 * item before it is read in `root` only when a bare number needs it.
 */
function askedNumber(
  root: unknown,
  segments: readonly (string | number)[],
  bsn: BsnDetector,
): 'bsn' | 'other' | undefined {
  let at = segments.length - 1;
  if (typeof segments[at] !== 'number') at--;
  const index = segments[at];
  if (typeof index !== 'number' || index === 0) return undefined;
  let list: unknown = root;
  // Own properties only: a key such as "__proto__" names the body's field, not a prototype.
  for (let i = 0; i < at && list !== null && typeof list === 'object'; i++)
    list = Object.hasOwn(list, segments[i]!)
      ? (list as Record<string | number, unknown>)[segments[i]!]
      : undefined;
  if (!Array.isArray(list)) return undefined;
  const before: unknown = list[index - 1];
  const texts =
    typeof before === 'string'
      ? [before]
      : before !== null && typeof before === 'object' && !Array.isArray(before)
        ? Object.values(before)
            .filter((v): v is string => typeof v === 'string')
            .slice(0, QUESTION_TEXTS)
        : [];
  let kind: 'bsn' | 'other' | undefined;
  for (const raw of texts) {
    if (raw.length > QUESTION_MAX) continue;
    const text = normalise(raw).text;
    const personal = bsn.namesNumberIn(text);
    const other = bsn.namesOtherNumber(text);
    if (personal && other) return undefined;
    const here = personal ? 'bsn' : other ? 'other' : undefined;
    if (here === undefined) continue;
    if (kind !== undefined && kind !== here) return undefined;
    kind = here;
  }
  return kind;
}

/** Longer than this, an array's first item is a text, not a row of column names. */
const HEADER_ROW_MAX = 400;
/** What a header line has and a row's first item mostly has not (table.ts DELIMITERS). */
const HEADER_LIKE = /[\t;|,]/;
const HAS_DIGIT = /\d/;
/** A text with digits enough to be a number a neighbour names (not "2 stuks"). */
const mayBeNamed = (text: string) => (text.match(/\d/g)?.length ?? 0) >= 3;
/** No finding, or one that stood on the number alone: a neighbour naming it says more. */
const unnamed = (finding: BsnFinding | undefined) =>
  finding === undefined || finding.rule.endsWith('.bare');
/** Words of partner mentions, for the screen: the full path reads them in partner.ts. */
const PARTNER_WORDS = [
  'man',
  'vrouw',
  'echtgenoot',
  'echtgenote',
  'husband',
  'wife',
  'boyfriend',
  'girlfriend',
  'vriend',
  'vriendin',
  // A couple said to be of one gender (partner.ts COUPLE_OF).
  'guys',
  'men',
  'mannen',
  'jongens',
  'women',
  'girls',
  'vrouwen',
  'meiden',
  // A relationship with someone of a gender (partner.ts RELATION_WITH).
  'meisje',
  'meid',
  'jongen',
  'kerel',
  'woman',
  'girl',
  'guy',
  // Two parents of one gender ("wij zijn de moeders van", "two dads").
  'moeders',
  'vaders',
  'mamas',
  'papas',
  'mums',
  'moms',
  'dads',
  // A spouse named ("getrouwd met Eva", "married to Tom").
  'getrouwd',
  'married',
  'trouw',
  'trouwen',
  // A partner by name, a couple by both names (partner.ts SPOUSE_NAMED, PARTNER_NAMED,
  // COUPLE_NAMED): "zijn partner Wim", "Fleur en Iris zijn getrouwd", "41 jaar samen".
  'partner',
  'spouse',
  'levenspartner',
  'wederhelft',
  'stel',
  'couple',
  'together',
  'jaar samen',
  'jaren samen',
  'maanden samen',
  // The writer's partner as workers from elsewhere write it (partner.ts FOREIGN_OWN).
  ...FOREIGN_PARTNER_WORDS,
];
/**
 * Whether a text has a word every partner mention needs: partner.ts's patterns are many and
 * long, and a lesson sent to the full path for its health words mostly has none of these.
 */
const MAY_NAME_PARTNER = new RegExp(`\\b(?:${PARTNER_WORDS.join('|')})\\b`);

let shared:
  | {
      bsn: BsnDetector;
      special: SpecialCategoryDetector;
      prefilter: Prefilter;
      isCourseKey: (key: string) => boolean;
      isPersonKey: (key: string) => boolean;
      isGenderKey: (key: string) => boolean;
      isNameKey: (key: string) => boolean;
    }
  | undefined;

/** The screen of plain text, as every engine uses it (for tests that hold it to the full path). */
export function sharedPrefilter(): Prefilter {
  return detectors().prefilter;
}

/** A field that says how someone relates to the writer (an emergency contact's). */
const RELATION_KEY = /(?:relatie|relation|relationship|verhouding|relatietot)$/;

/** The detectors and their word lists are compiled once per process and shared. */
function detectors() {
  if (shared !== undefined) return shared;
  const bsn = new BsnDetector();
  const fields = readDataFile<{
    courseContent: string[];
    personContent: string[];
    genderKeys: string[];
    nameKeys: string[];
  }>('fields.json');
  shared = {
    bsn,
    special: new SpecialCategoryDetector(),
    prefilter: new Prefilter({
      ...screenTargets(
        lexicons().termList,
        [...bsn.keywordList, ...TOLD_END_WORDS, ...PARTNER_WORDS],
        lexicons().classes,
      ),
      everyday: lexicons().everydayWords,
    }),
    isCourseKey: compileKeyPatterns(fields.courseContent),
    isPersonKey: compileKeyPatterns(fields.personContent),
    isGenderKey: compileKeyPatterns(fields.genderKeys),
    isNameKey: compileKeyPatterns(fields.nameKeys),
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
    return facts.categories.length > 0 || facts.bsn || facts.gender || facts.byValue !== undefined;
  });

  readonly #screen: boolean;
  readonly #typos: boolean;

  /**
   * For tests that hold the screen to the full path: `screen: false` sends every string to
   * the full path; `typos: false` reads no misspellings (which the full path reads only in
   * texts the screen sent it). Both default true.
   */
  constructor(settings: DetectionSettings, options: { screen?: boolean; typos?: boolean } = {}) {
    this.#settings = settings;
    this.#screen = options.screen ?? true;
    this.#typos = options.typos ?? true;
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
    if (this.#screen && screenJson(bytes, prefilter, this.#fieldNames, this.#settings.limits))
      return { findings: [] };
    return this.detect(value);
  }

  /** The findings of `value` with the signals behind each (`dpa-guard scan --explain`). */
  explain(value: unknown): Explanation[] {
    return explain(this, detectors().special, value);
  }

  /**
   * `observe` (training and explanations): called with every candidate the model judges
   * (special-category candidates, numbers with nothing around them) and the JSON Pointer
   * it stands at, features named.
   */
  detect(
    value: unknown,
    observe?: (path: string, candidate: Candidate | BsnCandidate) => void,
  ): Detection {
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
    // Genders the body gives (a gender field, a first name in a name field), and the
    // partners its texts name, for same-sex partner mentions once the walk is done.
    // Values holding a number that made no finding, and the objects in which a short value
    // names a personal number: such a number is judged again as named once the walk is done.
    const unnamedNumbers: { node: number; value: string | number; keys: KeyContext }[] = [];
    const namingObjects = new Set<number>();
    // Per object, the categories its form question names (see FormField).
    const askedIn = new Map<number, Set<SpecialCategory>>();
    const askedOf = (visit: Visit): ReadonlySet<SpecialCategory> | undefined =>
      visit.ownKey === undefined || this.#factsOf(visit.ownKey).form !== 'answer'
        ? undefined
        : askedIn.get(walk.parent(visit.node));
    // Per object: a chat message's sender names the writer of the text beside it.
    const gendersIn = new Map<number, Set<Gender>>();
    const mentions: { node: number; mention: PartnerMention; relationField: boolean }[] = [];
    const inherited = new Map<number, ReadonlySet<SpecialCategory>>();
    const course = new Set<number>();
    const ruleStates = new Map<number, RuleState>();
    const stateOf = (node: number): RuleState => ruleStates.get(node) ?? OPEN;
    const inheritedOf = (node: number): ReadonlySet<SpecialCategory> =>
      inherited.get(node) ?? NO_CATEGORIES;

    // The field names of each object (the walk reads an object's keys before its values):
    // a value's neighbours say what kind of record it stands in ({"naam", "geboortedatum",
    // "nummer"} against {"artikel", "lot"}; {"lesson", "module"} against {"naam", "reden"}).
    const keysIn = new Map<number, string[]>();
    const hintsFor = (visit: Visit, state: RuleState): FieldHints => {
      const own = visit.ownKey === undefined ? undefined : this.#factsOf(visit.ownKey);
      const parentSegment = walk.segment(walk.parent(visit.node));
      return {
        ownKey: visit.ownKey,
        parentKey: typeof parentSegment === 'string' ? parentSegment : undefined,
        siblings: keysIn.get(walk.parent(visit.node)),
        categories: inheritedOf(visit.node),
        ownCategories:
          own === undefined || own.categories.length === 0
            ? NO_CATEGORIES
            : new Set(own.categories),
        // Course content: the field itself ("title"), the one that holds it ("lesson") or
        // one further up (see enter).
        courseContent:
          course.has(visit.node) ||
          (course.has(walk.parent(visit.node)) && !(own !== undefined && holdsPerson(own))),
        alwaysInspect: state.always,
      };
    };
    // Arrays whose first item is a header line: their later items are the table's rows.
    const headersIn = new Map<number, TextTable>();
    // Those with a column named for a personal number: every row is read for it.
    const bsnTables = new Set<number>();
    const noteHeader = (raw: string, visit: Visit) => {
      // Most first items are no header: only a line with a delimiter and no digit is read.
      if (
        walk.segment(visit.node) === 0 &&
        raw.length <= HEADER_ROW_MAX &&
        HEADER_LIKE.test(raw) &&
        !HAS_DIGIT.test(raw)
      ) {
        const header = headerRow(normalise(raw).text);
        if (header === undefined) return;
        headersIn.set(walk.parent(visit.node), header);
        if (header.names.some((n) => bsn.isBsnKey(n) || bsn.namesNumberIn(n)))
          bsnTables.add(walk.parent(visit.node));
      }
    };
    // The field names around a value, innermost last (for "factuur": { "nummer": … }).
    const keyContext = (visit: Visit): KeyContext => ({
      own: visit.ownKey,
      path: walk.segments(visit.node).filter((s): s is string => typeof s === 'string'),
      siblings: keysIn.get(walk.parent(visit.node)),
      columns: headersIn.size === 0 ? undefined : headersIn.get(walk.parent(visit.node)),
    });
    // Neighbouring values of one object or array that hold only a few digits each, in
    // order: a number split over fields or items ({"bsn1": "1234", "bsn2": "56782"}), or
    // over the same field of neighbouring items (chat messages sent one after the other).
    const parts = new Map<string, (Part | null)[]>();
    let scalars = 0; // every scalar value visited, in order: parts must be neighbours
    const notePart = (visit: Visit, part: Part | null) => {
      const index = scalars++;
      if (part !== null) part.index = index;
      const parent = walk.parent(visit.node);
      const groups = [String(parent)];
      const holder = walk.parent(parent);
      if (visit.ownKey !== undefined && holder >= 0 && typeof walk.segment(parent) === 'number')
        groups.push(`${String(holder)}:${visit.ownKey}`);
      for (const group of groups) {
        let list = parts.get(group);
        if (list === undefined) {
          if (part === null) continue;
          parts.set(group, (list = []));
        }
        list.push(part);
      }
    };
    walk.run(value, this.#settings.limits, {
      enter: (visit, parentNode) => {
        const parentInherited = inheritedOf(parentNode);
        const facts = visit.ownKey === undefined ? undefined : this.#factsOf(visit.ownKey);
        if (facts !== undefined && facts.contextCategories.length > 0) {
          inherited.set(visit.node, new Set([...parentInherited, ...facts.contextCategories]));
        } else if (parentInherited.size > 0) {
          inherited.set(visit.node, parentInherited);
        }
        // Course content holds all below it (a module's lessons, a quiz's answer options),
        // up to a field that holds a person's text or data ("opmerking", "deelnemers", a
        // field named for a category or a personal number).
        if (facts?.courseContent === true) course.add(visit.node);
        else if (course.has(parentNode) && !(facts !== undefined && holdsPerson(facts)))
          course.add(visit.node);
        if (this.#rules.length === 0) return true;
        const state = this.#ruleStateFor(walk.segments(visit.node), stateOf(parentNode));
        if (state !== stateOf(parentNode)) ruleStates.set(visit.node, state);
        return state.never.size < 10 || state.always.size > 0;
      },
      string: (raw, visit, isKey) => {
        if (isKey) {
          const parent = walk.parent(visit.node);
          const keys = keysIn.get(parent);
          if (keys === undefined) keysIn.set(parent, [raw]);
          else if (keys.length < SIBLING_KEYS) keys.push(raw);
        }
        if (!isKey && visit.ownKey !== undefined) {
          const facts = this.#factsOf(visit.ownKey);
          const gender = facts.gender
            ? genderOfValue(raw)
            : facts.name
              ? genderOfNameValue(raw)
              : undefined;
          if (gender !== undefined) {
            const parent = walk.parent(visit.node);
            let here = gendersIn.get(parent);
            if (here === undefined) gendersIn.set(parent, (here = new Set()));
            here.add(gender);
          }
        }
        if (!isKey) {
          notePart(visit, partOf(raw, visit));
          noteHeader(raw, visit);
        }
        // The fast path: most strings hold no term and no number, and only a value in a
        // field named for a category ("vakbond": "ja") can then still be a finding.
        // Field names repeat with the schema: their screen is cached with their facts.
        const screened =
          !this.#screen || (isKey ? this.#factsOf(raw).mayHold : prefilter.mayHold(raw));
        // A row of a table with a column named for a personal number is read for it too.
        if (!screened && !(bsnTables.size > 0 && bsnTables.has(walk.parent(visit.node)))) {
          if (isKey || visit.ownKey === undefined) return;
          const facts = this.#factsOf(visit.ownKey);
          if (
            facts.categories.length === 0 &&
            !facts.bsn &&
            this.#valueNamer(visit.ownKey, walk.segment(walk.parent(visit.node)))?.byValue ===
              undefined &&
            askedOf(visit) === undefined
          )
            return;
        }
        const state = stateOf(visit.node);
        const text = normalise(raw).text;
        // A field named for the number is read even without a digit: "lOO OOO Olo".
        const bsnField = !isKey && visit.ownKey !== undefined && this.#factsOf(visit.ownKey).bsn;
        if (!state.never.has('bsn') && (mayHoldDigits(text) || bsnField)) {
          const keys: KeyContext = isKey
            ? { own: undefined, path: [], inKey: true }
            : keyContext(visit);
          let finding = bsn.inText(
            text,
            keys,
            observe &&
              ((c) => observe(walk.pointer(isKey ? walk.parent(visit.node) : visit.node), c)),
          );
          // A number on its own as the answer to the message before it ("wat is je
          // ticketnr?" "742936296"): the question says what kind it is.
          // Only a reply that is the number alone: one with words may say otherwise ("nee,
          // die heb ik niet, dit nummer dan"). The rows of a table are no replies.
          if (
            !isKey &&
            finding !== undefined &&
            BARE_RULES.has(finding.rule) &&
            !headersIn.has(walk.parent(visit.node))
          ) {
            const asked = askedNumber(value, walk.segments(visit.node), bsn);
            if (asked === 'other' && ONLY_A_NUMBER.test(text)) finding = undefined;
            else if (asked === 'bsn') finding = bsn.inText(text, { ...keys, namedBeside: true });
          }
          if (finding !== undefined)
            add('bsn', visit.node, finding.confidence, finding.rule, isKey);
          if (
            !isKey &&
            unnamed(finding) &&
            unnamedNumbers.length < NAMED_BESIDE_LIMIT &&
            mayBeNamed(text)
          )
            unnamedNumbers.push({ node: visit.node, value: text, keys });
        }
        if (!isKey && text.length <= NAMING_VALUE_MAX && bsn.namesNumberIn(text))
          namingObjects.add(walk.parent(visit.node));
        // Keys are names, not text, unless someone put a sentence in one.
        if (isKey && !text.includes(' ')) return;
        if (!isKey) {
          const relationField =
            visit.ownKey !== undefined && RELATION_KEY.test(squashKey(visit.ownKey));
          const mention =
            relationField || MAY_NAME_PARTNER.test(text)
              ? partnerMention(text, raw, relationField)
              : undefined;
          if (mention !== undefined) mentions.push({ node: visit.node, mention, relationField });
        }
        const hints = isKey
          ? {
              categories: NO_CATEGORIES,
              ownCategories: NO_CATEGORIES,
              courseContent: false,
              alwaysInspect: state.always,
            }
          : withAsked(
              withValueNames(
                hintsFor(visit, state),
                this.#valueNamer(visit.ownKey, walk.segment(walk.parent(visit.node))),
                text,
              ),
              // A short answer means what its question asks ("Ja, CNV"); a long one is a
              // text in its own right, read as any other.
              text.length <= NAMING_VALUE_MAX ? askedOf(visit) : undefined,
            );
        const candidates = special.candidates(
          text,
          hints,
          raw,
          observe !== undefined,
          this.#typos && screened,
        );
        if (observe !== undefined)
          for (const c of candidates)
            observe(walk.pointer(isKey ? walk.parent(visit.node) : visit.node), c);
        if (
          candidates.length > 0 &&
          !isKey &&
          visit.ownKey !== undefined &&
          this.#factsOf(visit.ownKey).form === 'question'
        ) {
          const parent = walk.parent(visit.node);
          let asked = askedIn.get(parent);
          if (asked === undefined) askedIn.set(parent, (asked = new Set()));
          for (const c of candidates) asked.add(c.category);
        }
        for (const f of special.judge(candidates)) {
          if (!state.never.has(f.category))
            add(f.category, visit.node, f.confidence, f.rule, isKey);
        }
      },
      scalar: (scalar, visit) => {
        notePart(
          visit,
          typeof scalar === 'number' && Number.isInteger(scalar) && scalar >= 0 && scalar < 1e6
            ? {
                node: visit.node,
                index: -1,
                digits: String(scalar),
                key: visit.ownKey,
                keyword: false,
              }
            : null,
        );
        const state = stateOf(visit.node);
        if (typeof scalar === 'number' && !state.never.has('bsn')) {
          const finding = bsn.inNumber(
            scalar,
            keyContext(visit),
            observe && ((c) => observe(walk.pointer(visit.node), c)),
          );
          if (finding !== undefined) add('bsn', visit.node, finding.confidence, finding.rule);
          if (unnamed(finding) && unnamedNumbers.length < NAMED_BESIDE_LIMIT && scalar >= 1e7)
            unnamedNumbers.push({ node: visit.node, value: scalar, keys: keyContext(visit) });
        }
        const scalars = special.scalarCandidates(
          scalar,
          hintsFor(visit, state),
          observe !== undefined,
        );
        if (observe !== undefined) for (const c of scalars) observe(walk.pointer(visit.node), c);
        for (const f of special.judge(scalars)) {
          if (!state.never.has(f.category)) add(f.category, visit.node, f.confidence, f.rule);
        }
      },
    });
    for (const list of parts.values()) {
      const split = splitNumber(
        list,
        (digits, first) =>
          bsn.inParts(
            digits,
            { own: first.key, path: first.key === undefined ? [] : [first.key] },
            first.keyword,
          ),
        (key) => key !== undefined && this.#factsOf(key).bsn,
      );
      if (split !== undefined && !stateOf(split.node).never.has('bsn'))
        add('bsn', split.node, split.finding.confidence, split.finding.rule);
    }
    for (const { node, value, keys } of unnamedNumbers) {
      if (!namingObjects.has(walk.parent(node))) continue;
      const named = { ...keys, namedBeside: true };
      const finding =
        typeof value === 'number' ? bsn.inNumber(value, named) : bsn.inText(value, named);
      if (finding !== undefined) add('bsn', node, finding.confidence, finding.rule);
    }
    // A partner of the same gender: said outright, or the writer's own whose gender the
    // nearest object with a name or gender gives (a message's sender beside its text; for a
    // relation field, whose own object names the partner, the one around it), else the
    // body (only one gender in it: a body about several people says nothing).
    const only = (set: ReadonlySet<Gender> | undefined) =>
      set !== undefined && set.size === 1 ? [...set][0] : undefined;
    const writerOf = (node: number, relationField: boolean): Gender | undefined => {
      const own = walk.parent(node);
      let object = relationField ? walk.parent(own) : own;
      for (; object >= 0; object = walk.parent(object)) {
        const here = gendersIn.get(object);
        if (here !== undefined) return only(here);
      }
      // A flat record ({"naam": …, "relatie": …}) has nothing around it: its own names stand.
      if (relationField) return only(gendersIn.get(own));
      return only(new Set([...gendersIn.values()].flatMap((set) => [...set])));
    };
    for (const { node, mention, relationField } of mentions) {
      const writer = mention.writer ?? writerOf(node, relationField);
      const same =
        mention.said !== undefined || (mention.own !== undefined && writer === mention.own);
      if (same && !stateOf(node).never.has('sexual_orientation'))
        add(
          'sexual_orientation',
          node,
          SAME_PARTNER_CONFIDENCE,
          'sexual_orientation.same-sex-partner',
        );
    }
    const findings = [...found.values()];
    return walk.incomplete === undefined ? { findings } : { findings, incomplete: walk.incomplete };
  }

  /**
   * The facts of the field whose name says what category the value names by its form: its
   * own, or, for a field that holds only an outcome ("status"), the enclosing field's.
   */
  #valueNamer(
    ownKey: string | undefined,
    parent: string | number | undefined,
  ): KeyFacts | undefined {
    if (ownKey === undefined) return undefined;
    const own = this.#factsOf(ownKey);
    if (own.byValue !== undefined || !own.outcome) return own;
    return typeof parent === 'string' ? this.#factsOf(parent) : own;
  }

  #factsOf(key: string): KeyFacts {
    let facts = this.#keyFacts.get(key);
    if (facts === undefined) {
      const { bsn, special, isCourseKey, isPersonKey, isGenderKey, isNameKey, prefilter } =
        detectors();
      const categories = special.categoriesOfKey(key);
      facts = {
        categories,
        contextCategories: [...new Set([...categories, ...special.contextCategoriesOfKey(key)])],
        bsn: bsn.isBsnKey(key),
        mayHold: prefilter.mayHold(key),
        gender: isGenderKey(key),
        name: isNameKey(key),
        courseContent: isCourseKey(key),
        personContent: isPersonKey(key),
        byValue: VALUE_NAMES.find((v) => v.key.test(squashKey(key))),
        form: formFieldOf(key),
        outcome: OUTCOME_KEY.test(squashKey(key)),
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

/** A value that may be part of a number split over neighbouring values. */
interface Part {
  node: number;
  /** Its place among all scalar values of the body, in document order. */
  index: number;
  digits: string;
  key: string | undefined;
  /** The part's own text names the number ("bsn 5100"). */
  keyword: boolean;
}

/** Short texts with a few digits: "1234", "56 782", "bsn 5100" (at most six digits). */
const PART_TEXT = /^[^\d]{0,20}\d[\d\s.-]{0,10}$|^[\s.-]*\d[\d\s.-]{0,10}[^\d]{0,20}$/;

function partOf(raw: string, visit: Visit): Part | null {
  if (raw.length > 40 || !PART_TEXT.test(raw)) return null;
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 0 || digits.length > 6) return null;
  return {
    node: visit.node,
    index: -1,
    digits,
    key: visit.ownKey,
    keyword: /[a-z]/i.test(raw) && detectors().bsn.namesNumber(normalise(raw).text),
  };
}

/**
 * The first run of neighbouring parts (values of one container, in order) whose digits
 * make a personal number, judged by `judge` with the first part.
 */
function splitNumber(
  list: readonly (Part | null)[],
  judge: (digits: string[], first: Part) => BsnFinding | undefined,
  named: (key: string | undefined) => boolean,
): { node: number; finding: BsnFinding } | undefined {
  for (let from = 0; from < list.length; from++) {
    const first = list[from];
    if (first === null || first === undefined) continue;
    const digits: string[] = [];
    let total = 0;
    for (let to = from; to < list.length; to++) {
      const part = list[to];
      if (part === null || part === undefined) break;
      // Neighbours in the body, or the same field of neighbouring items with the number
      // named (a keyword in a part, or a field named for it).
      const previous = list[to - 1];
      if (
        to > from &&
        previous !== null &&
        previous !== undefined &&
        part.index !== previous.index + 1 &&
        !first.keyword &&
        !part.keyword &&
        !named(first.key)
      )
        break;
      digits.push(part.digits);
      total += part.digits.length;
      if (total > 9) break;
      if (digits.length < 2 || total < 8) continue;
      const finding = judge(digits, first);
      if (finding !== undefined) return { node: first.node, finding };
    }
  }
  return undefined;
}
