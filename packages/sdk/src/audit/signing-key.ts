// The key that signs audit checkpoints, and the public keys that verify them. The private
// key must come from outside the data directory (an intruder who can write the trail must
// not be able to sign for it); the public key is what an auditor holds.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, relative, resolve, isAbsolute, basename, join } from 'node:path';
import { DpaGuardError } from '../errors.js';

/** An Ed25519 key pair ready to sign checkpoints, and the id auditors select it by. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The first 16 hex digits of the SHA-256 of the raw public key. */
  readonly keyId: string;
  /** The public key as SPKI PEM, to publish. */
  readonly publicKeyPem: string;
}

/** A public key that verifies checkpoints, by its id. */
export interface VerifyingKey {
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

/** The environment variable read for the signing key when the policy names none. */
export const DEFAULT_SIGNING_KEY_ENV = 'DPA_GUARD_AUDIT_SIGNING_KEY';

/** The id of an Ed25519 public key: stable, short, never secret. */
export function keyIdOf(publicKey: KeyObject): string {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** Reads PEM text, or base64 of the DER bytes (what fits in an environment variable). */
function keyText(material: string): { key: string | Buffer; format: 'pem' | 'der' } {
  const text = material.trim();
  if (text.startsWith('-----BEGIN')) return { key: text, format: 'pem' };
  return { key: Buffer.from(text, 'base64'), format: 'der' };
}

/**
 * A signing key from PEM (PKCS #8) or base64 DER text, or a KeyObject; `where` says where
 * it came from in the error, never the key itself.
 */
export function signingKeyFrom(material: string | KeyObject, where: string): SigningKey {
  let privateKey: KeyObject;
  try {
    if (typeof material === 'string') {
      const { key, format } = keyText(material);
      privateKey =
        format === 'pem'
          ? createPrivateKey({ key, format })
          : createPrivateKey({ key, format, type: 'pkcs8' });
    } else privateKey = material;
  } catch {
    throw new DpaGuardError(
      'DPA_ERR_AUDIT_KEY_INVALID',
      `${where} does not hold a private key in PEM (PKCS #8) or base64 DER; make one with "dpa-guard audit keygen".`,
    );
  }
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519')
    throw new DpaGuardError(
      'DPA_ERR_AUDIT_KEY_INVALID',
      `${where} is not an Ed25519 private key; make one with "dpa-guard audit keygen".`,
    );
  const publicKey = createPublicKey(privateKey);
  return Object.freeze({
    privateKey,
    publicKey,
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  });
}

/** A public key from PEM (SPKI) or base64 DER text; a private key gives its public half. */
export function verifyingKeyFrom(material: string, where: string): VerifyingKey {
  let publicKey: KeyObject;
  try {
    const { key, format } = keyText(material);
    publicKey =
      format === 'pem'
        ? createPublicKey({ key, format })
        : createPublicKey({ key, format, type: 'spki' });
  } catch {
    throw new DpaGuardError(
      'DPA_ERR_AUDIT_KEY_INVALID',
      `${where} does not hold a public key in PEM or base64 DER (the file "dpa-guard audit keygen" writes as audit-signing.pub).`,
    );
  }
  if (publicKey.asymmetricKeyType !== 'ed25519')
    throw new DpaGuardError('DPA_ERR_AUDIT_KEY_INVALID', `${where} is not an Ed25519 public key.`);
  return { publicKey, keyId: keyIdOf(publicKey) };
}

/** A new key pair as PEM text: the private key (keep it outside the data directory) and the public key. */
export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** Where the signing key is looked for, in order: given in code, a file, the environment. */
export interface SigningKeySources {
  given?: string | KeyObject | undefined;
  file?: string | undefined;
  envName?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** The audit trail's directory: a key inside it is refused. */
  dataDir?: string | undefined;
}

/** The signing key from the first source that has one; undefined when none does. */
export function loadSigningKey(sources: SigningKeySources): SigningKey | undefined {
  if (sources.given !== undefined)
    return signingKeyFrom(sources.given, 'the audit signingKey option');
  if (sources.file !== undefined) {
    const path = resolve(sources.file);
    if (sources.dataDir !== undefined && isInside(path, sources.dataDir))
      throw new DpaGuardError(
        'DPA_ERR_AUDIT_KEY_INVALID',
        `the audit signing key ${path} lies inside the audit directory ${sources.dataDir}: whoever can write the trail could then sign for it; keep the key elsewhere.`,
      );
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new DpaGuardError(
        'DPA_ERR_AUDIT_KEY_INVALID',
        `the audit signing key file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      );
    }
    return signingKeyFrom(text, `the audit signing key file ${path}`);
  }
  const name = sources.envName ?? DEFAULT_SIGNING_KEY_ENV;
  const value = sources.env[name];
  if (value === undefined || value.trim() === '') return undefined;
  return signingKeyFrom(value, `the environment variable ${name}`);
}

/** Whether `path` is `dir` or below it, also through symbolic links. */
function isInside(path: string, dir: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      // Not there yet: resolve the nearest existing parent, then the rest as written.
      const parent = dirname(p);
      return parent === p ? p : join(real(parent), basename(p));
    }
  };
  const rel = relative(real(dir), real(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
