import {
  checkpointDigest,
  checkSignature,
  type Checkpoint,
  type CheckpointReason,
} from './checkpoint.js';
import type { JournalLine } from './journal.js';
import { hashRecord, type AuditRecord, type ChainEnd } from './record.js';
import type { VerifyingKey } from './signing-key.js';

export type ChainProblem = 'unreadable' | 'altered' | 'removed' | 'reordered' | 'truncated';

export interface ChainVerdict {
  valid: boolean;
  records: number;
  /** The first place the chain breaks, when it does. */
  problem?: {
    kind: ChainProblem;
    file: string;
    line: number;
    /** The seq the chain expected at that place. */
    expectedSeq: number;
    detail: string;
  };
}

/**
 * Walks the chain in file order and points at the first record that was altered (its
 * hash, or the next record's link to it, does not match), removed (a seq is missing),
 * reordered (a later seq comes before an earlier one) or cut off the end (the head says
 * there were more).
 */
export function verifyChain(lines: readonly JournalLine[], head?: ChainEnd): ChainVerdict {
  const records: (AuditRecord | undefined)[] = lines.map((l) => {
    try {
      return JSON.parse(l.text) as AuditRecord;
    } catch {
      return undefined;
    }
  });
  let previous: AuditRecord | undefined;
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i]!;
    const record = records[i];
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const fail = (kind: ChainProblem, detail: string): ChainVerdict => ({
      valid: false,
      records: i,
      problem: { kind, file: at.file, line: at.line, expectedSeq, detail },
    });
    if (record === undefined || typeof record.seq !== 'number' || typeof record.hash !== 'string')
      return fail('unreadable', 'the line is not an audit record');
    if (record.seq !== expectedSeq) {
      const later = records.slice(i + 1).some((r) => r?.seq === expectedSeq);
      return record.seq > expectedSeq && !later
        ? fail(
            'removed',
            `record ${String(expectedSeq)}${record.seq - expectedSeq > 1 ? `–${String(record.seq - 1)}` : ''} is missing before record ${String(record.seq)}`,
          )
        : fail(
            'reordered',
            `record ${String(record.seq)} stands where record ${String(expectedSeq)} belongs`,
          );
    }
    if (hashRecord(record) !== record.hash)
      return fail('altered', `record ${String(record.seq)} does not match its own hash`);
    if (record.prev !== (previous?.hash ?? ''))
      return {
        valid: false,
        records: i,
        problem: {
          kind: 'altered',
          file: lines[i - 1]?.file ?? at.file,
          line: lines[i - 1]?.line ?? at.line,
          expectedSeq: expectedSeq - 1,
          detail: `record ${String(expectedSeq - 1)} was changed: record ${String(record.seq)} links to another hash`,
        },
      };
    previous = record;
  }
  if (head !== undefined && (previous?.seq ?? 0) < head.seq) {
    const last = lines.at(-1);
    return {
      valid: false,
      records: lines.length,
      problem: {
        kind: 'truncated',
        file: last?.file ?? '-',
        line: (last?.line ?? 0) + 1,
        expectedSeq: (previous?.seq ?? 0) + 1,
        detail: `the journal ends at record ${String(previous?.seq ?? 0)} but its head says ${String(head.seq)}`,
      },
    };
  }
  const last = lines.at(-1);
  if (
    head !== undefined &&
    last !== undefined &&
    previous?.seq === head.seq &&
    previous.hash !== head.hash
  ) {
    return {
      valid: false,
      records: lines.length - 1,
      problem: {
        kind: 'altered',
        file: last.file,
        line: last.line,
        expectedSeq: head.seq,
        detail: `record ${String(head.seq)} is not the one the head recorded`,
      },
    };
  }
  return { valid: true, records: lines.length };
}

export type TrailProblemKind =
  | ChainProblem
  | 'empty'
  | 'unsigned'
  | 'forged-checkpoint'
  | 'checkpoints-removed'
  | 'rewritten'
  | 'appended';

/** One chain of a trail as a verifier reads it: its records, its head, its own checkpoints. */
export interface TrailEvidence {
  /** "" for the file journal; the tenant for a PostgreSQL chain. */
  chain: string;
  lines: readonly JournalLine[];
  head?: ChainEnd | undefined;
  /** The trail's own checkpoints of this chain, in the order written. */
  checkpoints: readonly Checkpoint[];
  /** Where the checkpoints were read, for messages. */
  checkpointSource: string;
}

