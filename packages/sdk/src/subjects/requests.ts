import { createHmac, randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit/record.js';
import { DpaGuardError } from '../errors.js';
import type { TenantIds } from '../policy/tenant-id.js';
import { failureOf, type StoreRegistry, type StoredRecord } from './store.js';

/** Who asks: only the tenant's controller may (clause 7.2: the processor never answers a subject directly). */
export interface Requester {
  tenant: string;
  role: 'controller' | 'data-subject' | 'platform';
  /** Who at the controller, for the record. */
  id?: string;
}

export interface SubjectRequestInput {
  tenant: string;
  subjectId: string;
  requestedBy: Requester;
}

export type SubjectRequestKind = 'access' | 'rectify' | 'erase';

export interface StoreOutcome {
  store: string;
  status: 'done' | 'failed';
  /** Records found (access), changed (rectify) or erased (erase). */
  records?: number;
  /** Access only: the subject's records from this store. */
  data?: StoredRecord[];
  /** Why it failed: the error's kind, or what remained after an erase. */
  error?: string;
}

/** The machine-readable answer to a request: per store what happened, and whether all of it did. */
export interface SubjectRequestResult {
  id: string;
  kind: SubjectRequestKind;
  tenant: string;
  subjectId: string;
  complete: boolean;
  stores: StoreOutcome[];
  requestedAt: string;
  completedAt?: string;
}

type Pending = { input: SubjectRequestInput; changes?: StoredRecord; result: SubjectRequestResult };

/**
 * Data-subject requests across every registered store (clause 7). Each store is asked on
 * its own, so one failing store does not hide what the others did; `retry` asks only the
 * stores that failed. An erase counts as done only when the store no longer finds the
 * subject: nothing is reported erased that was not.
 */
export class SubjectRequests {
  readonly #stores: StoreRegistry;
  readonly #record: (entry: AuditEntry) => Promise<unknown>;
  readonly #clock: () => Date;
  readonly #requests = new Map<string, Pending>();
  readonly #key: () => Buffer;
  readonly #tenants: TenantIds;

  constructor(
    stores: StoreRegistry,
    record: (entry: AuditEntry) => Promise<unknown>,
    clock: () => Date,
    pseudonymKey: () => Buffer,
    tenants: TenantIds,
  ) {
    this.#stores = stores;
    this.#record = record;
    this.#clock = clock;
    this.#key = pseudonymKey;
    this.#tenants = tenants;
  }

  #pseudonym(tenant: string, subjectId: string): string {
    return pseudonym(this.#key(), tenant, subjectId);
  }

  access(input: SubjectRequestInput): Promise<SubjectRequestResult> {
    return this.#start('access', input);
  }

  rectify(input: SubjectRequestInput & { changes: StoredRecord }): Promise<SubjectRequestResult> {
    return this.#start('rectify', input, input.changes);
  }

  erase(input: SubjectRequestInput): Promise<SubjectRequestResult> {
    return this.#start('erase', input);
  }

  /** Asks again the stores that failed; resolves with the updated result. */
  /**
   * Asks again the stores that failed, for the same controller only: a request id alone is
   * not a credential.
   */
  async retry(id: string, requestedBy: Requester): Promise<SubjectRequestResult> {
    const pending = this.#requests.get(id);
    if (pending === undefined)
      throw new DpaGuardError(
        'DPA_ERR_REQUEST_UNKNOWN',
        'subjects.retry(): no such request in this process (finished requests are not kept).',
      );
    if (requestedBy?.role !== 'controller' || requestedBy.tenant !== pending.input.tenant)
      throw new DpaGuardError(
        'DPA_ERR_REQUEST_REFUSED',
        "subjects.retry(): only the controller of the request's tenant may retry it (clause 7.2).",
      );
    const failed = pending.result.stores.filter((s) => s.status === 'failed').map((s) => s.store);
    return this.#run(pending, failed);
  }

  /** A request that can still be retried (a finished one is not kept). */
  get(id: string): SubjectRequestResult | undefined {
    const pending = this.#requests.get(id);
    return pending === undefined ? undefined : structuredClone(pending.result);
  }

  async #start(
    kind: SubjectRequestKind,
    input: SubjectRequestInput,
    changes?: StoredRecord,
  ): Promise<SubjectRequestResult> {
    const { tenant, subjectId, requestedBy } = input;
    if (typeof subjectId !== 'string' || subjectId === '' || subjectId.length > 1000)
      throw new DpaGuardError(
        'DPA_ERR_INVALID_OPTIONS',
        `subjects.${kind}(): subjectId is required, as text of at most 1,000 characters.`,
      );
    this.#tenants.assert(tenant, `subjects.${kind}({ tenant })`);
    if (requestedBy?.tenant !== undefined && requestedBy.tenant !== tenant)
      this.#tenants.assert(requestedBy.tenant, `subjects.${kind}({ requestedBy })`);
    if (requestedBy?.role !== 'controller' || requestedBy.tenant !== tenant) {
      await this.#record({
        kind: 'subject-request',
        tenant,
        decision: 'refused',
        details: {
          request: kind,
          subject: this.#pseudonym(tenant, subjectId),
          requestedBy: requestedBy?.role ?? 'unknown',
        },
      });
      throw new DpaGuardError(
        'DPA_ERR_REQUEST_REFUSED',
        `The ${kind} request for tenant ${tenant} must come from that tenant's controller (clause 7.2); it came from ${requestedBy?.role ?? 'no one'}${requestedBy?.tenant === undefined || requestedBy.tenant === tenant ? '' : ` of ${requestedBy.tenant}`}. Refer the person to the controller.`,
      );
    }
    const pending: Pending = {
      input,
      ...(changes === undefined ? {} : { changes }),
      result: {
        id: `dsr_${randomUUID()}`,
        kind,
        tenant,
        subjectId,
        complete: false,
        stores: [],
        requestedAt: this.#clock().toISOString(),
      },
    };
    this.#requests.set(pending.result.id, pending);
    await this.#run(
      pending,
      this.#stores.all().map((s) => s.name),
    );
    return structuredClone(pending.result);
  }

  async #run(pending: Pending, storeNames: readonly string[]): Promise<SubjectRequestResult> {
    const { result, input } = pending;
    const outcomes = await Promise.all(storeNames.map((name) => this.#one(pending, name)));
    for (const outcome of outcomes) {
      const at = result.stores.findIndex((s) => s.store === outcome.store);
      if (at >= 0) result.stores[at] = outcome;
      else result.stores.push(outcome);
    }
    result.complete = result.stores.every((s) => s.status === 'done');
    if (result.complete) result.completedAt = this.#clock().toISOString();
    else delete result.completedAt;
    // A finished request is answered and forgotten: only one that can still be retried
    // is kept, and never the subject's data or the corrections.
    const answer = structuredClone(result);
    if (result.complete) this.#requests.delete(result.id);
    else for (const store of result.stores) delete store.data;
    await this.#record({
      kind: 'subject-request',
      tenant: input.tenant,
      decision: result.complete ? 'done' : 'partial',
      details: {
        request: result.kind,
        id: result.id,
        subject: this.#pseudonym(input.tenant, input.subjectId),
        requestedBy: input.requestedBy.id ?? input.requestedBy.role,
        stores: result.stores.map(({ store, status, records, error }) => ({
          store,
          status,
          records,
          error,
        })),
      },
    });
    return answer;
  }

  async #one(pending: Pending, name: string): Promise<StoreOutcome> {
    const store = this.#stores.get(name);
    if (store === undefined)
      return { store: name, status: 'failed', error: 'store no longer registered' };
    const { tenant, subjectId } = pending.input;
    try {
      switch (pending.result.kind) {
        case 'access': {
          const data = await store.find({ tenant, subjectId });
          return { store: name, status: 'done', records: data.length, data };
        }
        case 'rectify': {
          const changed = await store.rectify({
            tenant,
            subjectId,
            changes: pending.changes ?? {},
          });
          return { store: name, status: 'done', records: changed };
        }
        case 'erase': {
          const erased = await store.erase({ tenant, subjectId });
          const left = (await store.find({ tenant, subjectId })).length;
          return left === 0
            ? { store: name, status: 'done', records: erased }
            : {
                store: name,
                status: 'failed',
                records: erased,
                error: `${String(left)} record(s) of the subject remain`,
              };
        }
      }
    } catch (error) {
      return { store: name, status: 'failed', error: failureOf(error) };
    }
  }
}

/**
 * The subject in records: an HMAC of tenant and id under a secret key, so the trail holds
 * no identifier and an id from a small space (a BSN) cannot be found by trying them all.
 */
export function pseudonym(key: Buffer, tenant: string, subjectId: string): string {
  return createHmac('sha256', key).update(`${tenant}\u0000${subjectId}`).digest('hex').slice(0, 24);
}
