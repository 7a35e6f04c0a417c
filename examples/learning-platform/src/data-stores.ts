import type { DataStore } from '@dpa-guard/sdk';
import type { MemoryStore } from './store.js';

type Row = Record<string, unknown>;

/**
 * One of the example's collections as a dpa-guard data store, so that subject requests and
 * offboarding reach it. `subjectOf` says whose record a row is (the user's id).
 */
export function asDataStore(
  name: string,
  store: MemoryStore<Row>,
  subjectOf: (row: Row & { id: string }) => unknown,
): DataStore {
  const mine = (tenant: string, subjectId?: string) =>
    store.list(tenant).filter((row) => subjectId === undefined || subjectOf(row) === subjectId);
  return {
    name,
    find: ({ tenant, subjectId }) => mine(tenant, subjectId),
    export: ({ tenant, subjectId }) => mine(tenant, subjectId),
    rectify: ({ tenant, subjectId, changes }) => {
      const rows = mine(tenant, subjectId);
      for (const row of rows) store.update(tenant, row.id, changes);
      return rows.length;
    },
    erase: ({ tenant, subjectId }) =>
      store.remove(tenant, (row) => subjectId === undefined || subjectOf(row) === subjectId),
  };
}
