import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cutDurably,
  DurableAppender,
  readText,
  releaseDirLock,
  settleable,
  takeDirLock,
} from '../storage/durable-file.js';
import type { ChainWatcher, CheckpointSettings } from './checkpointer.js';
import {
  chainLine,
  chainText,
  type AuditEntry,
  type AuditRecord,
  type ChainEnd,
} from './record.js';

/**
 * The audit trail: append-only, hash-chained. The embedded default is
 * {@link FileAuditJournal}; a shared store implements the same contract (appends are
 * serialised into one chain, durable when they resolve).
 */
export interface AuditJournal {
  append(entry: AuditEntry): Promise<AuditRecord>;
  /**
   * Optional: appends like `append`, but answers with the promise of the whole batch the
   * record joined (one object for all of them), settled once that batch is durable. For
   * callers that write a record per request and rarely wait for it. The record takes its
   * place in the chain in call order, but may be linked later, with the rest of its batch:
   * the entry must not be changed after the call.
   */
  enqueue?(entry: AuditEntry): Promise<void>;
  /** Every record, in chain order. */
  records(): AsyncIterable<AuditRecord>;
  /**
   * Optional: a shared store that signs checkpoints of its chains itself (in its own
   * transactions) takes the settings here; the guard calls it when it has a signing key.
   */
  checkpointWith?(settings: CheckpointSettings): void;
  close(): Promise<void>;
}

const FILE = /^audit-(\d{6})\.jsonl$/;
const HEAD = 'audit.head';
// Audit records are written off the request path: a few milliseconds of batching cut the
// fsyncs, and so the CPU a busy platform spends on its trail, several times over.
const AUDIT_LINGER_MS = 10;
const LOCK = 'audit.lock';
/** How often, at most, the head file follows the journal under load. */
const HEAD_INTERVAL_MS = 250;

/** A journal file and its records as read from disk, for verify and export. */
export interface JournalLine {
  file: string;
  line: number;
  text: string;
}

/**
 * The embedded audit journal: JSON Lines files `audit-000001.jsonl`, … in a directory,
 * rotated when a file reaches `maxFileBytes`; the chain runs on across files. Every batch
 * is fsynced before its appends resolve, and `audit.head` records the last seq and hash,
 * so cutting records off the end is detected too.
 */
export class FileAuditJournal implements AuditJournal {
  readonly #dir: string;
  readonly #maxFileBytes: number;
  readonly #clock: () => Date;
  #appender: DurableAppender | undefined;
  #fileNumber = 1;
  #fileBytes = 0;
  #last: ChainEnd | undefined;
  #durable: ChainEnd | undefined;
  /** The batch the appender is filling, and the newest record in it. */
  #batch: { written: Promise<void>; newest: ChainEnd } | undefined;
  #headWriting = false;
  #headTimer: NodeJS.Timeout | undefined;
  /** Closing: the head is written once more by close() itself, and no timer is set. */
  #closing = false;
  #locked = false;
  #headAgain = false;
  /** Entries given to enqueue that wait to be chained, with their times and one promise. */
  #queued: QueuedEntries | undefined;
  readonly #checkpoints: ChainWatcher | undefined;

  /**
   * `checkpoints`: signs checkpoints of the chain as it grows (see {@link FileCheckpoints});
   * without it the trail is hash-chained but unsigned.
   */
  constructor(
    dir: string,
    options: { maxFileBytes?: number; clock?: () => Date; checkpoints?: ChainWatcher } = {},
  ) {
    this.#dir = dir;
    this.#maxFileBytes = options.maxFileBytes ?? 10 * 1024 * 1024;
    this.#clock = options.clock ?? (() => new Date());
    this.#checkpoints = options.checkpoints;
  }

