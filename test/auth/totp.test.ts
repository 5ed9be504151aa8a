import { describe, expect, it } from 'vitest';
import { base32, matchingStep, otpauthUri, timeStep, totpCode } from '../../src/auth/totp.ts';

// RFC 6238 appendix B: the SHA-1 rows, 8 digits, secret "12345678901234567890", 30-second steps.
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(RFC_VECTORS)('at %i seconds the code is %s', (seconds, code) => {
    expect(totpCode(RFC_SECRET, timeStep(new Date(seconds * 1000)), 8)).toBe(code);
  });

  it('accepts the code of the step before and after, and nothing further', () => {
    const at = new Date(1_700_000_000_000);
    const step = timeStep(at);
    expect(matchingStep(RFC_SECRET, totpCode(RFC_SECRET, step - 1), at)).toBe(step - 1);
    expect(matchingStep(RFC_SECRET, totpCode(RFC_SECRET, step + 1), at)).toBe(step + 1);
    expect(matchingStep(RFC_SECRET, totpCode(RFC_SECRET, step - 2), at)).toBeUndefined();
    expect(matchingStep(RFC_SECRET, totpCode(RFC_SECRET, step + 2), at)).toBeUndefined();
    expect(matchingStep(RFC_SECRET, 'abcdef', at)).toBeUndefined();
  });

  it('base32 follows RFC 4648 (unpadded), as authenticator apps read it', () => {
    expect(base32(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32(RFC_SECRET)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('the otpauth URI names the issuer, the account and the parameters', () => {
    const uri = new URL(otpauthUri(RFC_SECRET, 'owner@example.test', 'Beauty with AI Precision'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Beauty with AI Precision:owner@example.test');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      issuer: 'Beauty with AI Precision',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
