import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Sealed: version byte · 12-byte nonce · 16-byte GCM tag · ciphertext. A secret stored before
// encryption is the bare 20 bytes of newTotpSecret, so the two cannot be confused by length.
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;
const PLAIN_SECRET_BYTES = 20;

/**
 * AES-256-GCM for TOTP secrets at rest. The user's id is the associated data: a sealed secret copied
 * onto another user's row does not open there.
 */
export function sealTotpSecret(key: Buffer, userId: string, secret: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(userId));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), ciphertext]);
}

/** A stored secret this key cannot open: sealed under another TOTP_ENCRYPTION_KEY, or damaged. */
export class UnreadableTotpSecret extends Error {}

/** The secret of a stored value, and whether it was stored before encryption (to be sealed now). */
export function openTotpSecret(key: Buffer, userId: string, stored: Buffer): { secret: Buffer; wasPlain: boolean } {
  if (stored.length === PLAIN_SECRET_BYTES) return { secret: stored, wasPlain: true };
  if (stored.length <= HEADER_BYTES || stored[0] !== VERSION)
    throw new UnreadableTotpSecret('unknown format of a stored TOTP secret');
  const nonce = stored.subarray(1, 1 + NONCE_BYTES);
  const tag = stored.subarray(1 + NONCE_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(userId)).setAuthTag(tag);
  try {
    return { secret: Buffer.concat([decipher.update(stored.subarray(HEADER_BYTES)), decipher.final()]), wasPlain: false };
  } catch {
    // GCM's tag check: the wrong key, another user's row, or a changed byte.
    throw new UnreadableTotpSecret('a stored TOTP secret does not open with this TOTP_ENCRYPTION_KEY');
  }
}
