import { mkdirSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DpaGuardError } from '../errors.js';
import {
  cutDurably,
  DurableAppender,
  lockOwner,
  readText,
  releaseDirLock,
  syncDirectory,
  takeDirLock,
  writeDurably,
} from '../storage/durable-file.js';
import type { BreachOutbox, DeliveryState, OutboxEntry } from './outbox.js';
import type { BreachSignal } from './signal.js';

type JournalRecord =
  | { t: 'add'; signal: BreachSignal }
  | { t: 'delivery'; id: string; hook: string; state: DeliveryState }
  | { t: 'escalated'; id: string; at: string };

const JOURNAL = 'outbox.jsonl';
const LOCK = 'outbox.lock';

/**
 * The embedded outbox: an append-only JSON Lines journal in a local directory, each batch
 * of records written and fsynced before the callers' promises resolve (group commit), so a
 * signal that `add` accepted survives a crash. On open the journal is replayed; a record
 * torn by a crash mid-write (the last line) is cut off, never guessed. `compact` rewrites
 * the journal with open signals only, atomically (write, fsync, rename, fsync directory).
 *
 * One process per directory: a lock file holds the owner's pid and is taken over when that
 * process is gone. Many instances need a shared store instead.
 */
export class FileOutbox implements BreachOutbox {
  readonly #dir: string;
  readonly #entries = new Map<string, OutboxEntry>();
  #appender: DurableAppender | undefined;
  #compacting: Promise<void> | undefined;
  readonly #inflight = new Set<Promise<void>>();
  #opened: Promise<void> | undefined;
  /** Records replayed that could not be read (a torn last line). */
  discarded = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Opens (and replays) the journal; called by every method, once. */
  #open(): Promise<void> {
    // Synchronous work in a promise, so that a lock held elsewhere rejects like any failure.
    this.#opened ??= new Promise<void>((resolve) => {
      mkdirSync(this.#dir, { recursive: true });
      takeDirLock(this.#dir, LOCK, 'breach outbox');
      const path = join(this.#dir, JOURNAL);
      const text = readText(path);
      const replay = replayJournal(text);
      for (const [id, entry] of replay.entries) this.#entries.set(id, entry);
      this.discarded = replay.discarded;
      // A crash tore the last record: keep what was whole, and end with a newline.
      if (replay.wholeBytes < Buffer.byteLength(text) || (text !== '' && !text.endsWith('\n')))
        cutDurably(path, replay.wholeBytes);
      this.#appender = new DurableAppender(path);
      resolve();
    });
    // A failure (a lock still held by a process that is going away) is not kept.
    this.#opened.catch(() => (this.#opened = undefined));
    return this.#opened;
  }

  async #append(record: JournalRecord): Promise<void> {
    await this.#open();
    // Compaction swaps the journal file: appends wait for it, and it waits for them.
    while (this.#compacting !== undefined) await this.#compacting;
    const written = this.#appender!.append(`${JSON.stringify(record)}\n`).then(() =>
      applyRecord(this.#entries, record),
    );
    this.#inflight.add(written);
    try {
      await written;
    } finally {
      this.#inflight.delete(written);
    }
  }

