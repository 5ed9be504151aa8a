import { inSpan } from '../telemetry/trace-context.ts';
import type { ObjectStorage } from './object-storage.ts';

/**
 * The folder driver's calls as spans (`storage put`, `storage get`, …), as the S3 client's calls are
 * by the AWS SDK instrumentation. Keys name a clinic and a photo: spans carry the operation only.
 */
export function tracedStorage(storage: ObjectStorage, driver: string): ObjectStorage {
  const attributes = { 'storage.driver': driver };
  return {
    put: (key, body, contentType) => inSpan('storage put', () => storage.put(key, body, contentType), attributes),
    get: (key) => inSpan('storage get', () => storage.get(key), attributes),
    delete: (key) => inSpan('storage delete', () => storage.delete(key), attributes),
    exists: (key) => inSpan('storage exists', () => storage.exists(key), attributes),
    list: (prefix) => storage.list(prefix),
  };
}
