/** A key names an object relative to the store's root; anything else is a bug in the caller, not a client error. */
export class InvalidObjectKeyError extends Error {
  constructor(key: string) {
    super(`invalid object key ${JSON.stringify(key.slice(0, 200))}`);
    this.name = 'InvalidObjectKeyError';
  }
}

// Segments start with a letter or digit, so `.`, `..`, hidden names, empty segments, absolute paths
// and backslashes cannot occur: a key can never climb out of the folder or bucket prefix it names.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const MAX_KEY_LENGTH = 1024;

export function assertObjectKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !key.split('/').every((segment) => SEGMENT.test(segment))) {
    throw new InvalidObjectKeyError(key);
  }
}
