import {
  close,
  closeSync,
  existsSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  write,
  writeSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { DpaGuardError } from '../errors.js';

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);

/** Lines queued together: one write, one fsync, one promise for all of their callers. */
interface Batch {
  texts: string[];
  /** Its lines have waited already (see appendDue): it goes out without lingering. */
  due: boolean;
  promise: Promise<void>;
  settle: (error?: Error) => void;
}
type Queued = Batch | { switchTo: string };

/** A promise and the one function that settles it: resolved without an error, else rejected. */
export function settleable(): { promise: Promise<void>; settle: (error?: Error) => void } {
  let settle: (error?: Error) => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  return { promise, settle };
}

function newBatch(text: string, due: boolean): Batch {
  return { texts: [text], due, ...settleable() };
}

/**
 * Appends lines to a file durably: every batch of lines queued while the previous batch
 * was being written goes out in one write and one fsync (group commit), and each caller's
 * promise resolves only after the fsync that covered its line. Opening is synchronous, so
 * callers can keep their own order without awaiting anything first; `switchTo` moves
 * later lines to another file (rotation) in the same order.
 */
export class DurableAppender {
  #fd: number | undefined;
  #queue: Queued[] = [];
  #flushing: Promise<void> | undefined;

  readonly #lingerMs: number;
  readonly #stopOnFailure: boolean;
  /** Why the file can take no more lines, once it cannot. */
  #failure: Error | undefined;

  /**
   * `lingerMs`: how long a write waits for more lines before it goes out. An fsync per
   * handful of lines is most of the cost of a busy journal; waiting a few milliseconds
   * makes the batches larger. Callers still hear only after the fsync. Default 0.
   * `stopOnFailure`: after a failed write, refuse every later line instead of writing it
   * (for a hash chain, whose later lines link to the lost ones). Default false.
   */
  constructor(path: string, options: { lingerMs?: number; stopOnFailure?: boolean } = {}) {
    this.#fd = openDurably(path);
    this.#lingerMs = options.lingerMs ?? 0;
    this.#stopOnFailure = options.stopOnFailure ?? false;
  }

  /**
   * Resolves once `text` is on disk. Lines queued while a batch waits share its promise
   * (the same object for all of them), so a busy caller pays for one per batch, not per line.
   */
  append(text: string): Promise<void> {
    return this.#add(text, false);
  }

  /**
   * As `append`, for lines that have waited for company already (a caller's own queue): a
   * batch they start goes out without lingering again.
   */
  appendDue(text: string): Promise<void> {
    return this.#add(text, true);
  }

  #add(text: string, due: boolean): Promise<void> {
    if (this.#failure !== undefined) {
      const refused = newBatch(text, due);
      refused.settle(this.#failure);
      return refused.promise;
    }
    const last = this.#queue[this.#queue.length - 1];
    if (last !== undefined && 'texts' in last) {
      last.texts.push(text);
      return last.promise;
    }
    const batch = newBatch(text, due);
    this.#queue.push(batch);
    this.#flushing ??= this.#flush();
    return batch.promise;
  }

  /** Lines appended from now on go to `path`. */
  switchTo(path: string): void {
    this.#queue.push({ switchTo: path });
    this.#flushing ??= this.#flush();
  }

