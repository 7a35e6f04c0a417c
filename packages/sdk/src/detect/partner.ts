import { readDataFile } from './data.js';
import { normalise } from './normalise.js';

/**
 * Sexual orientation revealed by a relationship: a partner of the same gender as the person
 * who has them. Said outright by a possessive ("Ruben en zijn man Thijs", "her wife Els"),
 * or by the writer ("mijn man", "my wife", "mijn vriend en ik gaan trouwen") whose own
 * gender the body gives: a gender field, a first name in a name field or in the text
 * ("Ik (Daan) …", "groet, Kees"). Neither half alone says anything about orientation.
 */
export type Gender = 'male' | 'female';

const MALE = /^(?:m|man|male|heer|dhr|de heer|mr|mister|jongen)\.?$/;
const FEMALE = /^(?:v|f|vrouw|female|mevrouw|mevr|mw|ms|mrs|miss|meisje)\.?$/;

/** The writer's gender from a gender field's value, when it says one plainly. */
export function genderOfValue(raw: string): Gender | undefined {
  const value = normalise(raw).text.trim();
  if (MALE.test(value)) return 'male';
  if (FEMALE.test(value)) return 'female';
  return undefined;
}

let names: Map<string, Gender> | undefined;

/** The gender a first name is given to, from data/names.json (common names only). */
export function genderOfName(name: string): Gender | undefined {
  if (names === undefined) {
    names = new Map();
    try {
      const file = readDataFile<{ male: string[]; female: string[] }>('names.json');
      for (const n of file.male) names.set(n, 'male');
      for (const n of file.female) names.set(n, 'female');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return names.get(name);
}

/** The gender of whoever a name field names ("Kees Jansen", "mw. A. de Vries"). */
export function genderOfNameValue(raw: string): Gender | undefined {
  const text = normalise(raw).text.trim();
  const title = genderOfValue(text.split(/[\s.]+/)[0] ?? '');
  if (title !== undefined) return title;
  const first = /^[a-z]+/.exec(text)?.[0];
  return first === undefined ? undefined : genderOfName(first);
}

// "vriend"/"vriendin" is also just a friend: it counts as a partner only next to words
// of a relationship.
const RELATIONSHIP =
  '(?:trouw(?:en|t|de|den)?|getrouwd|bruiloft|huwelijk|verloofd|samenwonen|samenwonend|samenwoon|samenwoont|samenwoonden|woon samen|woont samen|wonen samen|samen met|(?:jaar|jaren|maanden) samen|relatie|partner|zwanger|kinderwens|adopt\\w*|married|wedding|engaged|live with|lives with|living with|years together|stel|koppel|couple)(?![a-z])';
const HIS = "(?:zijn|zn|z'n|his)";
const HER = '(?:haar|her)';
/**
 * A possessive with a partner word ("zijn man"), or with "vriend"/"vriendin" beside a word of a
 * relationship either way ("zijn vriend en hij gaan trouwen", "bruiloft van … zijn vriend").
 */
function partnerOf(possessive: string, partners: string, friend: 'vriend' | 'vriendin'): RegExp {
  // "vriend" must not be the start of "vriendin".
  const word = friend === 'vriend' ? 'vriend\\b(?!in)' : 'vriendin\\b';
  return new RegExp(
    `\\b${possessive} (?:${partners})\\b|\\b${possessive} ${word}(?=[^.!?]{0,80}\\b${RELATIONSHIP})|\\b${RELATIONSHIP}\\b[^.!?]{0,80}\\b${possessive} ${word}`,
  );
}
const HIS_PARTNERS = 'man|echtgenoot|husband|boyfriend';
const HER_PARTNERS = 'vrouw|echtgenote|wife|girlfriend';
/**
 * The writer's partner as workers from elsewhere say it (normalised: no accents), only
 * where the word means a partner and nothing else ("mi marido", "meine Frau", "moj maz";
 * not German "Freund" or French "copain", which are also just friends).
 */
const FOREIGN_OWN: Record<Gender, string> = {
  male: '(?:mi (?:marido|esposo|novio)|(?:o )?meu (?:marido|namorado)|mein(?:em)? (?:mann|ehemann)|mon mari|moj maz|mojego meza|sotul meu)',
  female:
    '(?:mi (?:esposa|mujer|novia)|(?:a )?minha (?:esposa|mulher|namorada)|meine(?:r)? (?:frau|ehefrau)|ma femme|moja zona|moja dziewczyna|sotia mea)',
};
/** The words of FOREIGN_OWN that no Dutch or English partner word covers, for the screen. */
export const FOREIGN_PARTNER_WORDS = [
  'marido',
  'esposo',
  'esposa',
  'novio',
  'novia',
  'mujer',
  'namorado',
  'namorada',
  'mulher',
  'mann',
  'ehemann',
  'frau',
  'ehefrau',
  'mari',
  'femme',
  'maz',
  'meza',
  'zona',
  'dziewczyna',
  'sotul',
  'sotia',
];
/** Possessives that say the gender of both: "zijn man", "her wife". */
const SAID: Record<Gender, RegExp> = {
  male: partnerOf(HIS, HIS_PARTNERS, 'vriend'),
  female: partnerOf(HER, HER_PARTNERS, 'vriendin'),
};
/** The writer's own partner, by gender ("my" has no word for a friend who is a partner). */
const MINE = "(?:mijn|mn|m'n)";
const OWN: Record<Gender, RegExp> = {
  male: new RegExp(
    `\\b(?:my) (?:${HIS_PARTNERS})\\b|\\b${FOREIGN_OWN.male}\\b|${partnerOf(MINE, HIS_PARTNERS, 'vriend').source}`,
  ),
  female: new RegExp(
    `\\b(?:my) (?:${HER_PARTNERS})\\b|\\b${FOREIGN_OWN.female}\\b|${partnerOf(MINE, HER_PARTNERS, 'vriendin').source}`,
  ),
};
/**
 * The writer's spouse by name, read in the text as written: "Getrouwd met Eva" opening a
 * sentence, "ik trouw met Thomas", "I'm married to Tom" (not "mijn zus is getrouwd met
 * Piet"). The name's gender is the partner's.
 */
const SPOUSE_NAMED =
  /(?:^|[.!?;]\s*|\b(?:ik ben|ik was|ben|i am|i'm|im|i was|i got|ik)\s+(?:al\s+\d+\s+jaar\s+|sinds\s+\d+\s+)?)(?:getrouwd met|trouw(?:en)? met|verloofd met|married to|engaged to)\s+(\p{Lu}\p{Ll}+)|\btrouw(?:en)? (?:ik|we|wij)(?: \p{Ll}+){0,2} met (\p{Lu}\p{Ll}+)|\b(?:mijn|mn|m'n|my) (?:partner|echtgeno(?:o)?te?|spouse|wederhelft) (\p{Lu}\p{Ll}+)|(?:^|[:;,\n]\s*)(\p{Lu}\p{Ll}+)(?: \p{Lu}[\p{L}-]+)* \((?:partner|spouse|levenspartner)\)/giu;
/**
 * Someone's partner by name, with a possessive of the same gender ("zijn partner Wim", "her
 * spouse Anna"): the name's gender against the possessive's.
 */
const PARTNER_NAMED: Record<Gender, RegExp> = {
  male: /\b(?:zijn|zn|z'n|his) (?:partner|echtgenoot|spouse|levenspartner) (\p{Lu}\p{Ll}+)/giu,
  female: /\b(?:haar|her) (?:partner|echtgenote|spouse|levenspartner) (\p{Lu}\p{Ll}+)/giu,
};
/**
 * Two people said to be a couple ("Fleur en Iris zijn getrouwd", "Dhr. en Henk zijn 41 jaar
 * samen"): a name or a title each, of one gender.
 */
const COUPLE_NAMED =
  /(?:^|[^\p{L}])(\p{Lu}\p{Ll}+)\.? (?:en|and|\+|&) (\p{Lu}\p{Ll}+) (?:zijn|waren|are|were|have been) (?:al |nu |inmiddels |sinds )?(?:[\p{L}\d]+ ){0,3}?(?:getrouwd|married|een stel|a couple|(?:jaar|jaren|maanden|years|months) (?:samen|together)|(?:samen|together)(?=\s*(?:[.,;!?)]|$)))/gu;
/** The words a greeting closes with, before the writer's name. */
const GREETING =
  '(?:groet|groeten|groetjes|groetje|gr|mvg|vriendelijke groet|liefs|doei|dank|dankjewel|regards|thanks|thx|bedankt|cheers)';
/**
 * Where a writer names themselves, read in the text as written (a name has a capital):
 * "ik ben Anouk", "Ik (Daan) …", "my name is …", a greeting's signature, "Kees: …".
 */
const SELF_NAMED = new RegExp(
  [
    "\\b(?:ik ben|ik heet|mijn naam is|my name is|i am|i'm|sou o|sou a|je suis|soy|jestem|ich bin)\\s+(\\p{Lu}\\p{Ll}+)",
    '\\bik\\s*\\((\\p{Lu}\\p{Ll}+)[\\s,)]',
    `\\b${GREETING}[\\s,.!-]+(\\p{Lu}\\p{Ll}+)`,
    '^(\\p{Lu}\\p{Ll}+):',
    // "Pieter hier", "Hoi, Sanne hier": a chat's opening.
    '^(?:(?:hoi|hallo|hi|hey|goedemorgen|goedemiddag|goedenavond)[\\s,!]+)?(\\p{Lu}\\p{Ll}+) (?:hier|here)\\b',
    // A signature at the end: "… sorry. Piotr", "- Tom Williams", with an initial and the
    // writer's role after it ("- Kevin B., chauffeur", "– Joris (docent heftruck)").
    `(?:[.!?]|[-\u2013\u2014])\\s*(?!${GREETING}\\b)(\\p{Lu}\\p{Ll}+)(?:\\s+\\p{Lu}[\\p{L}-]*\\.?)*(?:\\s*,\\s*[^,.!?\\n]{1,40}|\\s*\\([^()\\n]{1,40}\\))?\\s*$`,
  ].join('|'),
  'giu',
);

/** The writer saying their own gender ("ja ik ben ook een man", "yes im a guy"). */
const WRITER_SAYS: Record<Gender, RegExp> = {
  male: /\b(?:ik ben (?:zelf )?(?:ook )?(?:een )?(?:man|vent|jongen|kerel|gast)|(?:i'?m|i am) (?:also )?a (?:guy|man|bloke)|(?:ik )?als man\b(?! en vrouw)|as a man|(?:ik ben|this is|i am|i'?m) (?:de |the |\w+'s )?(?:vader|papa|dad|father)\b)\b/,
  female:
    /\b(?:ik ben (?:zelf )?(?:ook )?(?:een )?(?:vrouw|meid|meisje)|(?:i'?m|i am) (?:also )?a (?:woman|girl)|(?:ik )?als vrouw\b(?! en man)|as a woman|(?:de |ik ben )?duo-?moeder|(?:ik ben|this is|i am|i'?m) (?:de |the |\w+'s )?(?:moeder|mama|mom|mum|mother)\b)\b/,
};
/** A couple said to be of one gender ("two guys", "twee vrouwen"), next to a word of a couple. */
const COUPLE_OF: Record<Gender, RegExp> = {
  male: /\b(?:couple|stel|samen|together|getrouwd|married)\b[^.!?]{0,40}\b(?:two guys|two men|twee mannen|twee jongens)\b|\b(?:two guys|two men|twee mannen|twee jongens)\b[^.!?]{0,40}\b(?:couple|stel|samen|together|getrouwd|married)\b|\b(?:wij|we|en ik) zijn (?:samen )?(?:de |twee )?(?:vaders|papas|papa's)\b|\b(?:twee vaders|two dads)\b/,
  female:
    /\b(?:couple|stel|samen|together|getrouwd|married)\b[^.!?]{0,40}\b(?:two women|two girls|twee vrouwen|twee meiden)\b|\b(?:two women|two girls|twee vrouwen|twee meiden)\b[^.!?]{0,40}\b(?:couple|stel|samen|together|getrouwd|married)\b|\b(?:wij|we|en ik) zijn (?:samen )?(?:de |twee )?(?:moeders|mamas|mama's)\b|\b(?:twee moeders|two mums|two moms)\b/,
};
/**
 * A couple said to be both of one gender beside a partner word ("mijn vriend en ik (we zijn
 * allebei mannen)").
 */
const BOTH_OF: Record<Gender, RegExp> = {
  male: /\b(?:vriend|partner|boyfriend|man|husband|echtgenoot)\b[^.!?]{0,60}\b(?:allebei|beiden|beide|both) (?:een )?(?:mannen|man|jongens|kerels|men|guys|male)\b/,
  female:
    /\b(?:vriendin|partner|girlfriend|vrouw|wife|echtgenote)\b[^.!?]{0,60}\b(?:allebei|beiden|beide|both) (?:een )?(?:vrouwen|vrouw|meiden|women|girls|female)\b/,
};
/**
 * A partner set against the one expected ("omdat ik een vriend heb in plaats van een
 * vriendin"): says the partner's gender and, by the contrast, the writer's too.
 */
const INSTEAD_OF: Record<Gender, RegExp> = {
  male: /\b(?:een vriend|a boyfriend|een man|a husband)\b[^.!?]{0,20}\b(?:in plaats van|instead of) (?:een vriendin|a girlfriend|een vrouw|a wife)\b|\b(?:geen (?:vriendin|vrouw)|no (?:girlfriend|wife))\b[^.!?]{0,20}\b(?:een vriend\b(?!in)|een man\b|a boyfriend|a husband)/,
  female:
    /\b(?:een vriendin|a girlfriend|een vrouw|a wife)\b[^.!?]{0,20}\b(?:in plaats van|instead of) (?:een vriend|a boyfriend|een man|a husband)\b|\b(?:geen (?:vriend\b(?!in)|man\b)|no (?:boyfriend|husband))[^.!?]{0,20}\b(?:een vriendin|een vrouw|a girlfriend|a wife)\b/,
};
/**
 * A relationship with someone of a gender ("een relatie heeft met een vrouw", "met een man
 * getrouwd", "date met een meisje"): whose it is, the subject before it says (see
 * relationWith). The partner's gender is in the capture.
 */
const RELATION_WITH =
  /\b(?:(?:een )?relatie (?:heeft |had |hebben )?met|verkering (?:heeft |had )?met|date met|getrouwd met|trouwt met|trouw met|samen met|samenwoont met|woont samen met|in a relationship with|dating|married to) (?:een |a )(vrouw|meisje|meid|man|jongen|kerel|woman|girl|guy)\b|\bmet een (vrouw|man) (?:getrouwd|samen|samenwonen|samenwoont)\b/;
const GENDER_OF_WORD: Record<string, Gender> = {
  vrouw: 'female',
  meisje: 'female',
  meid: 'female',
  woman: 'female',
  girl: 'female',
  man: 'male',
  jongen: 'male',
  kerel: 'male',
  guy: 'male',
};
/** Subject words of the third person and the gender each says. */
const THIRD_PERSON: Record<string, Gender | 'someone'> = {
  hij: 'male',
  he: 'male',
  zoon: 'male',
  broer: 'male',
  vader: 'male',
  oom: 'male',
  son: 'male',
  brother: 'male',
  ze: 'female',
  zij: 'female',
  she: 'female',
  dochter: 'female',
  zus: 'female',
  zuster: 'female',
  moeder: 'female',
  tante: 'female',
  daughter: 'female',
  sister: 'female',
  // Someone of no gender said: not the writer, and nothing to compare.
  collega: 'someone',
  cursist: 'someone',
  deelnemer: 'someone',
  medewerker: 'someone',
  iemand: 'someone',
  kind: 'someone',
  colleague: 'someone',
  someone: 'someone',
};

/** A relation field's value naming the writer's partner ("relatie": "echtgenoot"). */
const PARTNER_VALUE: Record<Gender, RegExp> = {
  male: /^(?:man|echtgenoot|husband|boyfriend|spouse \(husband\)|partner \(man\))$/,
  female: /^(?:vrouw|echtgenote|wife|girlfriend|spouse \(wife\)|partner \(vrouw\))$/,
};

/** How a text names a partner: outright of one gender, or as the writer's own. */
export interface PartnerMention {
  /** Both genders given by the words themselves ("zijn man"). */
  said?: Gender;
  /** The writer's own partner of this gender ("mijn vrouw"). */
  own?: Gender;
  /** The writer's gender, when the text names them. */
  writer?: Gender;
}

/** The partner mentions of a normalised text (`raw`: as written), if it has any. */
export function partnerMention(
  text: string,
  raw: string,
  relationField = false,
): PartnerMention | undefined {
  const mention: PartnerMention = {};
  const value = relationField ? text.trim() : '';
  for (const g of ['male', 'female'] as const) {
    if ([SAID, COUPLE_OF, BOTH_OF, INSTEAD_OF].some((said) => said[g].test(text))) mention.said = g;
    else if (namedGender(raw, PARTNER_NAMED[g]) === g) mention.said = g;
    if (OWN[g].test(text) || (relationField && PARTNER_VALUE[g].test(value))) mention.own ??= g;
  }
  const spouse = mention.own === undefined ? namedGender(raw, SPOUSE_NAMED) : undefined;
  if (spouse !== undefined) mention.own = spouse;
  if (mention.said === undefined) {
    const couple = coupleNamed(raw);
    if (couple !== undefined) mention.said = couple;
  }
  if (mention.said === undefined && mention.own === undefined) relationWith(text, raw, mention);
  const says = (['male', 'female'] as const).filter((g) => WRITER_SAYS[g].test(text));
  // "mijn vriend" with the writer saying their own gender beside it ("mn vriend en ik (ja ik
  // ben ook een gast)"): why say it, but that the friend is a partner.
  if (mention.own === undefined && says.length === 1 && LOOSE_OWN[says[0]!].test(text))
    mention.own = says[0]!;
  if (mention.said === undefined && mention.own === undefined) return undefined;
  if (mention.own !== undefined && says.length > 0) mention.writer = says.at(-1)!;
  if (mention.own !== undefined && mention.writer === undefined) {
    const writer = namedGender(raw, SELF_NAMED);
    if (writer !== undefined) mention.writer = writer;
  }
  return mention;
}

/**
 * The writer and a "vriend" or "vriendin" as a pair ("mijn vriend en ik", "ik en mn
 * vriendin"): a partner only where more is said (see partnerMention).
 */
const LOOSE_OWN: Record<Gender, RegExp> = {
  male: /\b(?:mijn|mn|m'n) vriend (?:en ik|and i)\b|\bik en (?:mijn|mn|m'n) vriend\b(?!in)/,
  female: /\b(?:mijn|mn|m'n) vriendin (?:en ik|and i)\b|\bik en (?:mijn|mn|m'n) vriendin\b/,
};

/**
 * A relationship with someone of a gender (RELATION_WITH), by its subject: said of someone
 * whose gender the nearest subject before it gives ("ze", "hij", or a first name: "Joyce …
 * een relatie heeft met een vrouw"); else the writer's own ("ik", or no subject: "date met
 * een meisje via Hinge", "als vrouw met een vrouw getrouwd").
 */
function relationWith(text: string, raw: string, mention: PartnerMention): void {
  const m = RELATION_WITH.exec(text);
  if (m === null) return;
  const partner = GENDER_OF_WORD[m[1] ?? m[2] ?? ''];
  if (partner === undefined) return;
  const sentenceStart = Math.max(
    text.lastIndexOf('.', m.index - 1),
    text.lastIndexOf('!', m.index - 1),
    text.lastIndexOf('?', m.index - 1),
    text.lastIndexOf('\n', m.index - 1),
  );
  const before = text.slice(sentenceStart + 1, m.index);
  const words = before.match(/[a-z]+/g) ?? [];
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]!;
    if (w === 'ik' || w === 'i' || w === 'we' || w === 'wij') {
      mention.own = partner;
      return;
    }
    const third = THIRD_PERSON[w];
    if (third !== undefined) {
      if (third === partner) mention.said = partner;
      return;
    }
  }
  // A first name as the subject, as written with a capital ("Joyce van de planning").
  const rawBefore = raw.length === text.length ? raw.slice(sentenceStart + 1, m.index) : '';
  for (const name of [...rawBefore.matchAll(/\b(\p{Lu}\p{Ll}+)\b/gu)].reverse()) {
    const gender = genderOfName(normalise(name[1]!).text);
    if (gender !== undefined) {
      if (gender === partner) mention.said = partner;
      return;
    }
  }
  mention.own = partner;
}

/** The gender of a couple named by both halves (COUPLE_NAMED), when it is one. */
function coupleNamed(raw: string): Gender | undefined {
  for (const m of raw.matchAll(COUPLE_NAMED)) {
    const [a, b] = [m[1]!, m[2]!].map((w) => {
      const word = normalise(w).text;
      return genderOfValue(word) ?? genderOfName(word);
    });
    if (a !== undefined && a === b) return a;
  }
  return undefined;
}

/** The gender of the first name `pattern` captures in `raw` that is a known first name. */
function namedGender(raw: string, pattern: RegExp): Gender | undefined {
  // The keywords match in any case, and so, under that flag, does \p{Lu}: the name itself
  // must start with a capital. A match whose capture is no known name ("… sorry. Graag een
  // andere datum. Groet, Dennis") is read again from after that word, or a match that ran to
  // the end of the text would hide the signature inside it.
  const re = new RegExp(pattern.source, pattern.flags);
  for (let m = re.exec(raw); m !== null; m = re.exec(raw)) {
    const name = m.slice(1).find((g) => g !== undefined);
    if (name !== undefined && name[0] === name[0]!.toUpperCase()) {
      const gender = genderOfName(normalise(name).text);
      if (gender !== undefined) return gender;
    }
    const at = name === undefined ? -1 : m[0].indexOf(name);
    re.lastIndex = at < 0 ? m.index + m[0].length : m.index + at + name!.length;
    if (re.lastIndex <= m.index) re.lastIndex = m.index + 1;
  }
  return undefined;
}
