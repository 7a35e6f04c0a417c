import { DpaGuardError } from '../errors.js';
import type { Category } from '../policy/types.js';

/** A personal-data record as a store gives it: plain JSON. */
export type StoredRecord = Record<string, unknown>;

/**
 * One of the platform's data stores, registered so that data-subject requests (clause 7)
 * and offboarding (clause 12.2) reach it. Every method acts for one tenant only.
 */
export interface DataStore {
  name: string;
  /** The categories of personal data it holds, for the records of processing. */
  categories?: Category[];
  /** A subject's records. */
  find(query: { tenant: string; subjectId: string }): StoredRecord[] | Promise<StoredRecord[]>;
  /** A subject's records, or with no subjectId every record of the tenant (offboarding). */
  export(query: { tenant: string; subjectId?: string }): StoredRecord[] | Promise<StoredRecord[]>;
  /** Applies corrections to a subject's records; resolves with how many changed. */
  rectify(query: {
    tenant: string;
    subjectId: string;
    changes: StoredRecord;
  }): number | Promise<number>;
  /** Erases a subject's records, or with no subjectId all of the tenant's; resolves with how many. */
  erase(query: { tenant: string; subjectId?: string }): number | Promise<number>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The registered stores, in registration order. */
export class StoreRegistry {
  readonly #stores = new Map<string, DataStore>();

  register(store: DataStore): () => void {
    const methods = ['find', 'export', 'rectify', 'erase'] as const;
    if (
      store === null ||
      typeof store !== 'object' ||
      typeof store.name !== 'string' ||
      !NAME.test(store.name)
    )
      throw new DpaGuardError(
        'DPA_ERR_INVALID_OPTIONS',
        'registerStore({ name }): a name of letters, digits, ".", "_" or "-" is required.',
      );
    for (const method of methods) {
      if (typeof store[method] !== 'function')
        throw new DpaGuardError(
          'DPA_ERR_INVALID_OPTIONS',
          `registerStore(${store.name}): ${method} must be a function.`,
        );
    }
    if (this.#stores.has(store.name))
      throw new DpaGuardError(
        'DPA_ERR_INVALID_OPTIONS',
        `registerStore(${store.name}): a store of that name is already registered.`,
      );
    this.#stores.set(store.name, store);
    return () => this.#stores.delete(store.name);
  }

  all(): DataStore[] {
    return [...this.#stores.values()];
  }

  get(name: string): DataStore | undefined {
    return this.#stores.get(name);
  }
}

/** A store's failure, as a result may say it: the error's kind, never its message (it may quote data). */
export function failureOf(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  return typeof e.code === 'string' ? `${name} (${e.code})` : name;
}
