// The tamper catalogue: what an intruder with write access to the audit trail's directory
// (or to its PostgreSQL tables) does to it, and the trail each attack starts from. Used by
// test/audit-tamper.test.ts (every attack must be caught) and by table.mjs (the table in
// docs/audit.md and the closing note). The intruder knows the record format and hashing
// (they are public); what they do not have is the signing key.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

const dist = new URL('../../packages/sdk/dist/', import.meta.url);
const { createGuard, createPostgresStores } = await import(new URL('index.js', dist).href);
const { hashRecord, canonicalJson } = await import(new URL('audit/record.js', dist).href);
const { signCheckpoint } = await import(new URL('audit/checkpoint.js', dist).href);
const { signingKeyFrom } = await import(new URL('audit/signing-key.js', dist).href);
const { runCli } = await import(new URL('cli/run.js', dist).href);

/** Runs `dpa-guard` in this process; its exit code and output. */
export async function cli(argv, env = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c) => (out += c.toString()));
  stderr.on('data', () => undefined);
  const code = await runCli(argv, {
    stdout,
    stderr,
    stdin: Readable.from(['']),
    env,
    cwd: process.cwd(),
  });
  return { code, out: out.trim() };
}

const RECORDS = 40;

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** Writes a trail the way a platform does: decisions through a guard with a signing key. */
async function writeTrail(guard) {
  for (let i = 0; i < RECORDS; i++) {
    const body = i % 5 === 0 ? { remark: 'BSN 111222333' } : { remark: 'Graag certificaat.' };
    await guard.recordDecision(
      guard.inspect(body, { tenant: 'acme', purpose: 'provide', route: 'POST /enrollments' }),
    );
  }
}

/** A fresh, closed file trail: its data directory, the copy directory and the auditor's key. */
export async function makeFileTrail() {
  const root = mkdtempSync(join(tmpdir(), 'dpa-tamper-'));
  const keys = keyPair();
  mkdirSync(join(root, 'auditor'));
  const publicKey = join(root, 'auditor', 'audit-signing.pub');
  writeFileSync(publicKey, keys.publicPem);
  const guard = createGuard({
    policy: {
      name: 'tamper',
      document: {
        version: 't1',
        audit: {
          signing: { required: true },
          checkpoints: { everyRecords: 10, copyDir: join(root, 'copies') },
        },
      },
    },
    audit: { dir: join(root, 'data', 'audit'), signingKey: keys.privatePem },
    breach: { dir: join(root, 'data', 'breach'), logger: false },
  });
  await writeTrail(guard);
  await guard.close();
  return { root, dir: join(root, 'data', 'audit'), copies: join(root, 'copies'), publicKey };
}

// --- what the intruder does to files -------------------------------------------------------

const journal = (dir) =>
  join(
    dir,
    readdirSync(dir).find((f) => /^audit-\d+\.jsonl$/.test(f)),
  );
