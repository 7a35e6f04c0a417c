import { randomUUID } from 'node:crypto';

/** Embedded storage for the example: one in-memory collection per record type, per tenant. */
export class MemoryStore<T extends object> {
  readonly #rows = new Map<string, T & { id: string; tenant: string }>();

  insert(tenant: string, row: T, id: string = randomUUID()): T & { id: string; tenant: string } {
    const stored = { ...row, id, tenant };
    this.#rows.set(stored.id, stored);
    return stored;
  }

  /** A row by id, whoever's it is: for telling a cross-tenant read from a missing row. */
  lookup(id: string): (T & { id: string; tenant: string }) | undefined {
    return this.#rows.get(id);
  }

  get(tenant: string, id: string): (T & { id: string; tenant: string }) | undefined {
    const row = this.#rows.get(id);
    return row?.tenant === tenant ? row : undefined;
  }

  list(tenant: string): (T & { id: string; tenant: string })[] {
    return [...this.#rows.values()].filter((row) => row.tenant === tenant);
  }

  update(
    tenant: string,
    id: string,
    patch: Partial<T>,
  ): (T & { id: string; tenant: string }) | undefined {
    const row = this.get(tenant, id);
    if (row === undefined) return undefined;
    const updated = { ...row, ...patch, id: row.id, tenant: row.tenant };
    this.#rows.set(id, updated);
    return updated;
  }

  /** Removes the tenant's rows that match; returns how many went. */
  remove(tenant: string, matches: (row: T & { id: string; tenant: string }) => boolean): number {
    let removed = 0;
    for (const [id, row] of this.#rows) {
      if (row.tenant === tenant && matches(row)) {
        this.#rows.delete(id);
        removed++;
      }
    }
    return removed;
  }
}
