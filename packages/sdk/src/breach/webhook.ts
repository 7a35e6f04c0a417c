import { createHmac, timingSafeEqual } from 'node:crypto';
import { DpaGuardError } from '../errors.js';

/**
 * Standard Webhooks 1.0: `webhook-signature` is `v1,` + base64(HMAC-SHA256(key,
 * `${id}.${timestamp}.${body}`)), the key being the base64 part of a `whsec_` secret.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${id}.${String(timestamp)}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The key bytes of a `whsec_…` secret; a clear error for anything else. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice(6) : undefined;
  const key = encoded === undefined ? undefined : Buffer.from(encoded, 'base64');
  if (key === undefined || key.length < 24 || key.length > 64) {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      'a webhook secret must be "whsec_" followed by base64 of 24 to 64 random bytes.',
    );
  }
  return key;
}

export type WebhookVerdict =
  { valid: true; id: string; timestamp: number } | { valid: false; reason: string };

/** Checks a received webhook the way a receiver should: headers, tolerance, signature. */
export function verifyWebhook(
  secret: string,
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  now: Date = new Date(),
  toleranceSeconds = 300,
): WebhookVerdict {
  const get = (name: string) =>
    Object.entries(headers)
      .find(([k]) => k.toLowerCase() === name)?.[1]
      ?.trim();
  const id = get('webhook-id');
  const timestampText = get('webhook-timestamp');
  const signatures = get('webhook-signature');
  if (id === undefined || timestampText === undefined || signatures === undefined) {
    return { valid: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  }
  const timestamp = Number(timestampText);
  if (!Number.isInteger(timestamp))
    return { valid: false, reason: 'webhook-timestamp is not a number' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) {
    return {
      valid: false,
      reason: `webhook-timestamp is more than ${String(toleranceSeconds)} s off`,
    };
  }
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body));
  const match = signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { valid: true, id, timestamp } : { valid: false, reason: 'no signature matches' };
}
