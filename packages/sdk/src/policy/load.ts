import { readFileSync, statSync } from 'node:fs';
import { layerPlatform, layerTenant, type PolicyLayer, type Provenance } from './layer.js';
import { MAX_POLICY_BYTES, tooLargeProblem } from './parse-document.js';
import type { PolicyProblem } from './problem.js';
import { validatePolicyText, validatePolicyValue, type ValidateOptions } from './validate.js';
import type { Policy, PolicyDocument, TenantAgreementDocument, TenantPolicy } from './types.js';

/** A policy layer: a file path, or a document given in code (validated all the same). */
export type PolicySource =
  string | { name: string; document: PolicyDocument | TenantAgreementDocument };

/** A validated, layered policy: the platform's, and each tenant's on demand. */
export interface LoadedPolicy {
  /** The platform policy's version; tenant decisions carry their tenant's version. */
  readonly version: string;
  readonly policy: Policy;
  readonly provenance: Provenance;
  readonly layers: readonly PolicyLayer[];
  /** The policy for one tenant (cached); the platform policy seen as a tenant when undefined. */
  forTenant(tenant: string): { policy: TenantPolicy; provenance: Provenance };
}

export type LoadResult =
  | { ok: true; policy: LoadedPolicy }
  | { ok: false; problems: PolicyProblem[]; unreadable: boolean };

/**
 * Reads, validates and layers policy sources in order: built-in defaults, then platform
 * policies, then tenant agreements (tenant files may come in any position). Every problem
 * in every file is reported, not just the first. Synchronous: policies are small and are
 * read at start-up or on a reload, never on the request path.
 */
export function loadPolicy(
  sources: readonly PolicySource[],
  options: ValidateOptions = {},
): LoadResult {
  const problems: PolicyProblem[] = [];
  const layers: PolicyLayer[] = [];
  let unreadable = false;
  for (const source of sources) {
    const result =
      typeof source === 'string'
        ? readPolicyFile(source, options)
        : {
            read: true as const,
            validation: validatePolicyValue(source.document, source.name, undefined, options),
          };
    if (!result.read) {
      unreadable = true;
      problems.push(result.problem);
      continue;
    }
    const v = result.validation;
    if (!v.ok) problems.push(...v.problems);
    else if (v.kind === 'platform')
      layers.push({ kind: 'platform', source: v.file, document: v.document });
    else layers.push({ kind: 'tenant', source: v.file, document: v.document });
  }
  if (problems.length > 0) return { ok: false, problems, unreadable };
  const loaded = createLoadedPolicy(layers);
  // Cross-file rules: every tenant agreement must fit the platform policy it lands on.
  for (const layer of layers) {
    if (layer.kind !== 'tenant') continue;
    const tenantProblems = layerTenant(loaded, layers, layer.document.tenant).problems;
    problems.push(
      ...tenantProblems
        .filter((p) => p.file === layer.source)
        .map((p) => ({ ...p, line: 1, column: 1 })),
    );
  }
  if (problems.length > 0) return { ok: false, problems, unreadable: false };
  return { ok: true, policy: loaded };
}

function createLoadedPolicy(layers: readonly PolicyLayer[]): LoadedPolicy {
  const platform = layerPlatform(layers);
  const tenants = new Map<string, { policy: TenantPolicy; provenance: Provenance }>();
  return Object.freeze({
    version: platform.policy.version,
    policy: platform.policy,
    provenance: platform.provenance,
    layers,
    forTenant(tenant: string) {
      let view = tenants.get(tenant);
      if (view === undefined) {
        const { policy, provenance } = layerTenant(platform, layers, tenant);
        view = { policy, provenance };
        // Bounded: tenant ids come from requests, and a cache must not grow without end.
        if (tenants.size >= 10_000) tenants.clear();
        tenants.set(tenant, view);
      }
      return view;
    },
  });
}

type FileRead =
  | { read: true; validation: ReturnType<typeof validatePolicyText> }
  | { read: false; problem: PolicyProblem };

function readPolicyFile(file: string, options: ValidateOptions): FileRead {
  const unreadable = (message: string): FileRead => ({
    read: false,
    problem: { file, pointer: '', line: 1, column: 1, message },
  });
  let text: string;
  try {
    const info = statSync(file);
    if (!info.isFile()) return unreadable('cannot read: not a regular file');
    if (info.size > MAX_POLICY_BYTES) {
      // Refused before reading: a wrong multi-gigabyte file must not fill memory.
      return {
        read: true,
        validation: { ok: false, file, problems: [tooLargeProblem(file, info.size)] },
      };
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EISDIR: 'is a directory',
    };
    return unreadable(`cannot read: ${reasons[code ?? ''] ?? code ?? String(error)}`);
  }
  return { read: true, validation: validatePolicyText(text, file, options) };
}
