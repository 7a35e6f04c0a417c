import { resolve } from 'node:path';

/**
 * Where the embedded stores live: `$DPA_GUARD_DIR/<store>`, else `.dpa-guard/<store>`
 * under the working directory (`breach`, `audit`). The guard and the CLI agree on it.
 */
export function defaultDataDir(
  cwd: string,
  env: NodeJS.ProcessEnv,
  store: 'breach' | 'audit',
): string {
  const base = env.DPA_GUARD_DIR;
  return resolve(cwd, base === undefined || base === '' ? '.dpa-guard' : base, store);
}
