// Tenant ids as the SDK takes them (clause 2.1: every processing is bound to a controller).
// A tenant id goes into log lines, span attributes, audit records and breach signals, so it
// must be a name, not data: the pattern the policy schema gives tenant ids, and nothing the
// guard detects as an identifier (a BSN sent as "the tenant").
import { isBsn } from '../detect/elfproef.js';
import { DpaGuardError } from '../errors.js';

/** The pattern of a tenant id, as in the policy schema's `tenantId`. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** The rule, as error messages say it. */
export const TENANT_ID_RULE =
  'lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit, at most 63 characters';

// A platform has few tenants: ids found good are remembered, so a write checks one Set.
const KNOWN_GOOD_LIMIT = 4096;

/**
 * Whether an id holds nine digits in a row that pass the elfproef: in a body,
 * "PO-226114703" is read as another register's code, but an id is written into every log
 * line and record, where a code that may be a BSN is one too many.
 */
function holdsValidNumber(id: string): boolean {
  for (const [run] of id.matchAll(/\d+/g)) if (run.length === 9 && isBsn(run)) return true;
  return false;
}

/**
 * Checks tenant ids where the SDK takes them. `holdsIdentifier` is the guard's own
 * detection (a BSN in any form it recognises); an id that holds one is refused without
 * being repeated anywhere.
 */
export class TenantIds {
  readonly #holdsIdentifier: (text: string) => boolean;
  readonly #good = new Set<string>();

  constructor(holdsIdentifier: (text: string) => boolean) {
    this.#holdsIdentifier = holdsIdentifier;
  }

  /** Why `id` is not a tenant id (never quoting it), or undefined when it is one. */
  problem(id: unknown): string | undefined {
    if (typeof id === 'string' && this.#good.has(id)) return undefined;
    if (typeof id !== 'string' || !TENANT_ID_PATTERN.test(id))
      return `a tenant id is ${TENANT_ID_RULE}`;
    if (this.#holdsIdentifier(id) || holdsValidNumber(id))
      return 'a tenant id must name the controller, and this one holds a number the guard treats as a BSN; it is not repeated here';
    if (this.#good.size >= KNOWN_GOOD_LIMIT) this.#good.clear();
    this.#good.add(id);
    return undefined;
  }

  /** Throws DPA_ERR_TENANT_INVALID (saying where) unless `id` is a tenant id. */
  assert(id: unknown, where: string): asserts id is string {
    const problem = this.problem(id);
    if (problem !== undefined)
      throw new DpaGuardError('DPA_ERR_TENANT_INVALID', `${where}: ${problem}.`);
  }
}
