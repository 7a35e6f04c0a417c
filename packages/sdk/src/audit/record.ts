import { createHash } from 'node:crypto';
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
  categories?: Category[] | undefined;
  /** The outcome: pass, block, monitor, uninspectable, allowed, refused, done, failed … */
  decision?: string | undefined;
  rule?: string | undefined;
  policyVersion?: string | undefined;
  /** Kind-specific facts (a subprocessor and country, a signal id and deadline, counts). */
  details?: Record<string, unknown> | undefined;
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
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function hashRecord(record: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...rest } = record;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** Links an entry into the chain after `previous`. */
export function chainRecord(
  entry: AuditEntry,
  previous: { seq: number; hash: string } | undefined,
  now: Date,
): AuditRecord {
  const base = {
    ...entry,
    seq: previous === undefined ? 1 : previous.seq + 1,
    time: entry.time ?? now.toISOString(),
    prev: previous?.hash ?? '',
  };
  return { ...base, hash: hashRecord(base) };
}
