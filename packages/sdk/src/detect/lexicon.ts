import { CATEGORIES, type Category } from '../policy/types.js';
import { compileKeyPatterns, readDataFile } from './data.js';
import { TermIndex } from './term-index.js';

/** The special categories (everything but `bsn`), each with a lexicon in data/lexicon/. */
export type SpecialCategory = Exclude<Category, 'bsn'>;
export const SPECIAL_CATEGORIES: readonly SpecialCategory[] = CATEGORIES.filter(
  (c): c is SpecialCategory => c !== 'bsn',
);

interface LexiconFile {
  category: SpecialCategory;
  strong: string[];
  weak: string[];
  keys: string[];
  /** Field names around a value that make a weak term count, without being data themselves. */
  contextKeys: string[];
}

interface ContextFile {
  subject: string[];
  role: string[];
  statement: string[];
  generic: string[];
  negation: string[];
  family: string[];
  idiom: string[];
}

export type Strength = 'strong' | 'weak';
export interface TermPayload {
  category: SpecialCategory;
  strength: Strength;
}
export type ContextKind =
  'subject' | 'role' | 'statement' | 'generic' | 'negation' | 'family' | 'idiom';

/** Every word list compiled once: the category terms in one index, context in another. */
export interface CompiledLexicons {
  terms: TermIndex<TermPayload>;
  context: TermIndex<ContextKind>;
  /** Per category, whether a field name alone says its value is of that category. */
  keyCategory: Map<SpecialCategory, (key: string) => boolean>;
  /** Per category, whether a field name makes a context for it ("absence" for health). */
  contextKeyCategory: Map<SpecialCategory, (key: string) => boolean>;
  /** Every category term, in the lexicon syntax, and whether it may stand in a compound. */
  termList: readonly { term: string; compound: boolean }[];
  /** The word classes terms name as `@class` (the lexicon syntax of each word). */
  classes: Readonly<Record<string, readonly string[]>>;
  /** Everyday Dutch and English words (data/lexicon/common-words.json), spelled right. */
  everydayWords: ReadonlySet<string>;
}

/**
 * A term as a text could hold it (for tests that write terms into texts): each `@class`
 * as the `pick`-th word of its class, without the lexicon's `*` and `~`.
 */
export function asWritten(term: string, pick = 0): string {
  const { classes } = lexicons();
  return term
    .replace(/@(\w+)/g, (_, name: string) => {
      const words = classes[name] ?? [];
      return words[pick % Math.max(1, words.length)] ?? '';
    })
    .replaceAll('*', '')
    .replace(/ ~ /g, ' ');
}

/**
 * Terms made from templates ("{family_nl} ~ uit @place"): a `{slot}` is expanded into one
 * term per word, an `@class` stays for the term index to match as any word of the class,
 * so that no combination of a family word and a place is left out because no one listed it.
 */
interface TemplateFile {
  category: SpecialCategory;
  strength: Strength;
  expand: Record<string, string[]>;
  classes: Record<string, string[]>;
  templates: { pattern: string }[];
}

/** Lexicon files of templates (data/lexicon/templates-*.json). */
const TEMPLATE_FILES = [
  'templates-ethnicity.json',
  'templates-biometric.json',
  'templates-political.json',
];

function expandTemplates(file: TemplateFile): string[] {
  const out = new Set<string>();
  for (const { pattern } of file.templates) {
    let terms = [pattern];
    for (const [slot, words] of Object.entries(file.expand)) {
      const mark = `{${slot}}`;
      if (!pattern.includes(mark)) continue;
      terms = terms.flatMap((t) => words.map((w) => t.replace(mark, w)));
    }
    for (const t of terms) {
      if (t.includes('{')) throw new Error(`lexicon template "${pattern}" names an unknown slot`);
      out.add(t);
    }
  }
  return [...out];
}

let compiled: CompiledLexicons | undefined;

/** Everyday Dutch and English words, spelled right (data/lexicon/common-words.json). */
interface CommonWordsFile {
  nl: string[];
  en: string[];
}

function everydayWords(): ReadonlySet<string> {
  const common = readDataFile<CommonWordsFile>('lexicon/common-words.json');
  return new Set([...common.nl, ...common.en]);
}

/**
 * The words a typo is never read in: everyday words, and the whole words of the templates'
 * classes (a country is no typo of the name of its people: "Suriname", "Surinamer"). A word
 * that is also a term's literal stays one (it matches exactly first).
 */
function knownWords(
  everyday: ReadonlySet<string>,
  classes: Readonly<Record<string, readonly string[]>>,
): ReadonlySet<string> {
  const members = Object.values(classes).flatMap((words) =>
    words.filter((w) => /^[a-z]+$/.test(w)),
  );
  return new Set([...everyday, ...members]);
}

/** The shipped lexicons, compiled on first use and shared by every guard. */
export function lexicons(): CompiledLexicons {
  if (compiled !== undefined) return compiled;
  const terms: { term: string; payload: TermPayload }[] = [];
  const keyCategory = new Map<SpecialCategory, (key: string) => boolean>();
  const contextKeyCategory = new Map<SpecialCategory, (key: string) => boolean>();
  for (const category of SPECIAL_CATEGORIES) {
    const file = readDataFile<LexiconFile>(`lexicon/${category}.json`);
    for (const term of file.strong) terms.push({ term, payload: { category, strength: 'strong' } });
    for (const term of file.weak) terms.push({ term, payload: { category, strength: 'weak' } });
    keyCategory.set(category, compileKeyPatterns(file.keys));
    contextKeyCategory.set(category, compileKeyPatterns(file.contextKeys));
  }
  const classes: Record<string, string[]> = {};
  for (const name of TEMPLATE_FILES) {
    const file = readDataFile<TemplateFile>(`lexicon/${name}`);
    for (const t of expandTemplates(file))
      terms.push({ term: t, payload: { category: file.category, strength: file.strength } });
    for (const [k, words] of Object.entries(file.classes)) {
      if (k in classes) throw new Error(`word class @${k} is defined twice (${name})`);
      classes[k] = words;
    }
  }
  const context = readDataFile<ContextFile>('lexicon/context.json');
  const contextTerms = (
    ['subject', 'role', 'statement', 'generic', 'negation', 'family', 'idiom'] as const
  ).flatMap((kind) => context[kind].map((term) => ({ term, payload: kind })));
  const everyday = everydayWords();
  compiled = {
    // Strong terms may stand inside a compound ("longkankeronderzoek"); weak ones may not.
    terms: new TermIndex(
      terms.map((t) => ({ ...t, compound: t.payload.strength === 'strong' })),
      { typos: true, classes, knownWords: knownWords(everyday, classes) },
    ),
    context: new TermIndex(contextTerms, { typos: false }),
    keyCategory,
    contextKeyCategory,
    termList: terms.map((t) => ({ term: t.term, compound: t.payload.strength === 'strong' })),
    classes,
    everydayWords: everyday,
  };
  return compiled;
}
