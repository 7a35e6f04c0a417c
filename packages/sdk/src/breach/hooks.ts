import type { BreachHook } from '../policy/types.js';
import { signWebhook } from './webhook.js';
import type { BreachSignal } from './signal.js';

/** How one delivery attempt ended. */
export type HookResult =
  | { kind: 'delivered' }
  /** 410 Gone: the endpoint asks never to be called again. */
  | { kind: 'gone' }
  /** Try again later: 429, 5xx, other statuses, timeouts, network errors. */
  | { kind: 'retry'; error: string; retryAfterMs?: number };

/** A destination for breach signals: an HTTP webhook or a function in the process. */
export interface HookTarget {
  name: string;
  role: 'primary' | 'escalation';
  deliver(signal: BreachSignal): Promise<HookResult>;
}

/** A hook given in code for in-process alerting (a pager, a chat bot). */
export interface FunctionHook {
  role?: 'primary' | 'escalation';
  /** Resolve to deliver; throw to have it retried like a failed webhook. */
  deliver(signal: BreachSignal): void | Promise<void>;
}

/** One event for a webhook: its stable id (the receiver deduplicates on it), type and data. */
export interface HookEvent {
  id: string;
  type: string;
  data: unknown;
}

/** A breach signal as a webhook event (`breach.<kind>`), its id on every retry. */
export function signalEvent(signal: BreachSignal): HookEvent {
  return { id: signal.id, type: `breach.${signal.kind}`, data: signal };
}

/** The webhook body (Standard Webhooks): small, typed, the event's data as it is. */
export function webhookBody(event: HookEvent, now: Date): string {
  return JSON.stringify({ type: event.type, timestamp: now.toISOString(), data: event.data });
}

/** What posting to a webhook needs besides the hook itself. */
export interface WebhookContext {
  env: NodeJS.ProcessEnv;
  clock: () => Date;
  fetch: typeof fetch;
}

/**
 * A Standard Webhooks 1.0 endpoint for breach signals: `webhook-id` is the signal's id on
 * every retry, `webhook-timestamp` the attempt's time, `webhook-signature` the HMAC over
 * both and the body with the `whsec_` secret from the environment variable the policy names.
 */
export function webhookTarget(name: string, hook: BreachHook, context: WebhookContext): HookTarget {
  return {
    name,
    role: hook.role ?? 'primary',
    deliver: (signal) => postEvent(hook, signalEvent(signal), context),
  };
}

/** Posts one event to a webhook, signed; says how the attempt ended, never throws. */
export async function postEvent(
  hook: BreachHook,
  event: HookEvent,
  context: WebhookContext,
): Promise<HookResult> {
  const now = context.clock();
  const body = webhookBody(event, now);
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
  };
  if (hook.secretEnv !== undefined) {
    const secret = context.env[hook.secretEnv];
    if (secret === undefined || secret === '')
      return {
        kind: 'retry',
        error: `environment variable ${hook.secretEnv} (the signing secret) is not set`,
      };
    try {
      headers['webhook-signature'] = signWebhook(secret, event.id, timestamp, body);
    } catch (error) {
      return { kind: 'retry', error: `${hook.secretEnv}: ${(error as Error).message}` };
    }
  }
  let response: Response;
  try {
    response = await context.fetch(hook.url, {
      method: 'POST',
      headers,
      body,
      // A redirect is not delivery: followed, a 303 would turn the event into a GET
      // without it, and a 307 would send it to a host the policy does not name.
      redirect: 'manual',
      signal: AbortSignal.timeout(hook.timeoutMs ?? 15_000),
    });
    // The answer's body is not needed, and a hook must not make us hold gigabytes.
    await response.body?.cancel().catch(() => undefined);
  } catch (error) {
    return { kind: 'retry', error: networkFailure(error) };
  }
  if (response.status >= 200 && response.status < 300) return { kind: 'delivered' };
  if (response.status >= 300 && response.status < 400)
    return {
      kind: 'retry',
      error: `HTTP ${String(response.status)}: redirects are not followed; give the hook's final URL`,
    };
  if (response.status === 410) return { kind: 'gone' };
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  return {
    kind: 'retry',
    error: `HTTP ${String(response.status)}`,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/**
 * Why a request failed, as a record may say it: the error's kind and its cause's code
 * (ECONNREFUSED, ENOTFOUND …), never the message, which can quote the URL and so a
 * secret in it.
 */
function networkFailure(error: unknown): string {
  const e = error as { name?: unknown; cause?: { code?: unknown; name?: unknown } };
  if (e.name === 'TimeoutError') return 'timeout';
  const cause = e.cause?.code ?? e.cause?.name;
  return `network: ${typeof e.name === 'string' ? e.name : 'Error'}${typeof cause === 'string' ? ` (${cause})` : ''}`;
}

export function functionTarget(name: string, hook: FunctionHook): HookTarget {
  return {
    name,
    role: hook.role ?? 'primary',
    async deliver(signal) {
      try {
        await hook.deliver(structuredClone(signal));
        return { kind: 'delivered' };
      } catch (error) {
        return { kind: 'retry', error: `hook threw: ${(error as Error).name}` };
      }
    },
  };
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  // Seconds; a number too large for a date is still a finite wait (the service caps it).
  if (/^\d+$/.test(value.trim())) return Math.min(Number(value.trim()), 1e9) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
