import { describe, expect, it } from 'vitest';
import { createGuard } from '../guard.js';
import type { FieldRule } from '../policy/types.js';
import { DEFAULT_POLICY } from '../policy/defaults.js';
import { DetectionEngine, sharedPrefilter } from './engine.js';
import { lexicons } from './lexicon.js';
import { normalise } from './normalise.js';
import { wordsOf } from './words.js';

const guard = createGuard();
const categoriesOf = (value: unknown) =>
  guard
    .inspect(value)
    .findings.map((f) => `${f.category} ${f.path}`)
    .sort();

describe('special categories: statements about a person, not the topic', () => {
  it.each([
    ['ik ben ziek gemeld', 'health'],
    ['Cursist zit in detentie en kan de praktijkdag niet bijwonen.', 'criminal'],
    ['Mijn collega heeft last van rugklachten na de tilles.', 'health'],
    ['Na mijn chemokuur wil ik de cursus graag afmaken.', 'health'],
    ['Ze is zwanger en mag niet op de steiger.', 'health'],
    ['I am a member of the trade union at our site.', 'trade_union'],
    ['He was diagnosed with epilepsy last year.', 'health'],
    // An ankle monitor worn, beside an ankle ligament torn.
    ['Hij heeft tot juni een enkelband om, dus na 22u niet inplannen.', 'criminal'],
    ['Ik heb mijn enkelband gescheurd en moet zes weken rusten.', 'health'],
    // A strong ending inside a compound, after its first part ("*kanker").
    ['Ik zit midden in een longkankeronderzoek, dinsdag kan ik niet.', 'health'],
    // Acronyms written letter by letter, and a picture for a word.
    ['Ik ben lid van de F.N.V. en wil de cao-dagen vrij.', 'trade_union'],
    ['Vrijdag moet ik om 13u naar de 🕌, kan de les later?', 'religion'],
  ])('finds %j as %s', (text, category) => {
    expect(categoriesOf({ note: text })).toEqual([`${category} /note`]);
  });

  it.each([
    ['Ik ben atheïst.', 'religion'],
    ['Ik heb coëliakie en eet glutenvrij.', 'health'],
    ['Mijn vader is hindoeïstisch.', 'religion'],
  ])('finds %j decomposed (NFD) just as composed', (text, category) => {
    const decomposed = text.normalize('NFD');
    expect(decomposed).not.toBe(text.normalize('NFC'));
    expect(categoriesOf({ note: text.normalize('NFC') })).toEqual([`${category} /note`]);
    expect(categoriesOf({ note: decomposed })).toEqual([`${category} /note`]);
  });

  it.each([
    'Module BHV: reanimatie en AED-gebruik.',
    'Herken de symptomen van hittestress en weet wat te doen.',
    'In deze les leer je hoe je een collega met een hartaanval helpt.',
    'Onze privacyverklaring noemt bijzondere persoonsgegevens zoals gezondheid en religie.',
    'De vingerafdrukscanner bij de ingang is vervangen door een nieuw apparaat.',
    'Asbest kan longkanker veroorzaken; draag een masker.',
  ])('lets course content and policy text pass: %j', (text) => {
    expect(categoriesOf({ description: text })).toEqual([]);
  });

  it('counts a term for less in a course-content field than in a remark', () => {
    const text = 'Werknemer met diabetes: wat doe je bij een hypo?';
    expect(categoriesOf({ lesson: { body: text } })).toEqual([]);
  });

  it('reads all below a course field as course content, up to a field that holds a person', () => {
    const option = 'Een slagaderlijke bloeding: druk de wond direct en stevig af.';
    const course = (remark: unknown) => ({
      modules: [{ lessons: [{ quiz: [{ answers: [option, option] }], ...(remark as object) }] }],
    });
    expect(categoriesOf(course({}))).toEqual([]);
    expect(
      categoriesOf(course({ opmerking: 'Cursist Jan heeft epilepsie en mist de praktijkles.' })),
    ).toEqual(['health /modules/0/lessons/0/opmerking']);
    expect(
      categoriesOf(
        course({ deelnemers: [{ toelichting: 'Ik heb zelf diabetes, dus ik ken hypo’s.' }] }),
      ),
    ).toEqual(['health /modules/0/lessons/0/deelnemers/0/toelichting']);
  });

  it('reads a phrase of one category over a word of another inside it', () => {
    // "enkelband" alone is an ankle monitor (criminal); torn, it is an ankle ligament.
    expect(
      categoriesOf({ note: 'Ik heb vorige week mijn enkelband gescheurd bij het voetballen.' }),
    ).toEqual(['health /note']);
    expect(categoriesOf({ note: 'Hij draagt sinds zijn veroordeling een enkelband.' })).toEqual([
      'criminal /note',
    ]);
    // Two words read as one ("enkelband en" as "enkelbanden") do not push out the term as
    // written.
    expect(
      categoriesOf({ note: 'Ik heb een enkelband en moet om 20:00 thuis zijn, mag het online?' }),
    ).toEqual(['criminal /note']);
    // Nor is a word joined to a word of two letters: "vast en" is no "vasten".
    expect(categoriesOf({ note: 'De printer zit vast en de les begint zo.' })).not.toContain(
      'religion /note',
    );
  });

  it('reads origin told through family, for every family word and every place', () => {
    // No list holds these combinations: the templates meet each family word with each place.
    expect(categoriesOf({ note: 'Mijn oma komt oorspronkelijk uit Kaapverdië.' })).toEqual([
      'ethnicity /note',
    ]);
    expect(categoriesOf({ note: 'Beide ouders zijn geboren in Ghana.' })).toEqual([
      'ethnicity /note',
    ]);
    expect(categoriesOf({ note: 'Born in Amsterdam, my parents are from Nigeria.' })).toEqual([
      'ethnicity /note',
    ]);
    // A place without a family says no origin, nor does half of a place at home.
    expect(categoriesOf({ note: 'De levering komt uit Polen.' })).toEqual([]);
    expect(categoriesOf({ note: 'Mijn vader komt uit Zuid-Limburg.' })).toEqual([]);
  });

  it('reads a party whose name is an ordinary word only when a person joins, campaigns or votes for it', () => {
    // Sentences no corpus writer wrote: every membership, campaign and vote word meets every party.
    for (const note of [
      'Ik kan woensdag niet, ik ga flyeren voor de SP in Deventer.',
      'Ik ben sinds vorig jaar lid van Volt.',
      'Wij hebben allebei op de PvdD gestemd.',
      "I'm local councillor for AUR, the council meets on Thursdays.",
    ])
      expect(categoriesOf({ note }), note).toEqual(['political /note']);
    // The same words without a party, or a party's letters that are something else.
    for (const note of [
      'Ik ben lid van het forum van de cursus, waar kan ik mijn vraag stellen?',
      'We moeten nog stemmen over de datum, denk ik.',
      'De accu levert 12 volt, sluit eerst de min aan.',
    ])
      expect(categoriesOf({ note }), note).toEqual([]);
    // The screen looks for a party's name with the phrase's other words: a lesson full of
    // 'actief' and 'bij' but no party stays on the fast path.
    expect(sharedPrefilter().mayHold('Hij was actief bij de oefening en stond bij de deur.')).toBe(
      false,
    );
    expect(sharedPrefilter().mayHold('Hij is actief bij de SP.')).toBe(true);
  });

  it('reads a face or finger said to be scanned, stored or matched, however it is put', () => {
    expect(
      categoriesOf({ klacht: 'De proctoring-app heeft mijn gezicht opgeslagen als referentie.' }),
    ).toEqual(['biometric /klacht']);
    expect(
      categoriesOf({ note: 'My fingerprint was not recognised at the gate this morning.' }),
    ).toEqual(['biometric /note']);
  });

  it('gives the model the shape of the words around a term, not only the words', () => {
    const engine = new DetectionEngine(DEFAULT_POLICY.detection);
    const shapes = (text: string) => {
      const out = new Set<string>();
      engine.detect({ text }, (_, c) => {
        for (const n of c.features.names ?? []) if (n.startsWith('sh:')) out.add(n);
      });
      return [...out];
    };
    // A name and a verb before the term; a heading's generic word and a number.
    expect(shapes('Noor heeft epilepsie, zie map')).toContain('sh:^Cv_');
    expect(shapes('Module 4: Diabetes op de werkvloer')).toContain('sh:^gD_');
  });

  it("gives the model the other field names of a value's object", () => {
    const engine = new DetectionEngine(DEFAULT_POLICY.detection);
    const names: string[] = [];
    engine.detect({ module: 'EHBO', lesson: 'Herken diabetes', duur: 20 }, (_, c) =>
      names.push(...(c.features.names ?? [])),
    );
    expect(names).toEqual(expect.arrayContaining(['nk:module', 'nk:duur']));
    expect(names).not.toContain('nk:lesson');
  });

  it('reads a phrase whose verb Dutch splits around other words', () => {
    expect(categoriesOf({ note: 'Hij zit sinds maart vast, dus hij kan niet komen.' })).toEqual([
      'criminal /note',
    ]);
    expect(categoriesOf({ note: 'Sinds ik uit de kast ben gekomen is de sfeer beter.' })).toEqual([
      'sexual_orientation /note',
    ]);
  });

  it('reads no term inside an idiom, and the word outside one', () => {
    expect(categoriesOf({ note: 'ik geloof dat de herhaling op 12 juni is, klopt dat?' })).toEqual(
      [],
    );
    expect(categoriesOf({ note: 'Docent Harold is crimineel goed in uitleggen.' })).toEqual([]);
    expect(categoriesOf({ note: 'Ik geloof in God en bid elke ochtend voor de dienst.' })).toEqual([
      'religion /note',
    ]);
  });

  it('lets negation pull a term down', () => {
    expect(categoriesOf({ note: 'Geen strafblad, VOG is afgegeven.' })).toEqual([]);
  });

  it('reads inflections and compounds through diacritics and case', () => {
    expect(categoriesOf({ note: 'Hij heeft ZIEKMELDINGEN ingediend wegens nekklachten.' })).toEqual(
      ['health /note'],
    );
    expect(
      categoriesOf({ note: 'Zij is katholiek opgevoed en gaat elke week naar de kerk.' }),
    ).toEqual(['religion /note']);
  });

  it('treats a field named for a category as that category, unless the answer is "none"', () => {
    expect(categoriesOf({ profile: { vakbond: 'CNV' } })).toEqual(['trade_union /profile/vakbond']);
    expect(categoriesOf({ profile: { q3_herkomst: 'Marokkaans' } })).toEqual([
      'ethnicity /profile/q3_herkomst',
    ]);
    expect(categoriesOf({ profile: { vakbond: 'nee', religie: '' } })).toEqual([]);
    // A refusal, a share of a group, a field that asks or configures: no one's data.
    expect(
      categoriesOf({
        monitor: { geloofsovertuiging: 'zeg ik liever niet', vakbondslid: 'weet niet' },
      }),
    ).toEqual([]);
    expect(categoriesOf({ rapportage: { geloof_beantwoord: '31%' } })).toEqual([]);
    expect(categoriesOf({ course_config: { medical_check_required: true } })).toEqual([]);
    expect(categoriesOf({ form: { toestemming_vingerafdruk: 'ja' } })).toEqual([]);
    expect(categoriesOf({ medical: { allergy: true } })).toEqual(['health /medical/allergy']);
    // None said in other words, declined, switched off, or the form's own question.
    expect(
      categoriesOf({
        intake: {
          geloof_feestdagen: 'geen voorkeur',
          zwanger: 'niet van toepassing',
          herkomst: 'wil ik niet invullen',
          biometrie: 'uit',
          vingerafdruk: 'geen (pas gebruikt)',
        },
        i18n: { nl: { zwanger: 'Bent u zwanger?' }, en: { vakbond: 'Trade union member?' } },
      }),
    ).toEqual([]);
    expect(categoriesOf({ profiel: { vakbondslid: 1 } })).toEqual([
      'trade_union /profiel/vakbondslid',
    ]);
  });

  it("reads a form's short answer as what its question asks", () => {
    const form = (vraag: string, antwoord: string) => ({ vragenlijst: [{ vraag, antwoord }] });
    expect(categoriesOf(form('Bent u lid van een vakbond?', 'Ja, CNV'))).toContain(
      'trade_union /vragenlijst/0/antwoord',
    );
    expect(categoriesOf(form('Wat is uw afkomst? (vrijwillig)', 'Surinaams'))).toContain(
      'ethnicity /vragenlijst/0/antwoord',
    );
    // "None", and a question that names no category, say nothing.
    expect(categoriesOf(form('Bent u lid van een vakbond?', 'nee'))).toEqual([]);
    expect(categoriesOf(form('Heeft u een rijbewijs B?', 'ja'))).toEqual([]);
  });

  it('reads an encoding in a template field as a biometric template, and words there as words', () => {
    for (const template of [
      '9f3c1ad07e44b2a8c6d1e0f57a93b210',
      'FMR:3f9a0c71b2e84d5566aa09f1c3',
      'f4:1a:9c:e2:77:0b:3d:58:aa:91',
      'Rk1SACAyMAAAAAFiAAABQAHgAMUAxQEAAAAo',
    ])
      expect(categoriesOf({ toegang: { templateHash: template } }), template).toEqual([
        'biometric /toegang/templateHash',
      ]);
    for (const value of ['Beste {voornaam}, je afspraak staat', 'VCA-B-2025', 'welkomstmail-v2'])
      expect(categoriesOf({ mail: { template: value } }), value).toEqual([]);
    // A trait's own field holds its template: an encoding, a vector, a hash cut short.
    expect(categoriesOf({ p: { irisHash: '9f3ac1e0b77d42aa8c0e51b3f6d9a271' } })).toEqual([
      'biometric /p/irisHash',
    ]);
    expect(categoriesOf({ p: { gezichtsvector: '[0.0213, -0.1182, 0.0931, 0.2210]' } })).toEqual([
      'biometric /p/gezichtsvector',
    ]);
    expect(categoriesOf({ p: { iris_hash: 'b7c1e9...44a' } })).toEqual(['biometric /p/iris_hash']);
    // A hash of a file, a vote's code: no trait.
    expect(categoriesOf({ file: { hash: '9f3ac1e0b77d42aa8c0e51b3f6d9a271' } })).toEqual([]);
    expect(categoriesOf({ p: { stemcode: '4471' } })).toEqual([]);
  });

  it('reads a refusal in a VOG field as criminal data, and a VOG asked for or received as none', () => {
    expect(categoriesOf({ medewerkers: [{ vog_status: 'Geweigerd' }] })).toEqual([
      'criminal /medewerkers/0/vog_status',
    ]);
    for (const value of ['aangevraagd', 'ontvangen', 'in behandeling'])
      expect(categoriesOf({ medewerkers: [{ vog_status: value }] }), value).toEqual([]);
    // A refused security clearance (VGB) stands on the same record; a field of only the
    // outcome is read by the field around it.
    expect(categoriesOf({ pasbureau: { kandidaat: 'K. Mulder', vgb: 'geweigerd' } })).toEqual([
      'criminal /pasbureau/vgb',
    ]);
    expect(categoriesOf({ VOG: { aanvrager: 'A. Haidari', status: 'ontvangen' } })).toEqual([]);
    expect(categoriesOf({ bestelling: { status: 'afgewezen' } })).toEqual([]);
  });

  it('reads a pasted table: a column named for a category names its cells, and no more', () => {
    // (A table is read where the screen sends its text for something else: here its BSN column.)
    const csv = (rows: string) => ({
      import: `voornaam;bsn;geboorteland ouders\n${rows}`,
    });
    expect(categoriesOf(csv('Mehmet;;Turkije/Turkije\nSanne;;'))).toEqual(['ethnicity /import']);
    // Column names over empty cells say nothing about anyone.
    expect(categoriesOf(csv('Mehmet;;\nSanne;;-'))).toEqual([]);
    expect(
      categoriesOf({ paste: 'naam;vakbond;opmerking\nDe Graaf, Ellen;;\nVink, Jasper;;' }),
    ).toEqual([]);
  });

  it('gives a weak term weight in a field that gives it context', () => {
    expect(categoriesOf({ absence: [{ reason: 'ziek' }] })).toEqual(['health /absence/0/reason']);
    expect(categoriesOf({ course: [{ reason: 'ziek' }] })).toEqual([]);
  });

  it('reports each category once per value, with its rule and confidence', () => {
    const [finding, ...rest] = guard.inspect({
      note: 'Ik ben moslim en vast tijdens de ramadan; ik heb ook diabetes.',
    }).findings;
    expect(rest).toHaveLength(1);
    expect(finding).toMatchObject({ path: '/note', rule: expect.stringMatching(/\./) });
    expect(finding!.confidence).toBeGreaterThanOrEqual(0.5);
  });
});

