import type { BreachSettings } from '../policy/types.js';
import type { BreachInput } from './signal.js';

/** One read of personal data, as the platform reports it to `guard.recordAccess()`. */
export interface AccessRecord {
  /** The tenant of whoever reads. */
  principalTenant: string;
  /** The tenant (controller) whose data is read. */
  resourceTenant: string;
  /** How many data subjects the read covers. */
  subjectCount: number;
  /** Who reads (a user or API key id). Default: the principal's tenant. */
  principal?: string;
}

const MAX_PRINCIPALS = 10_000;

/**
 * Turns reads into breach signals: any read across tenants (clause 9: one controller's
 * data is never another's), and a bulk read — more subjects than the policy's
 * `massExport.subjects` by one principal within `massExport.windowMinutes` — once per
 * window per principal.
 */
export class AccessMonitor {
  readonly #reads = new Map<string, { at: number; subjects: number }[]>();
  readonly #signalledUntil = new Map<string, number>();

  record(access: AccessRecord, settings: BreachSettings, now: Date): BreachInput[] {
    if (!Number.isFinite(access.subjectCount) || access.subjectCount < 0)
      throw new RangeError(
        'recordAccess({ subjectCount }): must be a number of subjects, 0 or more',
      );
    const signals: BreachInput[] = [];
    if (access.principalTenant !== access.resourceTenant) {
      signals.push({
        kind: 'cross-tenant-access',
        tenants: [access.resourceTenant],
        nature: "A principal of another tenant read this tenant's data (clause 9).",
        categories: [],
        approximateSubjects: access.subjectCount,
      });
    }
    const principal = access.principal ?? access.principalTenant;
    const windowMs = settings.massExport.windowMinutes * 60_000;
    const t = now.getTime();
    const reads = (this.#reads.get(principal) ?? []).filter((r) => r.at > t - windowMs);
    reads.push({ at: t, subjects: access.subjectCount });
    if (!this.#reads.has(principal) && this.#reads.size >= MAX_PRINCIPALS) this.#forgetOldest();
    this.#reads.set(principal, reads);
    const total = reads.reduce((n, r) => n + r.subjects, 0);
    if (total > settings.massExport.subjects && (this.#signalledUntil.get(principal) ?? 0) <= t) {
      this.#signalledUntil.set(principal, t + windowMs);
      signals.push({
        kind: 'mass-export',
        tenants: [access.resourceTenant],
        nature:
          'One principal read more data subjects within the window than the policy allows (breach.massExport); the count is in approximateSubjects.',
        categories: [],
        approximateSubjects: total,
      });
    }
    return signals;
  }

  #forgetOldest(): void {
    const oldest = this.#reads.keys().next().value;
    if (oldest !== undefined) this.#reads.delete(oldest);
  }
}