  async add(signal: BreachSignal, transaction?: unknown): Promise<void> {
    if (transaction !== undefined)
      throw new DpaGuardError(
        'DPA_ERR_INVALID_OPTIONS',
        'signalBreach({ client }): the file outbox cannot join a database transaction; use the PostgreSQL stores.',
      );
    await this.#open();
    if (this.#entries.has(signal.id)) return;
    await this.#append({ t: 'add', signal });
  }

  async setDelivery(id: string, hook: string, state: DeliveryState): Promise<void> {
    await this.#append({ t: 'delivery', id, hook, state });
  }

  async setEscalated(id: string, at: string): Promise<void> {
    await this.#append({ t: 'escalated', id, at });
  }

  async entries(): Promise<OutboxEntry[]> {
    await this.#open();
    return [...this.#entries.values()].map((e) => structuredClone(e));
  }

  async compact(isDone: (entry: OutboxEntry) => boolean): Promise<void> {
    await this.#open();
    while (this.#compacting !== undefined) await this.#compacting;
    let finished = () => undefined as void;
    this.#compacting = new Promise<void>((resolve) => (finished = resolve));
    try {
      await Promise.allSettled([...this.#inflight]);
      await this.#rewrite(isDone);
    } finally {
      this.#compacting = undefined;
      finished();
    }
  }

  async #rewrite(isDone: (entry: OutboxEntry) => boolean): Promise<void> {
    const keep: JournalRecord[] = [];
    for (const [id, entry] of this.#entries) {
      if (isDone(entry)) {
        this.#entries.delete(id);
        continue;
      }
      keep.push({ t: 'add', signal: entry.signal });
      for (const [hook, state] of Object.entries(entry.deliveries))
        keep.push({ t: 'delivery', id, hook, state });
      if (entry.escalatedAt !== undefined) keep.push({ t: 'escalated', id, at: entry.escalatedAt });
    }
    const path = join(this.#dir, JOURNAL);
    const tmp = `${path}.compact`;
    writeDurably(tmp, Buffer.from(keep.map((r) => `${JSON.stringify(r)}\n`).join('')));
    await this.#appender!.close();
    await rename(tmp, path);
    syncDirectory(this.#dir);
    this.#appender = new DurableAppender(path);
  }

  async close(): Promise<void> {
    if (this.#opened === undefined) return;
    await this.#opened;
    await this.#appender?.close();
    this.#appender = undefined;
    this.#opened = undefined;
    this.#entries.clear();
    releaseDirLock(this.#dir, LOCK);
  }
}

function applyRecord(entries: Map<string, OutboxEntry>, record: JournalRecord): void {
  switch (record.t) {
    case 'add':
      if (!entries.has(record.signal.id))
        entries.set(record.signal.id, { signal: record.signal, deliveries: {} });
      return;
    case 'delivery': {
      const entry = entries.get(record.id);
      if (entry !== undefined) entry.deliveries[record.hook] = record.state;
      return;
    }
    case 'escalated': {
      const entry = entries.get(record.id);
      if (entry !== undefined) entry.escalatedAt = record.at;
      return;
    }
  }
}

/**
 * Replays a journal: the entries it describes, how many bytes of it are whole records
 * (a crash can tear only the end), and how many records could not be read.
 */
export function replayJournal(text: string): {
  entries: Map<string, OutboxEntry>;
  wholeBytes: number;
  discarded: number;
} {
  const entries = new Map<string, OutboxEntry>();
  let wholeBytes = 0;
  let offset = 0;
  let discarded = 0;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    const end = offset + Buffer.byteLength(line) + (last ? 0 : 1);
    if (line.trim() !== '') {
      const record = parseRecord(line);
      if (record === undefined) discarded++;
      else {
        applyRecord(entries, record);
        wholeBytes = end;
      }
    }
    if (!last && line.trim() === '') wholeBytes = end;
    offset = end;
  });
  return { entries, wholeBytes, discarded };
}

/** The outbox as a journal on disk says it is, without taking it over (for the CLI). */
export function readOutbox(dir: string): OutboxEntry[] {
  return [...replayJournal(readText(join(dir, JOURNAL))).entries.values()];
}

/** The pid of a live process that holds the outbox in `dir`, if any. */
export function outboxOwner(dir: string): number | undefined {
  return lockOwner(dir, LOCK);
}

function parseRecord(line: string): JournalRecord | undefined {
  try {
    const record = JSON.parse(line) as Partial<JournalRecord>;
    if (record.t === 'add' && typeof record.signal?.id === 'string') return record as JournalRecord;
    if ((record.t === 'delivery' || record.t === 'escalated') && typeof record.id === 'string')
      return record as JournalRecord;
    return undefined;
  } catch (error) {
    // Not JSON: a torn or damaged line. Anything else (out of stack) is no verdict on it.
    if (!(error instanceof SyntaxError)) throw error;
    return undefined;
  }
}
