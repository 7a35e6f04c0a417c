export { createGuard } from './guard.js';
export type { Guard, GuardOptions, InspectContext } from './guard.js';
export type { InspectionWorkerOptions } from './detect/workers.js';
export {
  compilePointerPattern,
  compileRoutePattern,
  isBsn,
  isOnderwijsnummer,
  normalise,
} from './detect/index.js';
export type { PointerPattern, RoutePattern } from './detect/index.js';
export type {
  Decision,
  ExceptionUse,
  Finding,
  IncompleteReason,
  NormalisedText,
} from './detect/index.js';
export { DpaGuardError, ErrorCodes } from './errors.js';
export type { ErrorCode } from './errors.js';
export {
  CATEGORIES,
  DEFAULT_POLICY,
  DEFAULTS_SOURCE,
  PURPOSES,
  PolicyRuntime,
  explainPolicy,
  formatExplanation,
  formatProblem,
  loadPolicy,
  policySchema,
  validatePolicyText,
  validatePolicyValue,
} from './policy/index.js';
export type {
  BreachHook,
  BreachSettings,
  Category,
  Contact,
  DetectionSettings,
  ExplainedSetting,
  FieldRule,
  Limits,
  LoadedPolicy,
  LoadResult,
  Mode,
  Policy,
  PolicyDocument,
  PolicyProblem,
  PolicySource,
  Provenance,
  Purpose,
  ReloadResult,
  Subprocessor,
  TenantAgreementDocument,
  TenantException,
  TenantPolicy,
  TenantSettings,
  TenantView,
  ValidateOptions,
  ValidationResult,
} from './policy/index.js';
export {
  currentProcessing,
  runProcessing,
  setCurrentPurpose,
  ATTRIBUTES,
  decisionAttributes,
  recordDecisionTelemetry,
} from './purpose/index.js';
export type { Processing } from './purpose/index.js';
export { TransferBlockedError } from './transfer/outbound.js';
export type { OutboundProtection } from './transfer/outbound.js';
export type { TransferDecision, TransferReason, TransferRequest } from './transfer/check.js';
export { standingOf, normaliseCountry, regionData } from './transfer/regions.js';
export type { AdequacyDecision, RegionStanding, RecipientFacts } from './transfer/regions.js';
export {
  BREACH_KINDS,
  BreachService,
  FileOutbox,
  InMemoryBreachSink,
  signWebhook,
  verifyWebhook,
} from './breach/index.js';
export type {
  AccessRecord,
  BreachInput,
  BreachKind,
  BreachOutbox,
  BreachReport,
  BreachSignal,
  BreachSink,
  DeliveryState,
  FunctionHook,
  OutboxEntry,
  SignalStatus,
  WebhookVerdict,
} from './breach/index.js';
export type { BreachOptions } from './guard.js';
export type { AuditOptions } from './guard.js';
export { FileAuditJournal } from './audit/journal.js';
export type { AuditJournal } from './audit/journal.js';
export type { AuditEntry, AuditKind, AuditRecord } from './audit/record.js';
export { verifyChain } from './audit/verify.js';
export type { ChainVerdict } from './audit/verify.js';
export type { DataStore, StoredRecord } from './subjects/store.js';
export type {
  Requester,
  StoreOutcome,
  SubjectRequestKind,
  SubjectRequestResult,
} from './subjects/requests.js';
export type { Manifest, OffboardResult } from './subjects/offboard.js';
export { createPostgresStores } from './postgres/index.js';
export type { PostgresConnection, PostgresStores } from './postgres/index.js';
