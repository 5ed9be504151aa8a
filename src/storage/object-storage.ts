import type { Readable } from 'node:stream';
import type { Config } from '../config.ts';
import { LocalFolderStorage } from './local-folder-storage.ts';
import { createS3Client, S3Storage } from './s3-storage.ts';

export interface StoredObject {
  /** Streamed, so an image can be piped to a response without holding it in memory. */
  body: Readable;
  contentType: string;
  size: number;
}

/**
 * Private object storage: nothing here makes an object public. Images reach a browser only through
 * an authorised API route that streams `get(key).body`.
 */
export interface ObjectStorage {
  /** Replaces any object under the key; readers see the old or the new object, never a partial one. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Throws AppError `not-found` when there is no object under the key. */
  get(key: string): Promise<StoredObject>;
  /** Removing an absent object is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix`, in no particular order: what the orphan sweep walks. */
  list(prefix: string): AsyncIterable<ListedObject>;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

export type StorageConfig = Pick<
  Config,
  | 'STORAGE_DRIVER'
  | 'STORAGE_DIR'
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_BUCKET'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
>;

export function createObjectStorage(config: StorageConfig): ObjectStorage {
  if (config.STORAGE_DRIVER === 's3') return new S3Storage(createS3Client(config), s3Bucket(config));
  return new LocalFolderStorage(config.STORAGE_DIR);
}

function s3Bucket(config: StorageConfig): string {
  // loadConfig refuses STORAGE_DRIVER=s3 without a bucket; this guards configs built by hand.
  if (!config.S3_BUCKET) throw new Error('S3_BUCKET is required when STORAGE_DRIVER is s3');
  return config.S3_BUCKET;
}