export interface TrailOptions {
  /** Public keys by id; none: signatures are not checked, and nothing counts as anchored. */
  keys: ReadonlyMap<string, VerifyingKey>;
  /** Checkpoints of this chain from outside (a copy, the controller's hook). */
  anchors: readonly Checkpoint[];
  /** An empty or missing trail is valid. Default false: it is an error. */
  allowEmpty: boolean;
  /**
   * What may stand after the last checkpoint. `interval` (the file journal): records of a
   * running process not yet checkpointed, but nothing after a `close` (and an `open` must
   * start where the `close` before it ended). `none` (PostgreSQL, which signs in every
   * append's transaction): every row is covered the moment it commits.
   */
  unanchoredTail: 'interval' | 'none';
}

export interface TrailVerdict {
  valid: boolean;
  /** Records in the chain. */
  records: number;
  /** Signatures were checked (keys were given). */
  signed: boolean;
  /** The trail's own checkpoints read. */
  checkpoints: number;
  /** Records 1 to this seq are exactly those a signed checkpoint covers. */
  anchoredSeq: number;
  /** The newest checkpoint that anchors them, when there is one. */
  anchoredBy?: { time: string; reason: CheckpointReason; keyId: string };
  /** Records after the newest signed checkpoint: not yet covered by one. */
  unanchored: number;
  /** Checkpoints from outside that the trail matched. */
  anchorsConfirmed: number;
  /**
   * Records a journal found after its last checkpoint when it opened again without having
   * closed (a crash), and took on: written by the crashed process, or by someone else.
   */
  adopted: number;
  problem?: { kind: TrailProblemKind; where: string; detail: string };
}

/**
 * Verifies one chain of a trail against its signed checkpoints and checkpoints from outside:
 * the hash chain is unbroken; every checkpoint is signed by a given key, follows the one
 * before it, and names a record that is there with the hash it signed; every checkpoint
 * from outside is one of the trail's own and matches too; nothing follows a `close`. An
 * intruder can rewrite records and re-hash them, but cannot sign: a rewrite, a removal, a
 * forged append or a trail deleted whole shows against any checkpoint kept elsewhere.
 */
