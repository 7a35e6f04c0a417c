#!/usr/bin/env node
// `npm run tamper`: every attack of the catalogue on a fresh trail, and what
// `dpa-guard audit verify` says of it, as a table (markdown). PostgreSQL rows too when
// DPA_GUARD_TEST_DATABASE_URL (or --db URL) names a database; each attack gets its own
// schema, dropped afterwards.
import pg from 'pg';
import {
  fileAttacks,
  makeFileTrail,
  makePgTrail,
  pgAttacks,
  verdictOf,
  verifyFile,
  verifyPg,
} from './attacks.mjs';

const dbAt = process.argv.indexOf('--db');
const databaseUrl = dbAt > 0 ? process.argv[dbAt + 1] : process.env.DPA_GUARD_TEST_DATABASE_URL;

const cell = (r) => `${verdictOf(r)} (exit ${String(r.code)})`;
const rows = [];

{
  const t = await makeFileTrail();
  const clean = [await verifyFile(t, { outside: false }), await verifyFile(t, { outside: true })];
  rows.push(['file', 'none (the trail as written)', ...clean.map(cell)]);
}
for (const attack of fileAttacks) {
  const t = await makeFileTrail();
  await Promise.resolve(attack.apply(t));
  rows.push([
    'file',
    attack.name,
    cell(await verifyFile(t, { outside: false })),
    cell(await verifyFile(t, { outside: true })),
  ]);
}

if (databaseUrl !== undefined && databaseUrl !== '') {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  let n = 0;
  const run = async (name, apply) => {
    const schema = `dpa_tamper_${String(process.pid)}_${String(n++)}`;
    try {
      const t = await makePgTrail(databaseUrl, schema);
      if (apply !== undefined) await apply(t);
      rows.push([
        'PostgreSQL',
        name,
        cell(await verifyPg(t, { outside: false })),
        cell(await verifyPg(t, { outside: true })),
      ]);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  };
  await run('none (the trail as written)');
  for (const attack of pgAttacks) await run(attack.name, attack.apply);
  await admin.end();
} else {
  process.stderr.write(
    'PostgreSQL rows left out: set DPA_GUARD_TEST_DATABASE_URL or give --db URL\n',
  );
}

const header = [
  'store',
  'tampering',
  'audit verify --public-key (own checkpoints)',
  '… --checkpoint (a copy from outside)',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
process.stdout.write(
  [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join(
    '\n',
  ) + '\n',
);
