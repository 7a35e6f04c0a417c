import { DpaGuardError } from '../errors.js';
import type { Category, Policy, Purpose, Subprocessor } from '../policy/types.js';
import { compileHostPatterns, isLoopback, normaliseHost, type HostMatcher } from './hosts.js';
import { standingOf } from './regions.js';

/** What a transfer is: to whom (a registered subprocessor, or a host), why, and what. */
export interface TransferRequest {
  /** The subprocessor's name in the policy. */
  subprocessor?: string | undefined;
  /** The destination host, when the subprocessor is not known by name. */
  host?: string | undefined;
  /** The purpose of the processing the transfer serves (clause 4.1). */
  purpose?: Purpose | undefined;
  /** Categories of personal data in the transfer, recorded with the decision. */
  categories?: readonly Category[] | undefined;
  /** When the transfer happens. Default: the guard's clock. */
  at?: Date | string | undefined;
}

/**
 * Why a transfer is lawful or not. The first reason decides; later ones add detail (a
 * US recipient without DPF certification that has SCCs: `mechanism`, `dpf-not-certified`).
 */
export type TransferReason =
  | 'loopback'
  | 'internal-host'
  | 'eea'
  | 'adequacy'
  | 'mechanism'
  | 'no-basis'
  | 'adequacy-expired'
  | 'adequacy-not-yet'
  | 'dpf-not-certified'
  | 'sector-not-covered'
  | 'unknown-host'
  | 'unknown-subprocessor'
  | 'purpose-missing'
  | 'purpose-not-declared';

export interface TransferDecision {
  allowed: boolean;
  reasons: TransferReason[];
  /** The lawful basis, when allowed. */
  basis?: 'exempt' | 'eea' | 'adequacy' | 'mechanism';
  subprocessor?: string;
  host?: string;
  country?: string;
  /** The adequacy decision or transfer mechanism relied on or found wanting. */
  instrument?: string;
  /** The last day the basis holds, when it has an end. */
  expires?: string;
  purpose?: Purpose;
  categories?: Category[];
  /** The date (YYYY-MM-DD) the transfer was judged for. */
  at: string;
  policyVersion: string;
}

interface CompiledSubprocessor {
  name: string;
  settings: Subprocessor;
  hosts: HostMatcher;
}

/** The subprocessor registry of one policy, compiled once. */
export class TransferRegistry {
  readonly #policy: Policy;
  readonly #subprocessors: CompiledSubprocessor[];
  readonly #internal: HostMatcher;

  constructor(policy: Policy) {
    this.#policy = policy;
    this.#subprocessors = Object.entries(policy.subprocessors).map(([name, settings]) => ({
      name,
      settings,
      hosts: compileHostPatterns(settings.hosts),
    }));
    this.#internal = compileHostPatterns(policy.transfers.internalHosts);
  }

  /** The registered subprocessor serving `host`, if any. */
  subprocessorFor(host: string): string | undefined {
    return this.#subprocessors.find((s) => s.hosts(host))?.name;
  }

  check(request: TransferRequest, today: string): TransferDecision {
    const at = dayOf(request.at) ?? today;
    const base = {
      at,
      policyVersion: this.#policy.version,
      ...(request.purpose === undefined ? {} : { purpose: request.purpose }),
      ...(request.categories === undefined ? {} : { categories: [...request.categories] }),
    };
    const host = request.host === undefined ? undefined : normaliseHost(request.host);
    const hostPart = host === undefined ? {} : { host };
    let target: CompiledSubprocessor | undefined;
    if (request.subprocessor !== undefined) {
      target = this.#subprocessors.find((s) => s.name === request.subprocessor);
      if (target === undefined)
        return { ...base, ...hostPart, allowed: false, reasons: ['unknown-subprocessor'] };
    } else if (host !== undefined) {
      if (isLoopback(host))
        return { ...base, host, allowed: true, basis: 'exempt', reasons: ['loopback'] };
      if (this.#internal(host))
        return { ...base, host, allowed: true, basis: 'exempt', reasons: ['internal-host'] };
      target = this.#subprocessors.find((s) => s.hosts(host));
      if (target === undefined) return { ...base, host, allowed: false, reasons: ['unknown-host'] };
    } else {
      return { ...base, allowed: false, reasons: ['unknown-host'] };
    }
    return { ...base, ...hostPart, ...this.#judge(target, request.purpose, at) };
  }

  #judge(
    target: CompiledSubprocessor,
    purpose: Purpose | undefined,
    at: string,
  ): Omit<TransferDecision, 'at' | 'policyVersion'> {
    const { settings, name } = target;
    const standing = standingOf(settings.country, at, {
      sector: settings.sector,
      dpfCertified: settings.dpfCertified,
      organisation: settings.organisation,
    });
    const where = { subprocessor: name, country: standing.country };
    const purposeProblem: TransferReason | undefined =
      purpose === undefined
        ? 'purpose-missing'
        : settings.purposes.includes(purpose)
          ? undefined
          : 'purpose-not-declared';
    let allowed: Omit<TransferDecision, 'at' | 'policyVersion'>;
    if (standing.basis === 'eea') {
      allowed = { ...where, allowed: true, basis: 'eea', reasons: ['eea'] };
    } else if (standing.basis === 'adequacy') {
      allowed = {
        ...where,
        allowed: true,
        basis: 'adequacy',
        reasons: ['adequacy'],
        instrument: standing.decision.decision,
        ...(standing.decision.expires === undefined ? {} : { expires: standing.decision.expires }),
      };
    } else {
      const why: TransferReason[] = standing.reason === undefined ? [] : [standing.reason];
      allowed =
        settings.transfer === undefined
          ? {
              ...where,
              allowed: false,
              reasons: ['no-basis', ...why],
              ...(standing.decision === undefined
                ? {}
                : { instrument: standing.decision.decision }),
            }
          : {
              ...where,
              allowed: true,
              basis: 'mechanism',
              reasons: ['mechanism', ...why],
              instrument: `${settings.transfer.mechanism.toUpperCase()}${settings.transfer.reference === undefined ? '' : ` ${settings.transfer.reference}`}`,
            };
    }
    if (purposeProblem === undefined) return allowed;
    const { basis: _basis, ...rest } = allowed;
    return { ...rest, allowed: false, reasons: [purposeProblem, ...allowed.reasons] };
  }
}

function dayOf(at: Date | string | undefined): string | undefined {
  if (at === undefined) return undefined;
  const date = at instanceof Date ? at : /^\d{4}-\d{2}-\d{2}/.test(at) ? new Date(at) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      `checkTransfer({ at }): ${JSON.stringify(String(at))} is not a date; use a Date or "YYYY-MM-DD".`,
    );
  }
  return date.toISOString().slice(0, 10);
}
