// A bulk import of course content: lessons on first aid, workplace health and safety, as a
// training provider uploads them. Every sentence names health matters, none is about a
// person: the guard must let all of it through, and the bench measures what that costs.
// Written for this bench by the dpa-guard authors.

const MODULES = [
  'Module 1: Eerste hulp bij ongevallen',
  'Module 2: Reanimatie en AED',
  'Module 3: Epilepsie en andere aanvallen',
  'Module 4: Diabetes op de werkvloer',
  'Module 5: Allergische reacties en shock',
  'Module 6: Brandwonden en verbranding',
  'Module 7: Psychische gezondheid en werkdruk',
  'Module 8: Gevaarlijke stoffen en blootstelling',
  'Module 9: Tillen, rugklachten en ergonomie',
  'Module 10: Hitte, kou en uitdroging',
  'Unit 11: First aid for bleeding and wounds',
  'Unit 12: Stroke, heart attack and chest pain',
];

const LESSON_TITLES = [
  'Herken de signalen',
  'Wat doe je als eerste?',
  'Veelgemaakte fouten',
  'Oefencasus',
  'Samenvatting en toets',
  'Achtergrond voor de BHV-er',
  'Recognising the symptoms',
  'What to do until help arrives',
];

const SENTENCES = [
  'Een epileptische aanval duurt meestal een tot drie minuten; leg iets zachts onder het hoofd en blijf erbij.',
  'Stop nooit iets tussen de tanden van iemand die een aanval heeft.',
  'Bel 112 als een aanval langer dan vijf minuten duurt of als de persoon gewond raakt.',
  'Bij een hypo daalt de bloedsuikerspiegel snel; geef druivensuiker of een glas limonade.',
  'Diabetes type 1 en type 2 verschillen in oorzaak, maar de eerste hulp bij een hypo is gelijk.',
  'Een hartaanval herken je aan pijn op de borst die uitstraalt naar de arm, kaak of rug.',
  'Vrouwen hebben bij een hartinfarct vaker vage klachten zoals misselijkheid en vermoeidheid.',
  'Start met reanimeren als het slachtoffer niet reageert en niet normaal ademt.',
  'Druk dertig keer op het midden van de borstkas en beadem daarna twee keer.',
  'Zet de AED aan en volg de gesproken aanwijzingen; het apparaat analyseert zelf het hartritme.',
  'Een beroerte herken je met de FAST-test: gezicht, arm, spraak en tijd.',
  'Noteer het tijdstip waarop de klachten begonnen; dat bepaalt de behandeling in het ziekenhuis.',
  'Bij een anafylactische shock kan de keel binnen enkele minuten opzwellen.',
  'Help het slachtoffer met de eigen adrenalinepen en bel direct 112.',
  'Allergieën voor noten, wespensteken en medicijnen zijn de meest voorkomende oorzaken van shock.',
  'Koel een brandwond tien minuten met lauw stromend water.',
  'Verwijder geen kleding die aan de huid is vastgeplakt.',
  'Een derdegraads verbranding voelt soms pijnloos omdat de zenuwen beschadigd zijn.',
  'Een slagaderlijke bloeding spuit in golven; druk de wond direct en stevig af.',
  'Draag handschoenen om jezelf te beschermen tegen bloedoverdraagbare aandoeningen zoals hepatitis B en hiv.',
  'Een prikaccident meld je altijd bij de bedrijfsarts, ook als de wond klein lijkt.',
  'Werkdruk kan leiden tot stress, slaapproblemen en op den duur tot een burn-out.',
  'Leidinggevenden leren in deze les hoe ze signalen van overbelasting bespreekbaar maken.',
  'Depressie is een veelvoorkomende aandoening; de bedrijfsarts kan doorverwijzen naar hulp.',
  'Praat niet over de gezondheid van een collega met anderen zonder diens toestemming.',
  'Oplosmiddelen kunnen bij langdurige blootstelling het zenuwstelsel aantasten.',
  'Asbest veroorzaakt longkanker en mesothelioom, vaak pas tientallen jaren na blootstelling.',
  'Lees het veiligheidsinformatieblad voordat je met een nieuwe stof gaat werken.',
  'Til met een rechte rug en buig door de knieën om rugklachten en een hernia te voorkomen.',
  'Langdurig beeldschermwerk zonder pauze vergroot de kans op RSI-klachten in nek en schouders.',
  'Bij hittestress raakt het lichaam oververhit; zoek de schaduw en drink elk kwartier water.',
  'Onderkoeling begint met rillen en eindigt in verwardheid; breng het slachtoffer naar binnen.',
  'Zwangere medewerkers hebben recht op aangepast werk als zij met gevaarlijke stoffen werken.',
  'Gehoorschade door lawaai is blijvend; draag gehoorbescherming boven de 80 decibel.',
  'In de oefencasus valt een collega van een steiger en klaagt over pijn in de nek.',
  'Beweeg iemand met mogelijk nekletsel niet, tenzij er direct gevaar is.',
  'Een hersenschudding kan uren na de val nog klachten geven zoals hoofdpijn en braken.',
  'Astma-aanvallen worden vaak uitgelokt door stof, kou of inspanning.',
  'Help het slachtoffer rechtop te zitten en de eigen puffer te gebruiken.',
  'Na een flauwte leg je het slachtoffer plat met de benen iets omhoog.',
  'Vergiftiging door koolmonoxide geeft hoofdpijn en sufheid; zorg eerst voor frisse lucht.',
  'Bij een oogletsel door een chemische stof spoel je minstens een kwartier met water.',
  'A heart attack is not the same as cardiac arrest, although one can lead to the other.',
  'Call the emergency number first if the casualty is unresponsive and not breathing normally.',
  'Apply firm pressure to a bleeding wound and raise the injured limb if possible.',
  'Symptoms of a stroke include a drooping face, arm weakness and slurred speech.',
  'Someone having a seizure should not be restrained; time the seizure and protect their head.',
  'Diabetic emergencies can look like drunkenness, so always check for a medical bracelet.',
  'Burns should be cooled for at least ten minutes; never use ice, butter or creams.',
  'Mental health first aid teaches you to listen without judgement and to point to support.',
  'Wat doe je als een collega op de bouwplaats onwel wordt en niet meer reageert?',
  'Vraag: welke drie stappen zet je bij een bewusteloos slachtoffer?',
  'Antwoord: veiligheid controleren, bewustzijn controleren, alarmeren.',
  'Quizvraag: hoe lang koel je een brandwond? A: twee minuten, B: tien minuten, C: een uur.',
  'Deze les duurt ongeveer twintig minuten en sluit af met vijf meerkeuzevragen.',
  'In de praktijkles oefen je reanimatie op een oefenpop onder begeleiding van de trainer.',
  'Het certificaat EHBO is twee jaar geldig; daarna volg je een herhalingstraining.',
  'Een verbandtrommel op de werkplek moet compleet zijn en jaarlijks worden gecontroleerd.',
  'Kanker is geen besmettelijke ziekte; collega’s in behandeling kunnen vaak gewoon blijven werken.',
  'Suikerziekte, hoge bloeddruk en overgewicht vergroten samen het risico op hart- en vaatziekten.',
];

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}
const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

