import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newTotpSecret } from '../../src/auth/totp.ts';
import { openTotpSecret, sealTotpSecret } from '../../src/auth/totp-secret-box.ts';

const key = randomBytes(32);
const userId = '5b0c2a4e-0d7f-4a51-9d0e-6f1f3c2b8a11';

describe('the box TOTP secrets are stored in', () => {
  it('opens what it sealed, and sealing twice gives two different values', () => {
    const secret = newTotpSecret();
    const [one, two] = [sealTotpSecret(key, userId, secret), sealTotpSecret(key, userId, secret)];
    expect(one.equals(two)).toBe(false);
    expect(openTotpSecret(key, userId, one)).toEqual({ secret, wasPlain: false });
  });

  it('refuses another key, another user, or a changed byte', () => {
    const sealed = sealTotpSecret(key, userId, newTotpSecret());
    expect(() => openTotpSecret(randomBytes(32), userId, sealed)).toThrow();
    expect(() => openTotpSecret(key, '00000000-0000-4000-8000-000000000000', sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => openTotpSecret(key, userId, tampered)).toThrow();
  });

  it('reads a secret stored before encryption as plain, to be sealed', () => {
    const secret = newTotpSecret();
    expect(openTotpSecret(key, userId, secret)).toEqual({ secret, wasPlain: true });
  });
});