describe('policy field rules narrow and widen where categories are looked for', () => {
  const withRules = (fields: FieldRule[]) =>
    createGuard({
      policy: [{ name: 'rules.json', document: { version: 'r1', detection: { fields } } }],
    });

  it('never-inspect skips a field (for the named categories only)', () => {
    const guard = withRules([
      { pointer: '/course/**', action: 'never-inspect', categories: ['health'] },
    ]);
    const body = {
      course: { notes: 'Cursist heeft diabetes; zijn bsn is 111222333' },
      note: 'Cursist heeft diabetes',
    };
    expect(
      guard
        .inspect(body)
        .findings.map((f) => `${f.category} ${f.path}`)
        .sort(),
    ).toEqual(['bsn /course/notes', 'health /note']);
  });

  it('always-inspect finds a term even in course content', () => {
    const body = { lesson: { body: 'Werknemer met diabetes: wat doe je bij een hypo?' } };
    expect(createGuard().inspect(body).findings).toEqual([]);
    const guard = withRules([{ pointer: '/lesson/*', action: 'always-inspect' }]);
    expect(guard.inspect(body).findings.map((f) => f.category)).toEqual(['health']);
  });
});

describe("a same-sex partner, when the body gives the writer's gender", () => {
  it.each([
    [
      { geslacht: 'man', opmerking: 'Mijn man haalt me op na de cursus.' },
      ['sexual_orientation /opmerking'],
    ],
    [
      { profile: { gender: 'female' }, note: 'My wife will attend the graduation.' },
      ['sexual_orientation /note'],
    ],
    [
      { gender: 'M', chat: ['Mijn vriend en ik zijn verloofd, dus ik wil de cursus eerder doen.'] },
      ['sexual_orientation /chat/0'],
    ],
    // The writer names or describes themselves in the text, or a relation field says it.
    [
      { msg: 'Hoi, Pieter hier. Mijn man en ik willen in dezelfde groep.' },
      ['sexual_orientation /msg'],
    ],
    [
      { msg: 'Mijn man haalt me op, sorry voor de haast. - Tom Williams' },
      ['sexual_orientation /msg'],
    ],
    [{ msg: 'We are a couple (two guys, yes), same group please?' }, ['sexual_orientation /msg']],
    [
      { naam: 'Kees de Vries', noodcontact: { relatie: 'echtgenoot' } },
      ['sexual_orientation /noodcontact/relatie'],
    ],
    // A signature of another greeting; a parent saying who they are; two parents of one
    // gender; someone else's partner with a word of a relationship.
    [
      { msg: 'Mijn vrouw Esther en ik zijn verhuisd. Groetjes, Lotte' },
      ['sexual_orientation /msg'],
    ],
    [{ msg: "This is Tom's dad. My husband Mark will pick him up." }, ['sexual_orientation /msg']],
    [{ msg: 'Wij zijn samen de moeders van Jesse.' }, ['sexual_orientation /msg']],
    [{ msg: 'Ik (Kees, 52) en mijn man Peter doen samen de cursus.' }, ['sexual_orientation /msg']],
    [
      { msg: 'Ik ga met mijn vriendin samenwonen (ik ben zelf ook een vrouw dus).' },
      ['sexual_orientation /msg'],
    ],
    [{ reden: 'Bruiloft van mijn broer en zijn vriend Bas.' }, ['sexual_orientation /reden']],
    // A message's sender names the writer of the text beside it, whoever else writes in the
    // thread; a spouse named; the writer's partner in the words of another language.
    [
      {
        chat: [
          { from: 'Anna Visser', text: 'Mijn man komt ook.' },
          { from: 'Mark de Vries', text: 'mn man haalt me op om 5' },
        ],
      },
      ['sexual_orientation /chat/1/text'],
    ],
    [
      { naam: 'Marloes Bos', over_mij: 'Getrouwd met Eva, twee kinderen.' },
      ['sexual_orientation /over_mij'],
    ],
    [
      { perfil: { nombre: 'Carlos Gómez', contacto: { relacion: 'mi marido' } } },
      ['sexual_orientation /perfil/contacto/relacion'],
    ],
    [
      { name: 'Anna Vogel', bemerkung: 'Meine Frau macht den Kurs auch.' },
      ['sexual_orientation /bemerkung'],
    ],
    // A flat record inside another: its own name stands for the writer.
    [{ data: { naam: 'Jan Bakker', relatie: 'echtgenoot' } }, ['sexual_orientation /data/relatie']],
    // The writer says both are of one gender, or sets the partner against the one expected;
    // a signature with an initial and a role; "X here".
    [
      { msg: 'Mijn vriend en ik (we zijn allebei mannen) willen samen.' },
      ['sexual_orientation /msg'],
    ],
    [
      { msg: 'Ze pesten me omdat ik een vriend heb in plaats van een vriendin.' },
      ['sexual_orientation /msg'],
    ],
    [
      { msg: 'Mag ik vrij? Mijn man en ik trouwen in mei. - Kevin B., chauffeur' },
      ['sexual_orientation /msg'],
    ],
    [
      { msg: 'Mark here - my husband and I have a hearing on Tuesday.' },
      ['sexual_orientation /msg'],
    ],
    [
      { msg: 'mn vriend en ik (ja ik ben ook een gast) doen de cursus samen' },
      ['sexual_orientation /msg'],
    ],
    // A relationship with someone of a gender, by its subject.
    [{ note: 'Ze vertelde dat ze een relatie heeft met een vrouw.' }, ['sexual_orientation /note']],
    [
      { note: 'Joyce heeft al een jaar verkering met een meisje van de klant.' },
      ['sexual_orientation /note'],
    ],
    [
      { klacht: 'Als vrouw met een vrouw getrouwd voelde ik me niet welkom.' },
      ['sexual_orientation /klacht'],
    ],
    [
      { note: 'Stefan vertelde dat hij met zijn vriend Tim samenwoont.' },
      ['sexual_orientation /note'],
    ],
    // Both said to be of one gender in the singular; the writer's own gender without an
    // article; the partner set against the one denied; a marriage told in inverted order.
    [{ msg: 'Mijn vriend Rik en ik zijn allebei man en getrouwd.' }, ['sexual_orientation /msg']],
    [{ msg: 'Mijn vrouw en ik (ik ben zelf ook vrouw) doen mee.' }, ['sexual_orientation /msg']],
    [{ msg: 'My girlfriend and I (I am a woman too) both enrol.' }, ['sexual_orientation /msg']],
    [
      { msg: 'nee ik heb geen vriendin, ik heb een vriend. hij komt mee' },
      ['sexual_orientation /msg'],
    ],
    [
      { naam: 'Bram', msg: 'Vrijdag ben ik er niet, dan trouw ik eindelijk met Jeroen.' },
      ['sexual_orientation /msg'],
    ],
    // A signature after a sentence that runs to the end of the text: the name is still read.
    [
      {
        msg: 'Op 7 juni trouwen mijn vriend Mark en ik. Graag een andere datum.\n\nGroet,\nDennis',
      },
      ['sexual_orientation /msg'],
    ],
    // A partner by name with a possessive of the same gender; a couple by both names.
    [
      { overdracht: 'Meneer Smit krijgt elke zondag bezoek van zijn partner Wim.' },
      ['sexual_orientation /overdracht'],
    ],
    [
      { opmerking: 'Fleur en Iris zijn getrouwd, allebei gezag.' },
      ['sexual_orientation /opmerking'],
    ],
    [{ notitie: 'Dhr. en Henk zijn 41 jaar samen.' }, ['sexual_orientation /notitie']],
    [
      { naam: 'Sven de Boer', noodcontact: 'Martijn (partner) 0611209384' },
      ['sexual_orientation /noodcontact'],
    ],
    [
      { kamer: 'Erik Lammers en zijn vriend Bas (stel), tweepersoonsbed' },
      ['sexual_orientation /kamer'],
    ],
  ])('finds %j', (body, expected) => {
    expect(categoriesOf(body)).toEqual(expected);
  });

  it.each([
    { geslacht: 'man', opmerking: 'Mijn vrouw haalt me op.' },
    { geslacht: 'vrouw', opmerking: 'Mijn man haalt me op.' },
    { opmerking: 'Mijn man haalt me op.' },
    { geslacht: 'man', opmerking: 'Mijn vriend komt ook naar de cursus.' },
    { msg: 'Hoi, Anouk hier. Mijn man en ik willen in dezelfde groep.' },
    { naam: 'Anna de Vries', noodcontact: { relatie: 'echtgenoot' } },
    { msg: 'De mannen van ploeg 3 doen de cursus samen.' },
    { msg: 'Mijn vrouw haalt me op. Groetjes, Pieter' },
    { msg: 'Jeroen gaat met zijn vriend naar de film.' },
    { msg: 'De moeders van de cursisten zijn welkom op de diploma-uitreiking.' },
    { msg: "This is Tom's mum. My husband Mark will pick him up." },
    // A relation field's own object names the partner, not the writer.
    { employee: 'Dmytro Kovalenko', contact: { name: 'Olena Kovalenko', relationship: 'wife' } },
    {
      chat: [
        { from: 'Anna Visser', text: 'mn man haalt me op' },
        { from: 'Mark', text: 'ok' },
      ],
    },
    { naam: 'Marloes Bos', over_mij: 'Getrouwd met Peter, twee kinderen.' },
    // Someone else married; "trouwens" is "by the way".
    { auteur: 'Kees Smit', notitie: 'Mijn zus is getrouwd met Piet.' },
    { from: 'Jan Bakker', text: 'Mijn vriend komt trouwens ook mee.' },
    // A pair of friends, a relationship of the other gender or of someone of none said.
    { msg: 'Als man voel ik me daar niet welkom, mijn vriend ook niet.' },
    { note: 'Hij heeft een relatie met een vrouw uit Gent.' },
    { from: 'Sanne de Vries', text: 'Mijn zoon heeft een date met een meisje.' },
    { note: 'Een collega heeft een relatie met een vrouw van de klant.' },
    { les: 'In de casus starten een man en een vrouw samen een bedrijf.' },
    // Two people who did something together; a partner of the other gender by name.
    { msg: 'Jan en Piet zijn samen naar de les geweest, hun partner komt ook.' },
    { notitie: 'Meneer Smit krijgt elke zondag bezoek van zijn partner Els.' },
    { notitie: 'Kees en Anna zijn 41 jaar samen.' },
    { naam: 'Anna de Vries', noodcontact: 'Martijn (partner) 0611209384' },
  ])('finds nothing in %j', (body) => {
    expect(categoriesOf(body)).toEqual([]);
  });
});