export function verifyTrail(evidence: TrailEvidence, options: TrailOptions): TrailVerdict {
  const signed = options.keys.size > 0;
  const verdict: TrailVerdict = {
    valid: true,
    records: 0,
    signed,
    checkpoints: evidence.checkpoints.length,
    anchoredSeq: 0,
    unanchored: 0,
    anchorsConfirmed: 0,
    adopted: 0,
  };
  const fail = (kind: TrailProblemKind, where: string, detail: string): TrailVerdict => ({
    ...verdict,
    valid: false,
    problem: { kind, where, detail },
  });
  const { lines, checkpoints } = evidence;
  if (lines.length === 0 && checkpoints.length === 0 && options.anchors.length === 0)
    return options.allowEmpty
      ? verdict
      : fail(
          'empty',
          evidence.checkpointSource,
          'there are no audit records and no checkpoints; give --allow-empty if none were ever written',
        );
  const chain = verifyChain(lines, evidence.head);
  verdict.records = chain.records;
  if (!chain.valid) {
    const p = chain.problem!;
    return fail(
      p.kind,
      `${p.file}:${String(p.line)}`,
      `record ${String(p.expectedSeq)}: ${p.detail}`,
    );
  }
  const hashes = new Map<number, string>();
  for (const line of lines) {
    const record = JSON.parse(line.text) as { seq: number; hash: string };
    hashes.set(record.seq, record.hash);
  }
  const total = lines.length;
  const label = (c: Checkpoint, i?: number) =>
    `${i === undefined ? 'the checkpoint from outside' : `checkpoint ${String(i + 1)}`} of ${c.time} (record ${String(c.seq)})`;

  // Signatures first: nothing an unsigned checkpoint says is believed.
  if (signed) {
    for (const [i, c] of checkpoints.entries()) {
      const s = checkSignature(c, options.keys);
      if (s !== 'valid')
        return fail(
          'forged-checkpoint',
          `${evidence.checkpointSource} line ${String(i + 1)}`,
          `${label(c, i)} is ${s === 'unknown-key' ? `signed by key ${c.keyId}, which is not among the keys given` : 'not validly signed'}: the checkpoints were tampered with`,
        );
    }
    for (const c of options.anchors) {
      const s = checkSignature(c, options.keys);
      if (s !== 'valid')
        return fail(
          'forged-checkpoint',
          'outside',
          `${label(c)} is ${s === 'unknown-key' ? `signed by key ${c.keyId}, which is not among the keys given` : 'not validly signed'}`,
        );
    }
    if (total > 0 && checkpoints.length === 0)
      return fail(
        'unsigned',
        evidence.checkpointSource,
        `${String(total)} record(s) and no signed checkpoint: the trail was written unsigned, or its checkpoints were removed`,
      );
  }
  // The trail's own checkpoints form one chain, from the first: none removed, none moved.
  const digests = new Set<string>();
  for (const [i, c] of checkpoints.entries()) {
    const before = checkpoints[i - 1];
    const expected = before === undefined ? '' : checkpointDigest(before);
    if (c.previous !== expected || (before !== undefined && c.seq < before.seq))
      return fail(
        'checkpoints-removed',
        `${evidence.checkpointSource} line ${String(i + 1)}`,
        before === undefined
          ? `${label(c, i)} follows a checkpoint that is no longer there: checkpoints were removed`
          : `${label(c, i)} does not follow the one before it: checkpoints were removed or reordered`,
      );
    if (options.unanchoredTail === 'interval' && c.reason === 'open' && before !== undefined) {
      if (before.reason === 'close' && c.seq !== before.seq)
        return fail(
          'appended',
          `${evidence.checkpointSource} line ${String(i + 1)}`,
          c.seq > before.seq
            ? `records ${String(before.seq + 1)}–${String(c.seq)} were added while the journal was closed (after its closing checkpoint of ${before.time}): not by the guard`
            : `the journal reopened at record ${String(c.seq)} after closing at ${String(before.seq)}: records were removed while it was closed`,
        );
      if (before.reason !== 'close' && c.seq > before.seq) verdict.adopted += c.seq - before.seq;
    }
    digests.add(checkpointDigest(c));
  }
  // Each checkpoint names a record that must be there, unchanged.
  const matches = (c: Checkpoint, where: string): TrailVerdict | undefined => {
    if (c.seq === 0) return undefined;
    if (c.seq > total)
      return fail(
        'truncated',
        where,
        `${where === 'outside' ? label(c) : 'a signed checkpoint'} says the chain held ${String(c.seq)} record(s); it holds ${String(total)}: records were removed`,
      );
    if (hashes.get(c.seq) !== c.hash)
      return fail(
        'rewritten',
        where,
        `record ${String(c.seq)} is not the record ${where === 'outside' ? label(c) : 'a signed checkpoint'} covers: records up to it were rewritten`,
      );
    return undefined;
  };
  for (const [i, c] of checkpoints.entries()) {
    const problem = matches(c, `${evidence.checkpointSource} line ${String(i + 1)}`);
    if (problem !== undefined) return problem;
  }
  for (const c of options.anchors) {
    const problem = matches(c, 'outside');
    if (problem !== undefined) return problem;
  }
  for (const c of options.anchors) {
    if (!digests.has(checkpointDigest(c)))
      return fail(
        'checkpoints-removed',
        evidence.checkpointSource,
        `${label(c)} is not among the trail's own checkpoints: they were cut back or replaced`,
      );
    verdict.anchorsConfirmed++;
  }
  const last = checkpoints.at(-1);
  if (
    last !== undefined &&
    total > last.seq &&
    (options.unanchoredTail === 'none' || last.reason === 'close')
  ) {
    const at = lines[last.seq]!;
    return fail(
      'appended',
      `${at.file}:${String(at.line)}`,
      options.unanchoredTail === 'none'
        ? `records ${String(last.seq + 1)}–${String(total)} stand after the last signed checkpoint; every append is checkpointed as it commits, so they were not written by the guard`
        : `records ${String(last.seq + 1)}–${String(total)} stand after the journal's closing checkpoint of ${last.time}, with no checkpoint of their own: they were appended by someone else`,
    );
  }
  if (signed && last !== undefined) {
    verdict.anchoredSeq = last.seq;
    verdict.anchoredBy = { time: last.time, reason: last.reason, keyId: last.keyId };
  }
  verdict.unanchored = total - verdict.anchoredSeq;
  return verdict;
}
