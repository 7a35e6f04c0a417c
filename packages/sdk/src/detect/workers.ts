// Inspection of large bodies off the event loop. A megabyte of text that sounds sensitive
// (a course import of first-aid lessons) takes the full detection path for most of its
// strings, tens of milliseconds on one core: on the event loop every other request would
// wait behind it. Bodies from `minBytes` up go to a small pool of worker threads instead;
// smaller ones are inspected in place, where a thread hop would cost more than it saves.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DpaGuardError } from '../errors.js';
import type { DetectionSettings } from '../policy/types.js';
import type { Detection } from './engine.js';
import type { DetectReply, DetectRequest } from './worker.js';

export interface InspectionWorkerOptions {
  /** Bodies of at least this many bytes of JSON are inspected off the event loop. Default 256 KiB. */
  minBytes?: number;
  /** Worker threads at most, started as bodies need them. Default: cores − 1, at least 1, at most 4. */
  threads?: number;
}

export const DEFAULT_OFF_THREAD_BYTES = 256 * 1024;

// The compiled worker next to this module; run from source (the tests), the package's build.
const besideThis = new URL('./worker.js', import.meta.url);
const WORKER_SCRIPT = existsSync(besideThis)
  ? besideThis
  : new URL('../../dist/detect/worker.js', import.meta.url);

interface Pending {
  resolve: (detection: Detection) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** A pool of detection workers; each body goes to the thread with the fewest waiting. */
export class InspectionWorkers {
  readonly minBytes: number;
  readonly #threads: Thread[] = [];
  readonly #max: number;
  #next = 0;
  #closed = false;

  constructor(options: InspectionWorkerOptions = {}) {
    this.minBytes = options.minBytes ?? DEFAULT_OFF_THREAD_BYTES;
    this.#max = options.threads ?? Math.min(4, Math.max(1, availableParallelism() - 1));
  }

  /** Detection for a JSON body, in a worker. Rejects if the worker fails or the pool closed. */
  detect(json: Uint8Array, settings: DetectionSettings): Promise<Detection> {
    if (this.#closed)
      return Promise.reject(
        new DpaGuardError('DPA_ERR_INSPECTION_FAILED', 'the inspection workers are closed.'),
      );
    const thread = this.#pick();
    const id = this.#next++;
    // A copy: the caller keeps its buffer (an adapter may still need it).
    const request: DetectRequest = { id, settings: JSON.stringify(settings), json };
    return new Promise<Detection>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((t) => t.worker.terminate()));
    this.#threads.length = 0;
  }

  #pick(): Thread {
    const idle = this.#threads.find((t) => t.pending.size === 0);
    if (idle !== undefined) return idle;
    if (this.#threads.length < this.#max) return this.#start();
    return this.#threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  #start(): Thread {
    const worker = new Worker(WORKER_SCRIPT);
    const thread: Thread = { worker, pending: new Map() };
    worker.unref(); // an idle pool must not keep the process alive
    worker.on('message', (reply: DetectReply) => {
      const waiting = thread.pending.get(reply.id);
      if (waiting === undefined) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      if (reply.ok) waiting.resolve(reply.detection);
      else
        waiting.reject(
          new DpaGuardError(
            'DPA_ERR_INSPECTION_FAILED',
            `${reply.error.message} (${reply.error.name}).`,
          ),
        );
    });
    // A worker that dies fails what it held; the next body starts a new one.
    const fail = (why: string) => {
      const index = this.#threads.indexOf(thread);
      if (index >= 0) this.#threads.splice(index, 1);
      for (const waiting of thread.pending.values())
        waiting.reject(new DpaGuardError('DPA_ERR_INSPECTION_FAILED', why));
      thread.pending.clear();
    };
    worker.on('error', (error) => fail(`the inspection worker failed (${error.name}).`));
    worker.on('exit', (code) => fail(`the inspection worker stopped (exit ${code}).`));
    this.#threads.push(thread);
    return thread;
  }
}
