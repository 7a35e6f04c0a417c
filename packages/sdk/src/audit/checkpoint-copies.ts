// Copies of each checkpoint out of the box: an intruder who rewrites the data directory
// cannot reach them, so a trail cut back or deleted whole is caught by comparing it with
// any one of them. Copies are best effort on the request-free path; a copy that fails
// says so in the log and tries again with the newest checkpoint (which covers the older).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { postEvent, type WebhookContext } from '../breach/hooks.js';
import type { BreachHook } from '../policy/types.js';
import { runOutsideProcessing } from '../purpose/context.js';
import { appendDurablySync, replaceDurably } from '../storage/durable-file.js';
import { checkpointDigest, type Checkpoint } from './checkpoint.js';

/** Somewhere a checkpoint is copied to. */
export interface CheckpointCopy {
  readonly name: string;
  /** Takes a copy; never throws and never blocks on the network. */
  publish(checkpoint: Checkpoint): void;
  /** Tries once more what has not been copied yet, then stops. */
  close(): Promise<void>;
}

/** The file a copy directory keeps every checkpoint in, one per line. */
export const COPY_FILE = 'checkpoints.jsonl';
/** The public key beside the copies, for the auditor's convenience (check it out of band). */
export const PUBLIC_KEY_FILE = 'audit-signing.pub';

/**
 * A second directory (another disk, a mount the platform's user can append to but the
 * data directory's intruder cannot reach): every checkpoint appended to checkpoints.jsonl.
 */
export function directoryCopy(dir: string, publicKeyPem: string, logger?: Logger): CheckpointCopy {
  let prepared = false;
  return {
    name: `directory ${dir}`,
    publish(checkpoint) {
      try {
        if (!prepared) {
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          replaceDurably(join(dir, PUBLIC_KEY_FILE), publicKeyPem);
          prepared = true;
        }
        appendDurablySync(join(dir, COPY_FILE), `${JSON.stringify(checkpoint)}\n`);
      } catch (error) {
        logger?.error(
          { err: { code: (error as NodeJS.ErrnoException).code }, dpa: { audit: { copy: dir } } },
          'dpa-guard could not copy an audit checkpoint to its second directory',
        );
      }
    },
    close: () => Promise.resolve(),
  };
}

/** How often a hook that failed is tried again with the newest checkpoint. */
const HOOK_RETRY_MS = 30_000;

/**
 * The controller's hooks (the policy's primary breach webhooks): each checkpoint as a
 * signed Standard Webhooks event `audit.checkpoint`, its id derived from the checkpoint so
 * a receiver deduplicates retries. A hook that fails gets the newest checkpoint of each
 * chain later; older ones are covered by it.
 */
export function hookCopy(
  hooks: () => Readonly<Record<string, BreachHook>>,
  context: WebhookContext,
  logger?: Logger,
): CheckpointCopy {
  /** Per hook and chain, the newest checkpoint not yet delivered. */
  const waiting = new Map<string, Map<string, Checkpoint>>();
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const send = (name: string, hook: BreachHook, checkpoint: Checkpoint): void => {
    // Not a processing of personal data: outside any request's context, so the outbound
    // guard does not record it as a transfer (whose record would make the next checkpoint).
    const attempt = runOutsideProcessing(() =>
      postEvent(
        hook,
        {
          id: `ckp_${checkpointDigest(checkpoint).slice(0, 32)}`,
          type: 'audit.checkpoint',
          data: checkpoint,
        },
        context,
      ),
    ).then((result) => {
      const pending = waiting.get(name);
      const newest = pending?.get(checkpoint.chain);
      if (result.kind === 'delivered') {
        if (newest === checkpoint) pending?.delete(checkpoint.chain);
        return;
      }
      logger?.warn(
        {
          dpa: {
            audit: {
              hook: name,
              chain: checkpoint.chain,
              seq: checkpoint.seq,
              error: result.kind === 'retry' ? result.error : 'HTTP 410',
            },
          },
        },
        'dpa-guard could not send an audit checkpoint to a hook; will send the newest later',
      );
      if (!closed && timer === undefined) {
        timer = setTimeout(retry, HOOK_RETRY_MS);
        timer.unref();
      }
    });
    inFlight.add(attempt);
    void attempt.finally(() => inFlight.delete(attempt));
  };

  const primaries = () =>
    Object.entries(hooks()).filter(([, hook]) => (hook.role ?? 'primary') === 'primary');

  function retry(): void {
    timer = undefined;
    const byName = new Map(primaries());
    for (const [name, chains] of waiting) {
      const hook = byName.get(name);
      if (hook === undefined) continue;
      for (const checkpoint of chains.values()) send(name, hook, checkpoint);
    }
  }

  return {
    name: 'controller hooks',
    publish(checkpoint) {
      for (const [name, hook] of primaries()) {
        let chains = waiting.get(name);
        if (chains === undefined) waiting.set(name, (chains = new Map<string, Checkpoint>()));
        chains.set(checkpoint.chain, checkpoint);
        send(name, hook, checkpoint);
      }
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      await Promise.all(inFlight);
      if ([...waiting.values()].some((chains) => chains.size > 0)) {
        retry();
        clearTimeout(timer);
        timer = undefined;
        await Promise.all(inFlight);
      }
    },
  };
}
