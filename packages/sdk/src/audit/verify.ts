import { hashRecord, type AuditRecord, type ChainEnd } from './record.js';
import type { JournalLine } from './journal.js';

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
