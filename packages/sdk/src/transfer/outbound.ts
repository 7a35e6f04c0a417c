import type * as HttpModule from 'node:http';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { trace } from '@opentelemetry/api';
import { DpaGuardError } from '../errors.js';
import { currentProcessing } from '../purpose/context.js';
import type { TransferDecision, TransferRequest } from './check.js';

/** Thrown (or, for fetch, rejected with) when a transfer is stopped. Never sent anywhere. */
export class TransferBlockedError extends DpaGuardError {
  readonly decision: TransferDecision;

  constructor(decision: TransferDecision) {
    super(
      'DPA_ERR_TRANSFER_BLOCKED',
      `dpa-guard stopped an outbound request to ${decision.host ?? decision.subprocessor ?? 'an unknown host'}` +
        `${decision.subprocessor === undefined ? '' : ` (subprocessor ${decision.subprocessor}${decision.country === undefined ? '' : `, ${decision.country}`})`}` +
        `: ${decision.reasons.join(', ')}. Nothing was sent.`,
    );
    this.name = 'TransferBlockedError';
    this.decision = decision;
  }
}

/** What the outbound guard needs from a guard. */
export interface OutboundChecker {
  checkTransfer(request: TransferRequest): TransferDecision;
  /** Called with every checked outbound request, allowed or not. */
  onTransfer(decision: TransferDecision): void;
}

export interface OutboundProtection {
  /** Puts the original `http`, `https` and `fetch` back. */
  restore(): void;
}

// The modules' own (CommonJS) objects: the only ones whose functions can be replaced;
// syncBuiltinESMExports() then updates what ES module imports of them see.
const require = createRequire(import.meta.url);
const http = require('node:http') as typeof HttpModule;
const https = require('node:https') as typeof HttpModule;

type RequestFn = typeof HttpModule.request;

let active: { owner: OutboundChecker; protection: OutboundProtection } | undefined;

/**
 * Checks every outbound HTTP(S) request made with `http.request`, `http.get`,
 * `https.request`, `https.get` and the global `fetch` while a processing is in progress
 * (the purpose context): an unlawful or unknown destination is stopped before any byte is
 * sent — `http`/`https` throw a {@link TransferBlockedError}, `fetch` rejects with it.
 * Requests outside a processing are not checked: they carry no personal data of a tenant
 * as far as the guard knows. One protection per process; a second call from the same
 * guard returns the first.
 */
export function protectOutbound(checker: OutboundChecker): OutboundProtection {
  if (active !== undefined) {
    if (active.owner === checker) return active.protection;
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      'protectOutbound(): another guard already protects outbound requests in this process; restore() it first.',
    );
  }
  const originals = {
    httpRequest: http.request,
    httpGet: http.get,
    httpsRequest: https.request,
    httpsGet: https.get,
    fetch: globalThis.fetch,
  };
  const check = (host: string): void => {
    const processing = currentProcessing();
    if (processing === undefined) return;
    const decision = checker.checkTransfer({ host, purpose: processing.purpose });
    checker.onTransfer(decision);
    if (!decision.allowed) throw new TransferBlockedError(decision);
    if (decision.subprocessor !== undefined) {
      trace.getActiveSpan()?.setAttributes({
        'dpa.subprocessor': decision.subprocessor,
        'dpa.transfer.country': decision.country ?? '',
        'dpa.transfer.basis': decision.basis ?? '',
      });
    }
  };
  const guarded = (original: RequestFn): RequestFn =>
    function dpaGuardedRequest(this: unknown, ...args: unknown[]) {
      check(hostOfRequestArgs(args));
      return (original as (...a: unknown[]) => HttpModule.ClientRequest).apply(this, args);
    };
  http.request = guarded(originals.httpRequest);
  http.get = guarded(originals.httpGet);
  https.request = guarded(originals.httpsRequest);
  https.get = guarded(originals.httpsGet);
  if (typeof originals.fetch === 'function') {
    globalThis.fetch = function dpaGuardedFetch(input, init) {
      try {
        check(hostOfFetchInput(input));
      } catch (error) {
        // fetch reports failures as a rejected promise, never by throwing.
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return originals.fetch(input, init);
    };
  }
  syncBuiltinESMExports();
  const protection: OutboundProtection = {
    restore() {
      if (active?.protection !== protection) return;
      http.request = originals.httpRequest;
      http.get = originals.httpGet;
      https.request = originals.httpsRequest;
      https.get = originals.httpsGet;
      globalThis.fetch = originals.fetch;
      syncBuiltinESMExports();
      active = undefined;
    },
  };
  active = { owner: checker, protection };
  return protection;
}

/**
 * The host Node will connect to for `http.request(url[, options][, cb])` or
 * `http.request(options[, cb])`: as Node does, options given next to a URL are laid over
 * the URL's parts, and `hostname` wins over `host`.
 */
function hostOfRequestArgs(args: unknown[]): string {
  const [first, second] = args;
  type Parts = { hostname?: unknown; host?: unknown };
  let parts: Parts = {};
  let options: Parts | undefined;
  if (typeof first === 'string' || first instanceof URL) {
    const url = new URL(first);
    parts = { hostname: url.hostname, host: url.host };
    if (second !== null && typeof second === 'object') options = second;
  } else if (first !== null && typeof first === 'object') {
    options = first;
  }
  const merged: Parts = { ...parts, ...options };
  if (typeof merged.hostname === 'string' && merged.hostname !== '') return merged.hostname;
  if (typeof merged.host === 'string' && merged.host !== '') return stripPort(merged.host);
  return 'localhost';
}

function hostOfFetchInput(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return new URL(input).hostname;
  if (input instanceof URL) return input.hostname;
  return new URL(input.url).hostname;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}
