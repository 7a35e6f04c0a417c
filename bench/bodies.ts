// Realistic write bodies of the learning platform, generated from a seed so every run
// measures the same bytes: enrollment remarks, feedback, instructor notes, support chats.

const REMARKS = [
  'Cursist was op tijd en heeft actief meegedaan aan de praktijkoefeningen.',
  'Graag het certificaat naar het adres van de werkgever sturen, niet naar huis.',
  'De toolbox over valbeveiliging was duidelijk, de video over steigers liep vast.',
  'Locatie Rotterdam-Zuid: parkeren achter het gebouw, ingang aan de zijkant.',
  'Deelnemer vraagt of het examen ook in het Engels kan worden afgelegd.',
  'Goede uitleg over gevaarlijke stoffen, wel wat veel theorie in het tweede blok.',
  'Werkgever betaalt de herkansing; factuur graag naar de afdeling inkoop.',
  'Praktijkdag verschoven naar donderdag vanwege het weer op de bouwplaats.',
  'The instructor explained the lifting plan well; more time for questions please.',
  'Kan de module BHV-herhaling ook online worden gevolgd in plaats van klassikaal?',
  'Hesje en helm meenemen; veiligheidsschoenen zijn verplicht bij de praktijkles.',
  'Vorige keer was de koffieautomaat kapot, verder een prima dag gehad.',
];
const NAMES = [
  'Sanne de Vries',
  'Mohamed Amrani',
  'Kees Jansen',
  'Priya Ramdin',
  'Tomasz Nowak',
  'Lotte Bakker',
];
const COURSES = [
  'VCA-B',
  'VCA-VOL',
  'BHV-basis',
  'BHV-herhaling',
  'Werken op hoogte',
  'Hoogwerker',
];

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}
const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

function enrollment(r: () => number, i: number) {
  return {
    enrollmentId: `ENR-25-${String(10000 + i)}`,
    courseCode: pick(r, COURSES),
    participant: {
      name: pick(r, NAMES),
      email: `cursist${i}@example.nl`,
      employer: 'Bouwbedrijf Jansen B.V.',
    },
    startDate: '2025-03-17',
    remark: `${pick(r, REMARKS)} ${pick(r, REMARKS)}`,
    feedback: {
      rating: 1 + Math.floor(r() * 5),
      comment: `${pick(r, REMARKS)} ${pick(r, REMARKS)} ${pick(r, REMARKS)}`,
    },
  };
}

/** A typical write of about 2 KB: an enrollment with remarks, feedback and a note thread. */
export function typicalWrite(): string {
  const r = random(7);
  const body = { ...enrollment(r, 1), notes: [] as { by: string; at: string; text: string }[] };
  while (JSON.stringify(body).length < 2000) {
    body.notes.push({ by: pick(r, NAMES), at: '2025-03-18T09:30:00Z', text: pick(r, REMARKS) });
  }
  return JSON.stringify(body);
}

// The same kind of write as typed on a phone or in a word processor: curly quotes, dashes
// and an ellipsis, and names from beyond Latin-1, as a Dutch platform's users write them.
const TYPED_REMARKS = [
  'Cursist was op tijd – en heeft actief meegedaan aan de praktijkoefeningen.',
  'Graag het certificaat naar de werkgever sturen, “niet naar huis”.',
  'De toolbox over valbeveiliging was duidelijk… de video over steigers liep vast.',
  'Deelnemer vraagt of ’t examen ook in het Engels kan worden afgelegd.',
  'Werkgever betaalt de herkansing (€ 95); factuur graag naar de afdeling inkoop.',
  'Hesje en helm meenemen — veiligheidsschoenen zijn verplicht bij de praktijkles.',
];
const TYPED_NAMES = ['Şükrü Yılmaz', 'Łukasz Wójcik', 'Zoë de Vries', 'Mohamed Amrani'];

/** A write of about 2 KB like typicalWrite, with the characters people type beyond ASCII. */
export function typedWrite(): string {
  const r = random(13);
  const body = {
    ...enrollment(r, 2),
    participant: { name: pick(r, TYPED_NAMES), email: 'cursist2@example.nl' },
    remark: `${pick(r, TYPED_REMARKS)} ${pick(r, TYPED_REMARKS)}`,
    notes: [] as { by: string; at: string; text: string }[],
  };
  while (JSON.stringify(body).length < 2000) {
    body.notes.push({
      by: pick(r, TYPED_NAMES),
      at: '2025-03-18T09:30:00Z',
      text: pick(r, TYPED_REMARKS),
    });
  }
  return JSON.stringify(body);
}

/** A text-heavy body of about 1 MB: a bulk import of enrollments with long remarks. */
export function bulkImport(): string {
  const r = random(11);
  const body = { source: 'uitzendbureau-import', rows: [] as ReturnType<typeof enrollment>[] };
  let size = 0;
  for (let i = 0; size < 1_000_000; i++) {
    const row = enrollment(r, i);
    body.rows.push(row);
    size += JSON.stringify(row).length;
  }
  return JSON.stringify(body);
}
