/** The categories of data that clause 3.2 keeps off the platform unless agreed in writing. */
export const CATEGORIES = [
  'bsn',
  'health',
  'religion',
  'criminal',
  'sexual_orientation',
  'ethnicity',
  'political',
  'trade_union',
  'genetic',
  'biometric',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The purposes clause 4.1 allows: provide, secure, support and improve the platform. */
export const PURPOSES = ['provide', 'secure', 'support', 'improve'] as const;
export type Purpose = (typeof PURPOSES)[number];

export type Mode = 'enforce' | 'monitor';

export interface FieldRule {
  pointer: string;
  action: 'always-inspect' | 'never-inspect';
  categories?: Category[];
}

export interface Limits {
  maxBodyBytes: number;
  maxDepth: number;
  maxNodes: number;
}

export interface DetectionSettings {
  block: Category[];
  threshold: number;
  fields: FieldRule[];
  limits: Limits;
}

/** A written, separate agreement (clause 3.2) for one category in a scope, until a date. */
export interface TenantException {
  category: Category;
  fields?: string[];
  routes?: string[];
  agreement: string;
  since?: string;
  expires: string;
}

export interface Contact {
  name: string;
  email: string;
  phone?: string;
}

/** Data kept back at offboarding because the law requires it (clause 12.2). */
export interface LegalHold {
  store: string;
  reason: string;
  until?: string;
}

export interface TenantSettings {
  name?: string;
  purposes?: Purpose[];
  exceptions?: TenantException[];
  legalHolds?: LegalHold[];
  contact?: Contact;
}

export interface Subprocessor {
  description?: string;
  purposes: Purpose[];
  hosts: string[];
  country: string;
  organisation?: string;
  transfer?: { mechanism: 'scc' | 'bcr'; reference?: string };
  dpfCertified?: boolean;
  sector?: 'commercial' | 'public';
}

/** Where the breach outbox and the audit trail live. */
export interface StoreSettings {
  kind: 'file' | 'postgres';
  /** The name of the environment variable with the database URL. Default DATABASE_URL. */
  databaseUrlEnv?: string;
  schema?: string;
}

/** Outbound transfer settings (clause 5). */
export interface TransferSettings {
  /** The platform's own hosts, never a transfer (loopback always is exempt). */
  internalHosts: string[];
}

export interface BreachHook {
  url: string;
  role?: 'primary' | 'escalation';
  secretEnv?: string;
  timeoutMs?: number;
}

export interface BreachSettings {
  hooks: Record<string, BreachHook>;
  deadlineHours: number;
  escalateBeforeHours: number;
  /** More than `subjects` read by one principal within `windowMinutes` is a signal. */
  massExport: { subjects: number; windowMinutes: number };
  contact?: Contact;
}

/** How audit checkpoints are signed (clause 10): the key comes from outside the data directory. */
export interface AuditSigningSettings {
  /** Refuse to start without a signing key. Default false (unsigned, hash-chained only). */
  required: boolean;
  /** The NAME of the environment variable holding the private key. Default DPA_GUARD_AUDIT_SIGNING_KEY. */
  keyEnv?: string;
  /** A file holding the private key (PEM), outside the audit directory. */
  keyFile?: string;
}

/** When checkpoints are made and where they are copied. */
export interface CheckpointPolicy {
  /** A checkpoint at least every this many records. Default 1000. */
  everyRecords: number;
  /** …and at least this often while records come. Default 60. */
  everySeconds: number;
  /** A second directory each checkpoint is copied to. */
  copyDir?: string;
  /** Send each checkpoint to the primary breach hooks as an `audit.checkpoint` event. Default true. */
  toHooks: boolean;
}

/** The audit trail's evidence settings (clause 10, GDPR art. 30(2)). */
export interface AuditSettings {
  /** The trail's name in its checkpoints. Default "dpa-guard". */
  origin: string;
  signing: AuditSigningSettings;
  checkpoints: CheckpointPolicy;
}

/** A platform policy document as written in a file (every section optional but `version`). */
export interface PolicyDocument {
  $schema?: string;
  version: string;
  description?: string;
  mode?: Mode;
  strict?: boolean;
  purposes?: Partial<Record<Purpose, { description: string }>>;
  detection?: Partial<Omit<DetectionSettings, 'limits'>> & { limits?: Partial<Limits> };
  tenants?: Record<string, TenantSettings>;
  subprocessors?: Record<string, Subprocessor>;
  transfers?: Partial<TransferSettings>;
  breach?: Partial<BreachSettings>;
  stores?: StoreSettings;
  audit?: {
    origin?: string;
    signing?: Partial<AuditSigningSettings>;
    checkpoints?: Partial<CheckpointPolicy>;
  };
}

/** A per-tenant agreement file: the individual agreement, highest in precedence (clause 1.2). */
export interface TenantAgreementDocument extends TenantSettings {
  $schema?: string;
  tenant: string;
  version: string;
}

/** The effective policy after layering: every setting present. */
export interface Policy {
  version: string;
  description?: string;
  mode: Mode;
  strict: boolean;
  purposes: Partial<Record<Purpose, { description: string }>>;
  detection: DetectionSettings;
  tenants: Record<string, TenantSettings>;
  subprocessors: Record<string, Subprocessor>;
  transfers: TransferSettings;
  breach: BreachSettings;
  stores?: StoreSettings;
  audit: AuditSettings;
}

/** One controller's settings as they apply after layering. */
export interface TenantView {
  id: string;
  name?: string;
  /** The purposes this controller's processing may have: the platform's, narrowed by the tenant. */
  purposes: Purpose[];
  /** Every exception from every layer; each is its own written agreement. */
  exceptions: TenantException[];
  /** Data kept back at offboarding (clause 12.2). */
  legalHolds?: LegalHold[];
  contact?: Contact;
}

/** The policy as it applies to one tenant (controller): the platform policy plus its agreement. */
export interface TenantPolicy extends Omit<Policy, 'tenants'> {
  tenant: TenantView;
}
