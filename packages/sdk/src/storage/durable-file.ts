import { closeSync, fsyncSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { DpaGuardError } from '../errors.js';

/**
 * Appends lines to a file durably: every batch of lines queued while the previous batch
 * was being written goes out in one write and one fsync (group commit), and each caller's
 * promise resolves only after the fsync that covered its line.
 */
export class DurableAppender {
  #handle: FileHandle | undefined;
  #queue: { text: string; done: (error?: Error) => void }[] = [];
  #flushing: Promise<void> | undefined;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  static async open(path: string): Promise<DurableAppender> {
    return new DurableAppender(await open(path, 'a'));
  }

  /** Resolves once `text` is on disk. */
  append(text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ text, done: (e) => (e === undefined ? resolve() : reject(e)) });
      this.#flushing ??= this.#flush();
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        if (this.#handle === undefined) throw new Error('the file was closed');
        await this.#handle.write(batch.map((b) => b.text).join(''));
        await this.#handle.sync();
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.done(error as Error);
      }
    }
    this.#flushing = undefined;
  }

  /** Waits for what is queued, then closes the file. */
  async close(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
    await this.#handle?.close();
    this.#handle = undefined;
  }
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

/** Writes a whole file and fsyncs it before returning. */
export function writeDurably(path: string, data: Buffer | string): void {
  const fd = openSync(path, 'w');
  try {
    writeFileSync(fd, data);
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

/**
 * One process per directory: `name` holds the owner's pid. A live other owner is refused
 * with a clear error; a dead one's lock is taken over (a crash leaves its lock behind).
 */
export function takeDirLock(dir: string, name: string, what: string): void {
  const owner = lockOwner(dir, name);
  if (owner !== undefined) {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      `the ${what} in ${dir} is in use by process ${String(owner)}; give each process its own directory, or use a shared store.`,
    );
  }
  writeDurably(join(dir, name), String(process.pid));
}

export function releaseDirLock(dir: string, name: string): void {
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