  /**
   * Opens the journal on first use (and again after a failed write): takes the lock and
   * finds the end of the chain on disk. A record torn by a crash at the end of the last
   * file is cut off; an empty last file (a rotation that crashed) continues the chain of
   * the file before it.
   */
  #open(): DurableAppender {
    if (this.#appender !== undefined) return this.#appender;
    mkdirSync(this.#dir, { recursive: true });
    if (!this.#locked) takeDirLock(this.#dir, LOCK, 'audit journal');
    this.#locked = true;
    this.#last = undefined;
    const files = journalFiles(this.#dir);
    const lastFile = files.at(-1);
    if (lastFile !== undefined) {
      this.#fileNumber = Number(FILE.exec(lastFile)![1]);
      const path = join(this.#dir, lastFile);
      const text = readText(path);
      const whole = wholeRecords(text);
      if (whole.bytes < Buffer.byteLength(text)) cutDurably(path, whole.bytes);
      this.#fileBytes = whole.bytes;
      for (let i = files.length - 1; i >= 0 && this.#last === undefined; i--) {
        const last =
          i === files.length - 1
            ? whole.last
            : wholeRecords(readText(join(this.#dir, files[i]!))).last;
        if (last !== undefined) this.#last = { seq: last.seq, hash: last.hash };
      }
    }
    // Signed before any record of this process is written: nothing stands after a
    // `close` checkpoint but what follows an `open` one.
    this.#checkpoints?.opened(this.#last);
    // A line that failed leaves a gap the next lines would link across: stop at the
    // first failure, and the next append reopens from what the disk holds.
    this.#appender = new DurableAppender(join(this.#dir, fileName(this.#fileNumber)), {
      lingerMs: AUDIT_LINGER_MS,
      stopOnFailure: true,
    });
    return this.#appender;
  }

  /**
   * Appends in call order: the record is chained synchronously, the disk writes are
   * grouped; resolves once the record is on disk.
   */
  append(entry: AuditEntry): Promise<AuditRecord> {
    this.#chainQueued(); // what was enqueued before comes first in the chain
    try {
      const appender = this.#open(); // first: it finds where the chain on disk ends
      const { record, line } = chainLine(entry, this.#last, this.#clock());
      const written = this.#write(appender, record, line, false);
      return written.then(() => record);
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /**
   * Queues the entry with its time and nothing more: a busy platform calls this for every
   * write, and linking a record (its canonical text and hash) costs several times more on a
   * request, between everything else the server does, than in a run of records linked
   * together. The queue is chained when it has waited as long as a disk batch would, or
   * at once when `append`, `records` or `close` needs the chain to be current.
   */
  enqueue(entry: AuditEntry): Promise<void> {
    let queued = this.#queued;
    if (queued === undefined) {
      queued = this.#queued = newQueue(setTimeout(() => this.#chainQueued(), AUDIT_LINGER_MS));
    }
    queued.entries.push(entry);
    queued.times.push(this.#clock());
    // While close() waits for the disk, a timer could fire after it released the lock.
    if (this.#closing) this.#chainQueued();
    return queued.promise;
  }

  /** Links the queued entries in order and hands their lines to the disk batch. */
  #chainQueued(): void {
    const queued = this.#queued;
    if (queued === undefined) return;
    this.#queued = undefined;
    clearTimeout(queued.timer);
    const written = new Set<Promise<void>>();
    let failure: unknown;
    try {
      const appender = this.#open(); // first: it finds where the chain on disk ends
      for (let i = 0; i < queued.entries.length; i++) {
        try {
          const linked = chainText(queued.entries[i]!, this.#last, queued.times[i]!);
          written.add(this.#write(appender, linked, linked.line, true));
        } catch (error) {
          failure ??= error; // an entry that cannot be written as JSON: the rest still are
        }
      }
    } catch (error) {
      failure = error; // the journal cannot be opened: none of them is written
    }
    Promise.all(written).then(
      () => (failure === undefined ? queued.settle() : queued.settle(asError(failure))),
      (error: unknown) => queued.settle(asError(error)),
    );
  }

  /**
   * Queues a chained line, after rotating the file when it is full. `waited`: the line sat
   * in enqueue's queue, so its batch need not wait for more.
   */
  #write(
    appender: DurableAppender,
    linked: ChainEnd,
    text: string,
    waited: boolean,
  ): Promise<void> {
    if (this.#fileBytes >= this.#maxFileBytes) {
      this.#fileNumber++;
      this.#fileBytes = 0;
      appender.switchTo(join(this.#dir, fileName(this.#fileNumber)));
    }
    const line = `${text}\n`;
    const newest = { seq: linked.seq, hash: linked.hash };
    this.#last = newest;
    this.#fileBytes += Buffer.byteLength(line);
    const written = waited ? appender.appendDue(line) : appender.append(line);
    if (this.#batch?.written === written) this.#batch.newest = newest;
    else this.#watch((this.#batch = { written, newest }), appender);
    return written;
  }

  /** Once per batch, not per record: the head moves on, or a failure reopens the journal. */
  #watch(batch: { written: Promise<void>; newest: ChainEnd }, appender: DurableAppender): void {
    batch.written.then(
      () => {
        if (this.#durable === undefined || batch.newest.seq > this.#durable.seq)
          this.#durable = batch.newest;
        this.#checkpoints?.durable(this.#durable);
        this.#writeHead();
      },
      async () => {
        // The chain in memory ran ahead of the disk: start again from what the disk holds.
        if (this.#appender === appender) {
          this.#appender = undefined;
          await appender.close().catch(() => undefined);
        }
      },
    );
  }

  /**
   * Best effort, after the records' fsync, at most one write in flight: a head that lags
   * after a crash is harmless, and one that is there catches records cut off the end.
   */
  #writeHead(): void {
    if (this.#closing) return;
    if (this.#headWriting || this.#headTimer !== undefined) {
      this.#headAgain = true;
      return;
    }
    this.#headWriting = true;
    void writeFile(join(this.#dir, HEAD), JSON.stringify(this.#durable))
      .catch(() => undefined)
      .finally(() => {
        this.#headWriting = false;
        if (!this.#headAgain || this.#closing) return;
        this.#headAgain = false;
        // A busy journal moves its head a few times a second, not after every batch.
        this.#headTimer = setTimeout(() => {
          this.#headTimer = undefined;
          this.#writeHead();
        }, HEAD_INTERVAL_MS);
        this.#headTimer.unref();
      });
  }

  /** Every record on disk, including those appended but still being written. */
  async *records(): AsyncIterable<AuditRecord> {
    this.#chainQueued();
    await this.#appender?.drain();
    for (const line of readJournalLines(this.#dir)) yield JSON.parse(line.text) as AuditRecord;
  }

  async close(): Promise<void> {
    this.#closing = true;
    try {
      this.#chainQueued();
      if (this.#appender !== undefined) await this.#appender.close();
      while (this.#headWriting) await new Promise((r) => setTimeout(r, 1));
      clearTimeout(this.#headTimer);
      this.#headTimer = undefined;
      this.#headAgain = false;
      // The head names the last durable record when the journal is closed, whatever waited.
      if (this.#durable !== undefined && this.#locked)
        await writeFile(join(this.#dir, HEAD), JSON.stringify(this.#durable)).catch(
          () => undefined,
        );
      if (this.#locked) await this.#checkpoints?.close(this.#durable ?? this.#last);
    } finally {
      this.#appender = undefined;
      if (this.#locked) releaseDirLock(this.#dir, LOCK);
      this.#locked = false;
      this.#closing = false;
    }
  }
}

/** Entries waiting in enqueue's queue: one timer and one promise for all of them. */
interface QueuedEntries {
  entries: AuditEntry[];
  times: Date[];
  timer: NodeJS.Timeout;
  promise: Promise<void>;
  settle: (error?: Error) => void;
}

function newQueue(timer: NodeJS.Timeout): QueuedEntries {
  return { entries: [], times: [], timer, ...settleable() };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The whole (newline-ended, readable) records at the start of a file, and the last of them. */
function wholeRecords(text: string): { bytes: number; last: AuditRecord | undefined } {
  let bytes = 0;
  let last: AuditRecord | undefined;
  let offset = 0;
  for (const line of text.split('\n').slice(0, -1)) {
    offset += Buffer.byteLength(line) + 1;
    if (line.trim() === '') {
      bytes = offset;
      continue;
    }
    try {
      last = JSON.parse(line) as AuditRecord;
      bytes = offset;
    } catch (error) {
      // Only a line that is not JSON is torn; any other failure (out of stack, of memory)
      // says nothing of the file, and must never make it be cut.
      if (!(error instanceof SyntaxError)) throw error;
      break; // a torn record: nothing after it is trusted
    }
  }
  return { bytes, last };
}

function fileName(n: number): string {
  return `audit-${String(n).padStart(6, '0')}.jsonl`;
}

/** The journal's files in chain order. */
export function journalFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => FILE.test(n) && statSync(join(dir, n)).isFile()).sort();
}

/** Every non-empty line of every journal file, with where it is (1-based lines). */
export function readJournalLines(dir: string): JournalLine[] {
  const out: JournalLine[] = [];
  for (const file of journalFiles(dir)) {
    readText(join(dir, file))
      .split('\n')
      .forEach((text, i) => {
        if (text.trim() !== '') out.push({ file, line: i + 1, text });
      });
  }
  return out;
}

/** The head the journal last wrote: the seq and hash of its last record. */
export function readHead(dir: string): ChainEnd | undefined {
  try {
    return JSON.parse(readText(join(dir, HEAD))) as ChainEnd;
  } catch {
    return undefined;
  }
}