function paragraph(r: () => number, sentences: number): string {
  return Array.from({ length: sentences }, () => pick(r, SENTENCES)).join(' ');
}

interface Module {
  title: string;
  lessons: { title: string; lesson: string; quiz: { question: string; answers: string[] }[] }[];
}

/** A course of lessons, about 1 MB of JSON: titles, lesson text and quiz questions. */
export function courseImport(): string {
  const r = random(23);
  const body = {
    source: 'opleider-upload',
    course: { code: 'EHBO-BHV-2026', title: 'Eerste hulp en veilig werken' },
    modules: [] as Module[],
  };
  let size = 0;
  for (let m = 0; size < 1_000_000; m++) {
    const module: Module = { title: `${pick(r, MODULES)} (${m + 1})`, lessons: [] };
    for (let l = 0; l < 6; l++) {
      const lesson = {
        title: pick(r, LESSON_TITLES),
        lesson: paragraph(r, 6 + Math.floor(r() * 8)),
        quiz: Array.from({ length: 2 }, () => ({
          question: pick(r, SENTENCES),
          answers: [pick(r, SENTENCES), pick(r, SENTENCES)],
        })),
      };
      module.lessons.push(lesson);
      size += JSON.stringify(lesson).length;
    }
    body.modules.push(module);
  }
  return JSON.stringify(body);
}
