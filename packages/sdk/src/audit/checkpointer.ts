// When checkpoints are made, and where the journal keeps its own: for the file journal, a
// `checkpoints.jsonl` beside the records. The journal tells the checkpointer when it opens,
// when records are durable and when it closes; the checkpointer signs at open (before any
// record of this process), every `everyRecords` records or `everyMs` milliseconds while
// records come, and at close, then hands each checkpoint to the copies out of the box.
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  appendDurablySync,
  cutDurably,
  DurableAppender,
  readText,
} from '../storage/durable-file.js';
import {
  asCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type CheckpointReason,
} from './checkpoint.js';
import type { CheckpointCopy } from './checkpoint-copies.js';
import type { ChainEnd } from './record.js';
import type { SigningKey } from './signing-key.js';

/** How a trail is checkpointed: the key, how often, and where copies go. */
export interface CheckpointSettings {
  key: SigningKey;
  /** The trail's name in its checkpoints. */
  origin: string;
  /** A checkpoint at least every this many records. */
  everyRecords: number;
  /** …and at least this often (ms) while records come. */
  everyMs: number;
  clock: () => Date;
  copies: readonly CheckpointCopy[];
  logger?: Logger | undefined;
}

/** What a journal tells the checkpointer of its chain. */
export interface ChainWatcher {
  /**
   * The journal opened and its chain ends at `end`: a checkpoint is written, durably,
   * before this returns, so a record of this process never stands before its `open`.
   */
  opened(end: ChainEnd | undefined): void;
  /** Records up to `end` are durable. */
  durable(end: ChainEnd): void;
  /** The journal is closing with its chain at `end`: a last (`close`) checkpoint. */
  close(end: ChainEnd | undefined): Promise<void>;
}

/** The file the journal's own checkpoints are kept in, beside its records. */
export const CHECKPOINT_FILE = 'checkpoints.jsonl';

/** The checkpoints in a journal's directory, in order; lines that are none are counted. */
export function readCheckpointLog(dir: string): { checkpoints: Checkpoint[]; unreadable: number } {
  const checkpoints: Checkpoint[] = [];
  let unreadable = 0;
  for (const line of readText(join(dir, CHECKPOINT_FILE)).split('\n')) {
    if (line.trim() === '') continue;
    let checkpoint: Checkpoint | undefined;
    try {
      checkpoint = asCheckpoint(JSON.parse(line));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      checkpoint = undefined;
    }
    if (checkpoint === undefined) unreadable++;
    else checkpoints.push(checkpoint);
  }
  return { checkpoints, unreadable };
}

/** The checkpointer of a file journal: one chain (""), checkpoints in `dir/checkpoints.jsonl`. */
export class FileCheckpoints implements ChainWatcher {
  readonly #path: string;
  readonly #s: CheckpointSettings;
  #appender: DurableAppender | undefined;
  #last: Checkpoint | undefined;
  #pending: ChainEnd | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writes = new Set<Promise<void>>();

  constructor(dir: string, settings: CheckpointSettings) {
    this.#path = join(dir, CHECKPOINT_FILE);
    this.#s = settings;
  }

  opened(end: ChainEnd | undefined): void {
    this.#last = this.#lastOnDisk();
    const last = this.#last;
    if (last !== undefined) {
      // The trail as found must agree with its last checkpoint; if not, someone changed it
      // while no process held it. Verification will point at where; say it now, loudly.
      const behind = (end?.seq ?? 0) < last.seq;
      const moved = end?.seq === last.seq && end.hash !== last.hash;
      const afterClose = last.reason === 'close' && (end?.seq ?? 0) > last.seq;
      if (behind || moved || afterClose)
        this.#s.logger?.error(
          {
            dpa: {
              audit: {
                records: end?.seq ?? 0,
                checkpointed: last.seq,
                problem: behind ? 'removed' : moved ? 'altered' : 'appended-after-close',
              },
            },
          },
          'dpa-guard audit trail does not match its last signed checkpoint: it was changed while closed; run dpa-guard audit verify',
        );
    }
    const checkpoint = this.#sign('open', end);
    appendDurablySync(this.#path, `${JSON.stringify(checkpoint)}\n`);
    this.#copy(checkpoint);
    this.#appender ??= new DurableAppender(this.#path);
  }

  durable(end: ChainEnd): void {
    if (this.#pending !== undefined && end.seq <= this.#pending.seq) return;
    this.#pending = end;
    const since = end.seq - (this.#last?.seq ?? 0);
    if (since >= this.#s.everyRecords) this.#checkpoint('interval');
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#checkpoint('interval');
      }, this.#s.everyMs);
      this.#timer.unref();
    }
  }

  async close(end: ChainEnd | undefined): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (end !== undefined && (this.#pending === undefined || end.seq > this.#pending.seq))
      this.#pending = end;
    // Only a journal that opened has an `open` checkpoint for its `close` to follow.
    if (this.#appender !== undefined) this.#checkpoint('close', true);
    await Promise.all(this.#writes);
    await this.#appender?.close();
    this.#appender = undefined;
    await Promise.all(this.#s.copies.map((c) => c.close()));
  }

  /** Signs where the chain stands; `always`: also when nothing was added since the last. */
  #checkpoint(reason: CheckpointReason, always = false): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const end = this.#pending ?? (this.#last === undefined ? undefined : this.#last);
    const seq = end?.seq ?? 0;
    if (!always && this.#last !== undefined && seq <= this.#last.seq) return;
    const checkpoint = this.#sign(
      reason,
      end === undefined ? undefined : { seq: end.seq, hash: end.hash },
    );
    const appender = this.#appender;
    if (appender === undefined) return;
    const written = appender.append(`${JSON.stringify(checkpoint)}\n`).then(
      () => this.#copy(checkpoint),
      (error: unknown) =>
        this.#s.logger?.error(
          { err: { code: (error as NodeJS.ErrnoException).code } },
          'dpa-guard could not write an audit checkpoint',
        ),
    );
    this.#writes.add(written);
    void written.finally(() => this.#writes.delete(written));
  }

  #sign(reason: CheckpointReason, end: ChainEnd | undefined): Checkpoint {
    const checkpoint = signCheckpoint(
      {
        origin: this.#s.origin,
        chain: '',
        end,
        time: this.#s.clock(),
        reason,
        previous: this.#last,
      },
      this.#s.key,
    );
    this.#last = checkpoint;
    return checkpoint;
  }

  #copy(checkpoint: Checkpoint): void {
    for (const copy of this.#s.copies) copy.publish(checkpoint);
  }

  /** The last whole checkpoint in the file; a line torn by a crash is cut off first. */
  #lastOnDisk(): Checkpoint | undefined {
    const text = readText(this.#path);
    if (text === '') return undefined;
    if (!text.endsWith('\n')) {
      const cut = text.lastIndexOf('\n') + 1;
      cutDurably(this.#path, Buffer.byteLength(text.slice(0, cut)));
    }
    const lines = text.slice(0, text.lastIndexOf('\n')).split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const checkpoint = asCheckpoint(JSON.parse(lines[i]!));
        if (checkpoint !== undefined) return checkpoint;
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        // not a checkpoint: an older one links the new chain on
      }
    }
    return undefined;
  }
}