describe('typos', () => {
  const matches = (text: string) =>
    lexicons()
      .terms.find(wordsOf(normalise(text).text), true)
      .map((m) => `${m.entry.term} ${m.match}`);

  it('reads a word one letter from a term as that term, unless it is a word itself', () => {
    expect(matches('ik gebruik een inhalerr')).toContain('inhaler fuzzy');
    // Everyday words and country names are spelled right: no typo is read in them.
    for (const text of [
      'kan ik de les inhalen?',
      'ik ben lid geworden',
      'welke functie heb je?',
      'we reisden door Suriname',
    ])
      expect(
        matches(text).filter((m) => m.endsWith(' fuzzy')),
        text,
      ).toEqual([]);
  });
});

describe('origin by template', () => {
  const categoriesFound = (text: string) =>
    new Set(
      lexicons()
        .terms.find(wordsOf(normalise(text).text), true)
        .map((m) => m.entry.payload.category),
    );

  it("reads someone's family named before where they come from", () => {
    for (const text of [
      'Ouders van Daniel komen oorspronkelijk uit Eritrea.',
      'Moeder van mijn collega Priya komt uit Suriname.',
      'The parents of my colleague are from Ghana.',
    ])
      expect(categoriesFound(text).has('ethnicity'), text).toBe(true);
    // A family word and a place that are not about anyone's origin.
    expect(
      categoriesFound('De ouders van de cursisten zijn welkom in Utrecht.').has('ethnicity'),
    ).toBe(false);
  });
});

describe('course content by its field', () => {
  const engine = new DetectionEngine(DEFAULT_POLICY.detection);
  const readAsCourse = (value: unknown) => {
    const seen: boolean[] = [];
    engine.detect(value, (_, c) => {
      if (c.category !== 'bsn') seen.push(c.features.names?.includes('course') === true);
    });
    return seen;
  };

  it("reads a script's, storyboard's, glossary's, FAQ's or quiz's text as course content", () => {
    const text = 'Yusuf heeft epilepsie en krijgt een aanval op de steiger.';
    for (const key of ['storyboard', 'videoScript', 'glossary', 'faq', 'quizItems', 'scenes'])
      expect(new Set(readAsCourse({ [key]: [{ text }] })), key).toEqual(new Set([true]));
    expect(new Set(readAsCourse({ bericht: text }))).toEqual(new Set([false]));
  });
});