const readRecords = (dir) =>
  readFileSync(journal(dir), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
/** Writes records back re-linked and re-hashed from the first, and a head to match. */
function writeRelinked(dir, records) {
  let prev = '';
  const lines = records.map((r, i) => {
    const { hash: _hash, ...rest } = r;
    const record = { ...rest, seq: i + 1, prev };
    const hash = hashRecord(record);
    prev = hash;
    return canonicalJson({ ...record, hash });
  });
  writeFileSync(journal(dir), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  const last = lines.at(-1);
  writeFileSync(
    join(dir, 'audit.head'),
    JSON.stringify(last === undefined ? { seq: 0, hash: '' } : { seq: records.length, hash: prev }),
  );
}
const checkpointLines = (dir) =>
  readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8').trimEnd().split('\n');

/** Each attack on the file journal: a name, what it does, and the problem verify must name. */
export const fileAttacks = [
  {
    name: 'edit a record (a block turned into a pass), hash left as it was',
    expect: 'altered',
    apply(t) {
      const lines = readFileSync(journal(t.dir), 'utf8').split('\n');
      lines[5] = lines[5].replace('"decision":"block"', '"decision":"pass"');
      writeFileSync(journal(t.dir), lines.join('\n'));
    },
  },
  {
    name: 'edit a record, re-hash it and every later record, rewrite audit.head',
    expect: 'rewritten',
    apply(t) {
      const records = readRecords(t.dir);
      records[5] = { ...records[5], decision: 'pass', categories: [] };
      writeRelinked(t.dir, records);
    },
  },
  {
    name: 'delete every bsn block, renumber and re-hash the rest, rewrite audit.head',
    expect: 'rewritten',
    apply(t) {
      writeRelinked(
        t.dir,
        readRecords(t.dir).filter((r) => !(r.categories ?? []).includes('bsn')),
      );
    },
  },
  {
    name: 'append forged records, well chained, and move audit.head',
    expect: 'appended',
    apply(t) {
      const records = readRecords(t.dir);
      const forged = Array.from({ length: 3 }, () => ({
        ...records[1],
        time: new Date().toISOString(),
      }));
      writeRelinked(t.dir, [...records, ...forged]);
    },
  },
  {
    name: 'swap two records',
    expect: 'reordered',
    apply(t) {
      const lines = readFileSync(journal(t.dir), 'utf8').trimEnd().split('\n');
      [lines[3], lines[4]] = [lines[4], lines[3]];
      writeFileSync(journal(t.dir), `${lines.join('\n')}\n`);
    },
  },
  {
    name: 'cut records off the end and delete audit.head',
    expect: 'truncated',
    apply(t) {
      writeRelinked(t.dir, readRecords(t.dir).slice(0, RECORDS - 4));
      rmSync(join(t.dir, 'audit.head'));
    },
  },
  {
    name: "roll back: cut records and the trail's own checkpoints to an earlier checkpoint",
    expect: 'truncated',
    onlyOutside: true,
    apply(t) {
      const checkpoints = checkpointLines(t.dir).map((l) => JSON.parse(l));
      const keep = checkpoints.findIndex((c) => c.seq >= 20);
      writeFileSync(
        join(t.dir, 'checkpoints.jsonl'),
        `${checkpointLines(t.dir)
          .slice(0, keep + 1)
          .join('\n')}\n`,
      );
      writeRelinked(t.dir, readRecords(t.dir).slice(0, checkpoints[keep].seq));
      rmSync(join(t.dir, 'audit.head'));
    },
  },
  {
    name: 'delete the journal files and audit.head',
    expect: 'truncated',
    apply(t) {
      rmSync(journal(t.dir));
      rmSync(join(t.dir, 'audit.head'));
    },
  },
  {
    name: 'delete the whole audit directory',
    expect: 'empty',
    apply(t) {
      rmSync(t.dir, { recursive: true, force: true });
    },
  },
  {
    name: 'delete checkpoints.jsonl (the trail looks unsigned)',
    expect: 'unsigned',
    apply(t) {
      rmSync(join(t.dir, 'checkpoints.jsonl'));
    },
  },
  {
    name: 'rewrite records and edit the checkpoints to the new hashes',
    expect: 'forged-checkpoint',
    apply(t) {
      const records = readRecords(t.dir).filter((r) => !(r.categories ?? []).includes('bsn'));
      writeRelinked(t.dir, records);
      const rewritten = readRecords(t.dir);
      const lines = checkpointLines(t.dir).map((l) => {
        const c = JSON.parse(l);
        const record = rewritten[Math.min(c.seq, rewritten.length) - 1];
        return JSON.stringify(c.seq === 0 ? c : { ...c, seq: record.seq, hash: record.hash });
      });
      writeFileSync(join(t.dir, 'checkpoints.jsonl'), `${lines.join('\n')}\n`);
    },
  },
  {
    name: "rewrite records and re-sign every checkpoint with the intruder's own key",
    expect: 'forged-checkpoint',
    apply(t) {
      const records = readRecords(t.dir).filter((r) => !(r.categories ?? []).includes('bsn'));
      writeRelinked(t.dir, records);
      const own = signingKeyFrom(keyPair().privatePem, 'intruder');
      let previous;
      const lines = [0, records.length].map((seq, i) => {
        const end = seq === 0 ? undefined : { seq, hash: readRecords(t.dir)[seq - 1].hash };
        previous = signCheckpoint(
          {
            origin: 'dpa-guard',
            chain: '',
            end,
            time: new Date(),
            reason: i === 0 ? 'open' : 'close',
            previous,
          },
          own,
        );
        return JSON.stringify(previous);
      });
      writeFileSync(join(t.dir, 'checkpoints.jsonl'), `${lines.join('\n')}\n`);
      // …and put its public key where an auditor might look for one.
      writeFileSync(join(t.dir, 'audit-signing.pub'), own.publicKeyPem);
    },
  },
];

/** `audit verify` of a file trail: with the auditor's key, and with the copy kept outside. */
export async function verifyFile(t, { outside }) {
  return cli([
    'audit',
    'verify',
    t.dir,
    '--public-key',
    t.publicKey,
    ...(outside ? ['--checkpoint', t.copies] : []),
  ]);
}

// --- PostgreSQL ------------------------------------------------------------------------------

/** A fresh trail in its own schema: every append checkpointed in its own transaction. */
export async function makePgTrail(databaseUrl, schema) {
  const root = mkdtempSync(join(tmpdir(), 'dpa-tamper-pg-'));
  const keys = keyPair();
  const publicKey = join(root, 'audit-signing.pub');
  writeFileSync(publicKey, keys.publicPem);
  const stores = createPostgresStores({ connectionString: databaseUrl, schema });
  const guard = createGuard({
    policy: {
      name: 'tamper',
      document: {
        version: 't1',
        audit: {
          signing: { required: true },
          checkpoints: { copyDir: join(root, 'copies') },
        },
      },
    },
    audit: { journal: stores.audit, signingKey: keys.privatePem },
    breach: { dir: join(root, 'breach'), logger: false },
  });
  await writeTrail(guard);
  await guard.close();
  await stores.close();
  return { root, schema, databaseUrl, copies: join(root, 'copies'), publicKey };
}

async function sql(t, work) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: t.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await work((text, params) => client.query(text.replaceAll('$S', `"${t.schema}"`), params));
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

async function rewriteChain(q, edit) {
  const { rows } = await q(`SELECT record FROM $S.audit_log WHERE tenant = 'acme' ORDER BY seq`);
  const records = edit(rows.map((r) => r.record));
  await q(`DELETE FROM $S.audit_log WHERE tenant = 'acme'`);
  let prev = '';
  for (const [i, r] of records.entries()) {
    const { hash: _hash, ...rest } = r;
    const record = { ...rest, seq: i + 1, prev };
    prev = hashRecord(record);
    await q(`INSERT INTO $S.audit_log (tenant, seq, record) VALUES ('acme', $1, $2)`, [
      i + 1,
      JSON.stringify({ ...record, hash: prev }),
    ]);
  }
  await q(`UPDATE $S.audit_head SET seq = $1, hash = $2 WHERE tenant = 'acme'`, [
    records.length,
    prev,
  ]);
}

export const pgAttacks = [
  {
    name: 'UPDATE a record (a block turned into a pass), hash left as it was',
    expect: 'altered',
    apply: (t) =>
      sql(t, (q) =>
        q(
          `UPDATE $S.audit_log SET record = jsonb_set(record, '{decision}', '"pass"') WHERE tenant = 'acme' AND seq = 6`,
        ),
      ),
  },
  {
    name: 'rewrite the chain in one transaction: re-hash every record, update audit_head',
    expect: 'rewritten',
    apply: (t) =>
      sql(t, (q) =>
        rewriteChain(q, (rs) => rs.map((r, i) => (i === 5 ? { ...r, decision: 'pass' } : r))),
      ),
  },
  {
    name: 'delete every bsn block, renumber and re-hash, update audit_head',
    expect: 'rewritten',
    apply: (t) =>
      sql(t, (q) =>
        rewriteChain(q, (rs) => rs.filter((r) => !(r.categories ?? []).includes('bsn'))),
      ),
  },
  {
    name: 'INSERT forged rows, well chained, and move audit_head',
    expect: 'appended',
    apply: (t) => sql(t, (q) => rewriteChain(q, (rs) => [...rs, { ...rs[1] }, { ...rs[2] }])),
  },
  {
    name: 'DELETE the last rows and move audit_head back',
    expect: 'truncated',
    apply: (t) => sql(t, (q) => rewriteChain(q, (rs) => rs.slice(0, RECORDS - 4))),
  },
  {
    name: 'roll back: DELETE the last rows and their checkpoints, move audit_head back',
    expect: 'truncated',
    onlyOutside: true,
    apply: (t) =>
      sql(t, async (q) => {
        await rewriteChain(q, (rs) => rs.slice(0, 20));
        await q(`DELETE FROM $S.audit_checkpoint WHERE tenant = 'acme' AND seq > 20`);
      }),
  },
  {
    name: 'DELETE every audit row, checkpoint and head',
    expect: 'empty',
    apply: (t) =>
      sql(t, async (q) => {
        await q(`DELETE FROM $S.audit_log`);
        await q(`DELETE FROM $S.audit_checkpoint`);
        await q(`DELETE FROM $S.audit_head`);
      }),
  },
  {
    name: 'DELETE the checkpoints (the chain looks unsigned)',
    expect: 'unsigned',
    apply: (t) => sql(t, (q) => q(`DELETE FROM $S.audit_checkpoint`)),
  },
  {
    name: 'rewrite the chain and UPDATE the checkpoints to the new hashes',
    expect: 'forged-checkpoint',
    apply: (t) =>
      sql(t, async (q) => {
        await rewriteChain(q, (rs) => rs.map((r, i) => (i === 5 ? { ...r, decision: 'pass' } : r)));
        const { rows } = await q(
          `SELECT seq, record->>'hash' AS hash FROM $S.audit_log WHERE tenant = 'acme'`,
        );
        for (const row of rows)
          await q(
            `UPDATE $S.audit_checkpoint SET checkpoint = jsonb_set(checkpoint, '{hash}', to_jsonb($1::text)) WHERE tenant = 'acme' AND seq = $2`,
            [row.hash, row.seq],
          );
      }),
  },
];

export async function verifyPg(t, { outside }) {
  return cli([
    'audit',
    'verify',
    '--db',
    t.databaseUrl,
    '--schema',
    t.schema,
    '--public-key',
    t.publicKey,
    ...(outside ? ['--checkpoint', t.copies] : []),
  ]);
}

/** The problem kind `audit verify` named ("valid" when it found none). */
export function verdictOf(result) {
  const broken = /^BROKEN \([^)]*\): ([a-z-]+) /m.exec(result.out);
  return broken === null ? 'valid' : broken[1];
}
