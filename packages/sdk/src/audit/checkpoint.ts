// Signed checkpoints of the audit chain, after Certificate Transparency's signed tree heads
// and the transparency-log checkpoints of Sigstore: a small statement, "this chain held N
// records ending in hash H at time T", signed with Ed25519 by a key the data directory does
// not hold, and chained to the checkpoint before it as CloudTrail chains its digest files.
// Whoever keeps one can later prove that the first N records are still exactly those.
import { createHash, sign, verify } from 'node:crypto';
import { canonicalJson, type ChainEnd } from './record.js';
import type { SigningKey, VerifyingKey } from './signing-key.js';

export const CHECKPOINT_FORMAT = 'dpa-guard.audit-checkpoint/1';

/**
 * Why a checkpoint was written: the journal opened (`open`, before any record of this
 * process), enough records or time passed (`interval`), or it closed (`close`: nothing may
 * follow it until the next `open`).
 */
export type CheckpointReason = 'open' | 'interval' | 'close';

/** What a checkpoint states; the signature covers all of it. */
export interface CheckpointBody {
  format: typeof CHECKPOINT_FORMAT;
  /** Which trail: a name the policy gives (default "dpa-guard"). */
  origin: string;
  /** Which chain of the trail: "" for the file journal, the tenant for PostgreSQL's. */
  chain: string;
  /** How many records the chain held: records 1 to `seq`. */
  seq: number;
  /** The hash of record `seq` ("" when the chain was empty). */
  hash: string;
  time: string;
  reason: CheckpointReason;
  /** The digest of the checkpoint before this one of the same chain ("" for the first). */
  previous: string;
  /** The id of the key that signed it. */
  keyId: string;
}

/** A checkpoint with its Ed25519 signature (base64). */
export interface Checkpoint extends CheckpointBody {
  signature: string;
}

// Domain separation: a signature over a checkpoint is never a signature over anything else.
const SIGNED_PREFIX = `${CHECKPOINT_FORMAT}\n`;

function signedBytes(body: CheckpointBody): Buffer {
  const { format, origin, chain, seq, hash, time, reason, previous, keyId } = body;
  return Buffer.from(
    SIGNED_PREFIX +
      canonicalJson({ format, origin, chain, seq, hash, time, reason, previous, keyId }),
  );
}

/** Signs the statement that `chain` stands at `end` now. */
export function signCheckpoint(
  statement: {
    origin: string;
    chain: string;
    end: ChainEnd | undefined;
    time: Date;
    reason: CheckpointReason;
    previous: Checkpoint | undefined;
  },
  key: SigningKey,
): Checkpoint {
  const body: CheckpointBody = {
    format: CHECKPOINT_FORMAT,
    origin: statement.origin,
    chain: statement.chain,
    seq: statement.end?.seq ?? 0,
    hash: statement.end?.hash ?? '',
    time: statement.time.toISOString(),
    reason: statement.reason,
    previous: statement.previous === undefined ? '' : checkpointDigest(statement.previous),
    keyId: key.keyId,
  };
  const signature = sign(null, signedBytes(body), key.privateKey).toString('base64');
  return { ...body, signature };
}

/** The digest the next checkpoint links to: SHA-256 over the signed checkpoint. */
export function checkpointDigest(checkpoint: Checkpoint): string {
  return createHash('sha256')
    .update(canonicalJson({ ...checkpointBody(checkpoint), signature: checkpoint.signature }))
    .digest('hex');
}

function checkpointBody(c: Checkpoint): CheckpointBody {
  const { format, origin, chain, seq, hash, time, reason, previous, keyId } = c;
  return { format, origin, chain, seq, hash, time, reason, previous, keyId };
}

export type SignatureVerdict = 'valid' | 'unknown-key' | 'invalid';

/** Whether one of `keys` signed the checkpoint. */
export function checkSignature(
  checkpoint: Checkpoint,
  keys: ReadonlyMap<string, VerifyingKey>,
): SignatureVerdict {
  const key = keys.get(checkpoint.keyId);
  if (key === undefined) return 'unknown-key';
  try {
    return verify(
      null,
      signedBytes(checkpoint),
      key.publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
    )
      ? 'valid'
      : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** A value read from a file or a table is a checkpoint only if every field has its type. */
export function asCheckpoint(value: unknown): Checkpoint | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const c = value as Record<string, unknown>;
  const ok =
    c.format === CHECKPOINT_FORMAT &&
    typeof c.origin === 'string' &&
    typeof c.chain === 'string' &&
    Number.isSafeInteger(c.seq) &&
    (c.seq as number) >= 0 &&
    typeof c.hash === 'string' &&
    typeof c.time === 'string' &&
    (c.reason === 'open' || c.reason === 'interval' || c.reason === 'close') &&
    typeof c.previous === 'string' &&
    typeof c.keyId === 'string' &&
    typeof c.signature === 'string';
  return ok ? (value as Checkpoint) : undefined;
}

/**
 * Checkpoints from a file an auditor brings: one checkpoint (as JSON), a list, JSON Lines,
 * or the `audit.checkpoint` webhook event the controller's hook received (its `data`).
 * Lines that are none of these are counted, not guessed at.
 */
export function parseCheckpoints(text: string): { checkpoints: Checkpoint[]; unreadable: number } {
  const checkpoints: Checkpoint[] = [];
  let unreadable = 0;
  const take = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const item of value) take(item);
      return;
    }
    const event = value as { type?: unknown; data?: unknown } | null;
    const checkpoint = asCheckpoint(
      event !== null && typeof event === 'object' && event.type === 'audit.checkpoint'
        ? event.data
        : value,
    );
    if (checkpoint === undefined) unreadable++;
    else checkpoints.push(checkpoint);
  };
  try {
    take(JSON.parse(text));
    return { checkpoints, unreadable };
  } catch {
    // Not one JSON value: JSON Lines.
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      take(JSON.parse(line));
    } catch {
      unreadable++;
    }
  }
  return { checkpoints, unreadable };
}
