import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson, type AuditEntry } from '../audit/record.js';
import { DpaGuardError } from '../errors.js';
import type { LegalHold } from '../policy/types.js';
import { syncDirectory, writeDurably } from '../storage/durable-file.js';
import type { Requester } from './requests.js';
import { failureOf, type StoreRegistry, type StoredRecord } from './store.js';

export interface ManifestFile {
  store: string;
  records: number;
  jsonl: { file: string; sha256: string };
  csv: { file: string; sha256: string };
}

/** What was exported, with checksums: the controller's copy (clause 12.2). */
export interface Manifest {
  tenant: string;
  exportedAt: string;
  policyVersion: string;
  files: ManifestFile[];
}

export interface OffboardResult {
  tenant: string;
  dir: string;
  /** erased: everything not held is gone; export-failed: nothing was erased; partial: some erasures failed. */
  status: 'erased' | 'export-failed' | 'partial';
  manifest?: Manifest;
  erased: { store: string; records: number }[];
  held: LegalHold[];
  failed: { store: string; stage: 'export' | 'verify' | 'erase'; error: string }[];
  /** The deletion certificate's path, once written. */
  certificate?: string;
  /** After a failed export: its partial files were removed, none stays behind. */
  files?: 'removed';
}

export interface OffboardContext {
  stores: StoreRegistry;
  holds: readonly LegalHold[];
  record: (entry: AuditEntry) => Promise<unknown>;
  clock: () => Date;
  policyVersion: string;
}

/**
 * Offboards a tenant (clause 12.2): exports every registered store's data for it as JSON
 * Lines and CSV with a manifest of checksums, reads the files back to verify them (every
 * record must come back), and only then erases what no legal hold keeps, writing a
 * deletion certificate. An export or verification that fails erases nothing.
 */
export async function offboard(
  tenant: string,
  options: { dir: string; requestedBy: Requester },
  context: OffboardContext,
): Promise<OffboardResult> {
  if (options.requestedBy?.role !== 'controller' || options.requestedBy.tenant !== tenant) {
    await context.record({
      kind: 'offboarding',
      tenant,
      decision: 'refused',
      details: { requestedBy: options.requestedBy?.role ?? 'unknown' },
    });
    throw new DpaGuardError(
      'DPA_ERR_REQUEST_REFUSED',
      `Offboarding of ${tenant} must be asked by its own controller (clause 12.2).`,
    );
  }
  const dir = resolve(options.dir);
  // The export is every personal record of the tenant: for this user's eyes only.
  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (created) chmodSync(dir, 0o700);
  const written: string[] = [];
  const result: OffboardResult = {
    tenant,
    dir,
    status: 'export-failed',
    erased: [],
    held: [...context.holds],
    failed: [],
  };
  const stores = context.stores.all();
  const manifest: Manifest = {
    tenant,
    exportedAt: context.clock().toISOString(),
    policyVersion: context.policyVersion,
    files: [],
  };
  const exported = new Map<string, StoredRecord[]>();
  for (const store of stores) {
    try {
      const rows = asRecords(await store.export({ tenant }));
      exported.set(store.name, rows);
      manifest.files.push(writeExport(dir, store.name, rows, written));
    } catch (error) {
      result.failed.push({ store: store.name, stage: 'export', error: failureOf(error) });
    }
  }
  if (result.failed.length === 0) {
    for (const file of manifest.files) {
      const problem = verifyExport(dir, file, exported.get(file.store) ?? []);
      if (problem !== undefined)
        result.failed.push({ store: file.store, stage: 'verify', error: problem });
    }
  }
  if (result.failed.length > 0) {
    // A failed export is not a copy for the controller: none of its files stays behind.
    for (const path of written) rmSync(path, { force: true });
    if (created) rmdirSync(dir); // empty now: only this export was in it
    result.files = 'removed';
    await context.record({
      kind: 'offboarding',
      tenant,
      decision: 'export-failed',
      details: { failed: result.failed },
    });
    return result;
  }
  writeDurably(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, 0o600);
  result.manifest = manifest;
  await context.record({
    kind: 'offboarding',
    tenant,
    decision: 'exported',
    details: {
      manifest: sha256(canonicalJson(manifest)),
      files: manifest.files.map((f) => ({ store: f.store, records: f.records })),
    },
  });
  // The export's files must survive a crash before any source data is erased.
  syncDirectory(dir);
  const held = new Set(context.holds.map((h) => h.store));
  for (const store of stores) {
    if (held.has(store.name)) continue;
    try {
      const records = await store.erase({ tenant });
      const left = (await store.export({ tenant })).length;
      if (left > 0)
        result.failed.push({
          store: store.name,
          stage: 'erase',
          error: `${String(left)} record(s) remain`,
        });
      else result.erased.push({ store: store.name, records });
    } catch (error) {
      result.failed.push({ store: store.name, stage: 'erase', error: failureOf(error) });
    }
  }
  result.status = result.failed.length === 0 ? 'erased' : 'partial';
  const certificate = {
    certificate: 'dpa-guard deletion certificate (clause 12.2)',
    tenant,
    erasedAt: context.clock().toISOString(),
    policyVersion: context.policyVersion,
    manifestSha256: sha256(readFileSync(join(dir, 'manifest.json'))),
    erased: result.erased,
    held: result.held,
    failed: result.failed,
  };
  const path = join(dir, 'deletion-certificate.json');
  writeDurably(path, `${JSON.stringify(certificate, null, 2)}\n`, 0o600);
  result.certificate = path;
  await context.record({
    kind: 'deletion-certificate',
    tenant,
    decision: result.status,
    details: {
      certificateSha256: sha256(readFileSync(path)),
      erased: result.erased,
      held: result.held.map((h) => ({ store: h.store, reason: h.reason, until: h.until })),
      failed: result.failed,
    },
  });
  return result;
}

