import { resolve } from 'node:path';

/**
 * Where the embedded breach outbox lives: `$DPA_GUARD_DIR/breach`, else
 * `.dpa-guard/breach` under the working directory. The guard and the CLI agree on it.
 */
export function defaultBreachDir(cwd: string, env: NodeJS.ProcessEnv): string {
  const base = env.DPA_GUARD_DIR;
  return resolve(cwd, base === undefined || base === '' ? '.dpa-guard' : base, 'breach');
}
