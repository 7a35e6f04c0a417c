import { hash as oneShotHash } from 'node:crypto';
import type { Category, Purpose } from '../policy/types.js';

/** What an audit record is about (records of processing, GDPR art. 30(2)). */
export const AUDIT_KINDS = [
  'inspection',
  'exception-used',
  'transfer',
  'breach-signal',
  'breach-delivered',
  'subject-request',
  'offboarding',
  'deletion-certificate',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** One event as a source gives it: never a value, only its kind, category and place. */
export interface AuditEntry {
  kind: AuditKind;
  /** ISO time of the event. Default: now. */
  time?: string | undefined;
  tenant?: string | undefined;
  purpose?: Purpose | undefined;
  route?: string | undefined;
  categories?: readonly Category[] | undefined;
  /** The outcome: pass, block, monitor, uninspectable, allowed, refused, done, failed … */
  decision?: string | undefined;
  rule?: string | undefined;
  policyVersion?: string | undefined;
  /** Kind-specific facts (a subprocessor and country, a signal id and deadline, counts). */
  details?: Record<string, unknown> | undefined;
}

/** Where a chain stands: the seq and hash of its last record (what the next one links to). */
export interface ChainEnd {
  seq: number;
  hash: string;
}

/** A record in the hash chain: the entry, its position, and the hashes that link it. */
export interface AuditRecord extends AuditEntry {
  seq: number;
  time: string;
  /** The hash of the record before it ("" for the first). */
  prev: string;
  /** SHA-256 (hex) of the record's canonical JSON without this field. */
  hash: string;
}

/** JSON with keys sorted at every level: the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Records are written with sorted keys, so the sort is usually skipped.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

export function hashRecord(record: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...rest } = record;
  return sha256Hex(canonicalJson(rest));
}

/** Links an entry into the chain after `previous`. */
export function chainRecord(
  entry: AuditEntry,
  previous: ChainEnd | undefined,
  now: Date,
): AuditRecord {
  return chainLine(entry, previous, now).record;
}

// The fields of a record in canonical (sorted) order, each with its JSON key.
const RECORD_FIELDS = [
  'categories',
  'decision',
  'details',
  'kind',
  'policyVersion',
  'prev',
  'purpose',
  'route',
  'rule',
  'seq',
  'tenant',
  'time',
] as const;
const KNOWN_FIELDS: ReadonlySet<string> = new Set(RECORD_FIELDS);
const QUOTED_FIELDS = RECORD_FIELDS.map((field) => JSON.stringify(field));

/**
 * Links an entry into the chain and gives its journal line too: the record's keys in
 * sorted order, then its hash, which is the SHA-256 of everything before it. Built in one
 * pass over the known fields, with no intermediate objects or sorting, because on a busy
 * platform this runs for every write; the line is exactly `canonicalJson` of the record.
 */
export function chainLine(
  entry: AuditEntry,
  previous: ChainEnd | undefined,
  now: Date,
): { record: AuditRecord; line: string } {
  const record: Record<string, unknown> = {};
  const { line, hash } = link(entry, previous, now, record);
  record.hash = hash;
  return { record: record as unknown as AuditRecord, line };
}

/**
 * The same line as chainLine, with the record's seq and hash but not the record itself:
 * for a journal that writes the line and keeps only where the chain stands.
 */
export function chainText(
  entry: AuditEntry,
  previous: ChainEnd | undefined,
  now: Date,
): ChainEnd & { line: string } {
  return link(entry, previous, now, undefined);
}

/** Writes the canonical line of the record that links `entry`; fills `into` with its fields. */
function link(
  entry: AuditEntry,
  previous: ChainEnd | undefined,
  now: Date,
  into: Record<string, unknown> | undefined,
): ChainEnd & { line: string } {
  for (const key in entry)
    if (!KNOWN_FIELDS.has(key)) return linkWithExtras(entry, previous, now, into);
  const seq = previous === undefined ? 1 : previous.seq + 1;
  const time = entry.time ?? isoTime(now);
  const prev = previous?.hash ?? '';
  let canonical = '{';
  for (let i = 0; i < RECORD_FIELDS.length; i++) {
    const field = RECORD_FIELDS[i]!;
    const value =
      field === 'seq' ? seq : field === 'time' ? time : field === 'prev' ? prev : entry[field];
    if (value === undefined) continue;
    if (into !== undefined) into[field] = value;
    // A hash (hex) and a time made here need no escaping; other text repeats (tenants,
    // routes, versions), so its JSON form is cached.
    const json =
      (field === 'prev' && (prev === lastSealed || HEX.test(prev))) ||
      (field === 'time' && entry.time === undefined)
        ? `"${value as string}"`
        : typeof value === 'string'
          ? quoted(value)
          : canonicalJson(value);
    canonical += `${canonical.length === 1 ? '' : ','}${QUOTED_FIELDS[i]!}:${json}`;
  }
  return sealed(seq, `${canonical}}`);
}

// A busy platform writes many records with the same tenant, route, purpose and version,
// and many in the same millisecond: their text is made once.
const quotedCache = new Map<string, string>();
function quoted(text: string): string {
  let json = quotedCache.get(text);
  if (json === undefined) {
    json = JSON.stringify(text);
    if (quotedCache.size >= 1024) quotedCache.clear();
    quotedCache.set(text, json);
  }
  return json;
}
/**
 * A previous hash read back from disk or a database is used as text only if it is hex;
 * the one this module made last (the usual case: the chain goes on) is known to be.
 */
const HEX = /^[0-9a-f]*$/;
let lastSealed = '';
let lastTime = { ms: Number.NaN, iso: '' };
function isoTime(now: Date): string {
  const ms = now.getTime();
  if (ms !== lastTime.ms) lastTime = { ms, iso: now.toISOString() };
  return lastTime.iso;
}

/** An entry with fields of its own beyond the known ones: they are kept and hashed too. */
function linkWithExtras(
  entry: AuditEntry,
  previous: ChainEnd | undefined,
  now: Date,
  into: Record<string, unknown> | undefined,
): ChainEnd & { line: string } {
  const seq = previous === undefined ? 1 : previous.seq + 1;
  const fields: Record<string, unknown> = {
    ...entry,
    seq,
    time: entry.time ?? isoTime(now),
    prev: previous?.hash ?? '',
  };
  const record: Record<string, unknown> = into ?? {};
  for (const key of Object.keys(fields).sort()) {
    if (fields[key] !== undefined) record[key] = fields[key];
  }
  return sealed(seq, canonicalJson(record));
}

/** The line: the canonical JSON with the hash of it added as the last field. */
function sealed(seq: number, canonical: string): ChainEnd & { line: string } {
  const hash = sha256Hex(canonical);
  lastSealed = hash;
  return {
    seq,
    hash,
    line: `${canonical.slice(0, -1)}${canonical.length > 2 ? ',' : ''}"hash":"${hash}"}`,
  };
}

/** One-shot hashing (Node 20.12+): no Hash object per record. */
function sha256Hex(text: string): string {
  return oneShotHash('sha256', text, 'hex');
}
