import { DEFAULT_POLICY, deepFreeze } from './defaults.js';
import type { PolicyProblem } from './problem.js';
import { encodeSegment } from './source-map.js';
import type {
  Contact,
  LegalHold,
  Policy,
  PolicyDocument,
  Purpose,
  TenantAgreementDocument,
  TenantException,
  TenantPolicy,
  TenantView,
} from './types.js';

/** Where the built-in defaults come from, in explanations. */
export const DEFAULTS_SOURCE = 'built-in defaults';

export type PolicyLayer =
  | { kind: 'platform'; source: string; document: PolicyDocument }
  | { kind: 'tenant'; source: string; document: TenantAgreementDocument };

/** For every effective value (by JSON Pointer), the layer that set it. */
export type Provenance = Map<string, string>;

/**
 * Settings that a layer replaces as a whole rather than merging key by key: a platform
 * that lists its purposes means exactly those, not those plus the defaults.
 */
const REPLACED_WHOLE = new Set(['/purposes']);

/**
 * Merges the platform layers over the built-in defaults (clause 1.2: the later, more
 * specific document wins). Objects merge key by key; strings, numbers, booleans and lists
 * are replaced as a whole by the higher layer. Deterministic: the same files in the same
 * order always give the same policy.
 */
export function layerPlatform(layers: readonly PolicyLayer[]): {
  policy: Policy;
  provenance: Provenance;
} {
  const provenance: Provenance = new Map();
  const policy = structuredClone<Policy>(DEFAULT_POLICY);
  recordLeaves(policy, '', DEFAULTS_SOURCE, provenance);
  for (const layer of layers) {
    if (layer.kind !== 'platform') continue;
    const { $schema: _schema, ...document } = layer.document;
    mergeInto(policy as unknown as Record<string, unknown>, document, '', layer.source, provenance);
  }
  return { policy: deepFreeze(policy), provenance };
}

/**
 * The policy for one tenant: the platform policy, then the tenant's section of the platform
 * files, then its own agreement files (the individual agreement ranks first in clause 1.2).
 * Exceptions are the one list that accumulates: each is its own written agreement. Other
 * tenants' settings are left out: a controller sees only its own.
 */
export function layerTenant(
  platform: { policy: Policy; provenance: Provenance },
  layers: readonly PolicyLayer[],
  tenant: string,
): { policy: TenantPolicy; provenance: Provenance; problems: LayerProblem[] } {
  const provenance: Provenance = new Map();
  const base = `/tenants/${encodeSegment(tenant)}`;
  for (const [pointer, source] of platform.provenance) {
    if (pointer.startsWith(`${base}/`))
      provenance.set(`/tenant${pointer.slice(base.length)}`, source);
    else if (pointer !== '/tenants' && !pointer.startsWith('/tenants/'))
      provenance.set(pointer, source);
  }
  const { exceptions: listed = [], ...section } = platform.policy.tenants[tenant] ?? {};
  const settings: Record<string, unknown> = structuredClone(section);
  const exceptions: TenantException[] = [...listed];
  listed.forEach((_, i) =>
    provenance.set(
      `/tenant/exceptions/${i}`,
      provenance.get('/tenant/exceptions') ?? DEFAULTS_SOURCE,
    ),
  );
  provenance.delete('/tenant/exceptions');
  const versions: string[] = [];
  const problems: LayerProblem[] = [];
  for (const layer of layers) {
    if (layer.kind !== 'tenant' || layer.document.tenant !== tenant) continue;
    const {
      tenant: _id,
      version,
      $schema: _schema,
      exceptions: added = [],
      ...rest
    } = layer.document;
    versions.push(version);
    mergeInto(settings, rest, '/tenant', layer.source, provenance);
    for (const exception of added) {
      provenance.set(`/tenant/exceptions/${exceptions.length}`, layer.source);
      exceptions.push(exception);
    }
    for (const purpose of rest.purposes ?? []) {
      if (platform.policy.purposes[purpose] === undefined) {
        problems.push({
          file: layer.source,
          pointer: '/purposes',
          message: `the platform policy does not allow the purpose "${purpose}"; a tenant agreement can only narrow the platform's purposes`,
        });
      }
    }
  }
  const platformPurposes = Object.keys(platform.policy.purposes) as Purpose[];
  const narrowed = settings.purposes as Purpose[] | undefined;
  if (narrowed === undefined)
    provenance.set('/tenant/purposes', platform.provenance.get('/purposes') ?? DEFAULTS_SOURCE);
  provenance.set('/tenant/id', 'the tenant asked for');
  const { tenants: _all, ...shared } = platform.policy;
  const version =
    versions.length === 0 ? shared.version : `${shared.version}+${tenant}.${versions.join('.')}`;
  if (versions.length > 0)
    provenance.set('/version', 'platform version + tenant agreement version(s)');
  const view: TenantView = {
    id: tenant,
    purposes: narrowed?.filter((p) => platformPurposes.includes(p)) ?? platformPurposes,
    exceptions,
  };
  if (typeof settings.name === 'string') view.name = settings.name;
  if (settings.contact !== undefined) view.contact = settings.contact as Contact;
  // Lists replace (clause 1.2): the most specific layer's legal holds are the ones in force.
  if (settings.legalHolds !== undefined) view.legalHolds = settings.legalHolds as LegalHold[];
  return { policy: deepFreeze({ ...shared, version, tenant: view }), provenance, problems };
}

/** A problem found only when layers meet (a file alone was valid). */
export type LayerProblem = Omit<PolicyProblem, 'line' | 'column'>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  path: string,
  sourceName: string,
  provenance: Provenance,
): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    const pointer = `${path}/${encodeSegment(key)}`;
    const current = Object.hasOwn(target, key) ? target[key] : undefined;
    if (isPlainObject(value) && isPlainObject(current) && !REPLACED_WHOLE.has(pointer)) {
      provenance.delete(pointer); // it was an empty object, a leaf; now its keys have sources
      mergeInto(current, value, pointer, sourceName, provenance);
    } else {
      forgetBelow(pointer, provenance);
      // defineProperty: a key such as "__proto__" stays a plain own key, never a prototype.
      Object.defineProperty(target, key, {
        value: structuredClone(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      recordLeaves(value, pointer, sourceName, provenance);
    }
  }
}

function forgetBelow(pointer: string, provenance: Provenance): void {
  for (const key of provenance.keys()) {
    if (key === pointer || key.startsWith(`${pointer}/`)) provenance.delete(key);
  }
}

/** Records the source of every leaf under `value`; lists count as one value. */
function recordLeaves(
  value: unknown,
  pointer: string,
  sourceName: string,
  provenance: Provenance,
): void {
  if (isPlainObject(value) && !REPLACED_WHOLE.has(pointer) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) {
      recordLeaves(child, `${pointer}/${encodeSegment(key)}`, sourceName, provenance);
    }
  } else {
    provenance.set(pointer, sourceName);
  }
}
