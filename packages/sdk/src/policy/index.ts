export { CATEGORIES, PURPOSES } from './types.js';
export type {
  BreachHook,
  BreachSettings,
  Category,
  Contact,
  DetectionSettings,
  FieldRule,
  Limits,
  Mode,
  Policy,
  PolicyDocument,
  Purpose,
  Subprocessor,
  TenantAgreementDocument,
  TenantException,
  TenantPolicy,
  TenantSettings,
  TenantView,
} from './types.js';
export { DEFAULT_POLICY } from './defaults.js';
export { DEFAULTS_SOURCE, layerPlatform, layerTenant } from './layer.js';
export type { PolicyLayer, Provenance } from './layer.js';
export { explainPolicy, formatExplanation } from './explain.js';
export type { ExplainedSetting } from './explain.js';
export { loadPolicy } from './load.js';
export type { LoadedPolicy, LoadResult, PolicySource } from './load.js';
export { formatProblem } from './problem.js';
export type { PolicyProblem } from './problem.js';
export { validatePolicyText, validatePolicyValue } from './validate.js';
export type { ValidateOptions, ValidationResult } from './validate.js';
export { PolicyRuntime } from './runtime.js';
export type { ReloadResult } from './runtime.js';
export { policySchema } from './schema.js';