  async #flush(): Promise<void> {
    for (;;) {
      // Every batch lingers, not only the first: under steady load the next batch would
      // otherwise go out as soon as the last fsync ended, a line or two at a time.
      const first = this.#queue[0];
      if (this.#lingerMs > 0 && first !== undefined && 'texts' in first && !first.due)
        await new Promise((r) => setTimeout(r, this.#lingerMs));
      const next = this.#queue.shift();
      if (next === undefined) break;
      if ('switchTo' in next) {
        if (this.#failure !== undefined) continue; // no new files after a failure
        try {
          if (this.#fd !== undefined) await closeAsync(this.#fd);
          this.#fd = undefined;
          this.#fd = openDurably(next.switchTo);
        } catch (error) {
          this.#failure = error as Error; // no file to write to: nothing after this goes out
        }
        continue;
      }
      if (this.#failure !== undefined) {
        next.settle(this.#failure);
        continue;
      }
      try {
        if (this.#fd === undefined) throw new Error('the file was closed');
        const fd = this.#fd;
        const data = Buffer.from(next.texts.join(''));
        for (let off = 0; off < data.length;)
          off += (await writeAsync(fd, data, off, data.length - off)).bytesWritten;
        await fsyncAsync(fd);
        next.settle();
      } catch (error) {
        next.settle(error as Error);
        if (this.#stopOnFailure) this.#failure = error as Error;
      }
    }
    this.#flushing = undefined;
  }

  /** Resolves once everything appended so far is on disk. */
  async drain(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
  }

  /** Waits for what is queued, then closes the file; later lines are refused. */
  async close(): Promise<void> {
    // Awaiting yields first: lines appended in the same turn as the call are still written.
    do await this.drain();
    while (this.#flushing !== undefined);
    if (this.#fd !== undefined) await closeAsync(this.#fd);
    this.#fd = undefined;
  }
}

/** Opens a file for appending; a new file's directory entry is made durable too. */
function openDurably(path: string): number {
  const existed = existsSync(path);
  const fd = openSync(path, 'a');
  if (!existed) syncDirectory(dirname(path));
  return fd;
}

/** The file's text, or "" when it does not exist. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Writes a whole file and fsyncs it before returning; `mode` for a file it creates. */
export function writeDurably(path: string, data: Buffer | string, mode = 0o666): void {
  const fd = openSync(path, 'w', mode);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends one line and fsyncs it before returning: for rare lines that must be durable
 * before anything else happens (a checkpoint at open), not for a busy journal.
 */
export function appendDurablySync(path: string, text: string): void {
  const fd = openDurably(path);
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces a whole file atomically (write aside, fsync, rename, fsync the directory). */
export function replaceDurably(path: string, data: Buffer | string): void {
  const aside = `${path}.${String(process.pid)}.tmp`;
  writeDurably(aside, data);
  renameSync(aside, path);
  syncDirectory(dirname(path));
}

/**
 * Cuts a journal back to its first `length` bytes (what replay found whole) and ends it
 * with a newline, in place. Rewriting the file instead would first truncate it to nothing:
 * a crash in between would lose every record, not just the torn one.
 */
export function cutDurably(path: string, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, length);
    if (length > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, length - 1);
      if (last[0] !== 0x0a) writeSync(fd, '\n', length);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename in `dir` durable (where the platform can fsync a directory). */
export function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  }
}

/** Locks this process holds, by real path: a second holder in the same process is refused too. */
const heldHere = new Set<string>();

/**
 * One process per directory: `name` holds the owner's pid. A live other owner is refused
 * with a clear error; a dead one's lock is taken over (a crash leaves its lock behind).
 * Taking over is itself exclusive: processes starting together race for a takeover token
 * (an exclusive create), and the winner checks the owner again while it holds it, so one
 * takes the lock and the others find it alive. (A crash in the microseconds a process
 * holds the token leaves a token whose owner is dead; the next start clears it.)
 */
export function takeDirLock(dir: string, name: string, what: string): void {
  const path = join(dir, name);
  const key = join(realpathSync(dir), name);
  const refuse = (owner: number) =>
    new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      `the ${what} in ${dir} is in use by process ${String(owner)}${owner === process.pid ? ' (this one, through another instance)' : ''}; give each process its own directory, or use a shared store.`,
    );
  if (heldHere.has(key)) throw refuse(process.pid);
  if (!createExclusive(path)) {
    const owner = lockOwner(dir, name);
    if (owner !== undefined) throw refuse(owner);
    takeOver(dir, name, refuse);
  }
  heldHere.add(key);
}

/**
 * Creates `path` holding this pid, whole from its first moment (a hard link to a file
 * written first: an exclusive create and then a write would let others read it empty);
 * false when the file exists.
 */
function createExclusive(path: string): boolean {
  const written = `${path}.${String(process.pid)}.new`;
  writeDurably(written, String(process.pid));
  try {
    linkSync(written, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(written, { force: true });
  }
}

/** Takes a dead owner's (or a released) lock over, under the takeover token. */
function takeOver(dir: string, name: string, refuse: (owner: number) => Error): void {
  const path = join(dir, name);
  const token = `${path}.takeover`;
  if (!createExclusive(token)) {
    const taker = Number(readText(token).trim());
    if (!Number.isInteger(taker) || taker <= 0 || isAlive(taker)) throw refuse(taker);
    rmSync(token, { force: true }); // left by a crash mid-takeover
    if (!createExclusive(token)) throw refuse(Number(readText(token).trim()));
  }
  try {
    // Someone may have taken it over before this process got the token.
    const owner = lockOwner(dir, name);
    if (owner !== undefined) throw refuse(owner);
    const mine = `${path}.${String(process.pid)}`;
    writeDurably(mine, String(process.pid));
    renameSync(mine, path);
  } finally {
    rmSync(token, { force: true });
  }
}

export function releaseDirLock(dir: string, name: string): void {
  try {
    heldHere.delete(join(realpathSync(dir), name));
  } catch {
    // the directory is gone: nothing is held there any more
  }
  if (Number(readText(join(dir, name)).trim()) === process.pid) writeDurably(join(dir, name), '');
}

/** The pid of a live process, other than this one, holding the lock, if any. */
export function lockOwner(dir: string, name: string): number | undefined {
  const owner = Number(readText(join(dir, name)).trim());
  return Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)
    ? owner
    : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