/** What a store exported, if every item is a record (a JSON object); a clear error if not. */
function asRecords(rows: unknown): StoredRecord[] {
  if (!Array.isArray(rows)) throw new TypeError('export() did not give a list of records');
  for (const row of rows)
    if (row === null || typeof row !== 'object' || Array.isArray(row))
      throw new TypeError('export() gave an item that is not a record (a JSON object)');
  return rows as StoredRecord[];
}

function writeExport(
  dir: string,
  store: string,
  rows: readonly StoredRecord[],
  written: string[],
): ManifestFile {
  const jsonl = rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const csv = toCsv(rows);
  const base = store.replace(/[^A-Za-z0-9._-]/g, '_');
  for (const [name, text] of [
    [`${base}.jsonl`, jsonl],
    [`${base}.csv`, csv],
  ] as const) {
    written.push(join(dir, name));
    writeDurably(join(dir, name), text, 0o600);
  }
  return {
    store,
    records: rows.length,
    jsonl: { file: `${base}.jsonl`, sha256: sha256(jsonl) },
    csv: { file: `${base}.csv`, sha256: sha256(csv) },
  };
}

/** Reads an export back: checksums as in the manifest, and every record as exported. */
function verifyExport(
  dir: string,
  file: ManifestFile,
  rows: readonly StoredRecord[],
): string | undefined {
  const jsonl = readFileSync(join(dir, file.jsonl.file));
  if (sha256(jsonl) !== file.jsonl.sha256) return `${file.jsonl.file} does not match its checksum`;
  if (sha256(readFileSync(join(dir, file.csv.file))) !== file.csv.sha256)
    return `${file.csv.file} does not match its checksum`;
  const back = jsonl
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
  if (back.length !== rows.length)
    return `${file.jsonl.file} holds ${String(back.length)} of ${String(rows.length)} records`;
  for (let i = 0; i < rows.length; i++) {
    if (canonicalJson(JSON.parse(back[i]!)) !== canonicalJson(rows[i]))
      return `${file.jsonl.file} record ${String(i + 1)} does not read back as exported`;
  }
  return undefined;
}

/**
 * RFC 4180 CSV: one column per field seen, nested values as JSON, quoted where needed. A
 * row is read by its own fields only: a column named `constructor` or `__proto__` in one
 * row is an empty cell in the others, never what every object inherits.
 */
export function toCsv(rows: readonly StoredRecord[]): string {
  const seen = new Set<string>();
  const columns: string[] = [];
  for (const row of rows)
    for (const key of Object.keys(row))
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
  const cell = (value: unknown): string => {
    const text =
      value === undefined || value === null
        ? ''
        : typeof value === 'string'
          ? value
          : (JSON.stringify(value) ?? '');
    return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return (
    [
      columns.map(cell).join(','),
      ...rows.map((r) =>
        columns.map((c) => cell(Object.hasOwn(r, c) ? r[c] : undefined)).join(','),
      ),
    ].join('\r\n') + '\r\n'
  );
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
