import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Config } from '../config.ts';
import { notFound } from '../errors/app-error.ts';
import { assertObjectKey } from './object-key.ts';
import type { ListedObject, ObjectStorage, StoredObject } from './object-storage.ts';

const UNKNOWN_CONTENT_TYPE = 'application/octet-stream';
// A presigned link works for anyone holding it, so it lives only long enough to load one image.
const MAX_PRESIGNED_SECONDS = 15 * 60;

export type S3Config = Pick<
  Config,
  'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'
>;

export function createS3Client(config: S3Config): S3Client {
  const client = new S3Client({
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    // S3-compatible servers (MinIO, Ceph, s3rver) are addressed by path; AWS itself by virtual host.
    forcePathStyle: config.S3_FORCE_PATH_STYLE ?? config.S3_ENDPOINT !== undefined,
    // Without explicit keys the SDK's default chain applies (environment, instance or pod role).
    credentials:
      config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
        : undefined,
    // The SDK's default CRC32 checksums break uploads on S3-compatible servers that do not know them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // An unreachable store fails the request instead of holding it (and its upload buffer) open.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
  // Bucket-level calls (the listing) go out path-style as `/bucket/`; S3-compatible servers such as
  // s3rver sign `/bucket` and refuse the request, while S3 itself accepts either: send `/bucket`.
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { path?: unknown };
      if (typeof request.path === 'string' && /^\/[^/]+\/$/.test(request.path)) request.path = request.path.slice(0, -1);
      return next(args);
    },
    { step: 'build', name: 'bucketPathWithoutTrailingSlash' },
  );
  return client;
}

/** Objects in one private bucket; the bucket's own policy keeps them private (no ACL is ever set here). */
export class S3Storage implements ObjectStorage {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertObjectKey(key);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }),
    );
  }

  async get(key: string): Promise<StoredObject> {
    assertObjectKey(key);
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(object.Body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
      return { body: object.Body, contentType: object.ContentType ?? UNKNOWN_CONTENT_TYPE, size: object.ContentLength ?? 0 };
    } catch (error) {
      throw isMissingObject(error) ? notFound('stored object') : error;
    }
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async exists(key: string): Promise<boolean> {
    assertObjectKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissingObject(error)) return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? [])
        if (o.Key) yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * A short-lived GET link for one object, for when the API should not proxy the bytes itself. Only
   * hand it out after the same authorisation as the streaming route: the link carries no identity.
   */
  presignedGetUrl(key: string, options: { expiresInSeconds?: number; signedAt?: Date } = {}): Promise<string> {
    assertObjectKey(key);
    const expiresIn = options.expiresInSeconds ?? 5 * 60;
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGNED_SECONDS) {
      throw new RangeError(`expiresInSeconds must be 1..${MAX_PRESIGNED_SECONDS}`);
    }
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn,
      signingDate: options.signedAt ?? new Date(),
    });
  }
}

// HEAD answers a missing object with a bare 404 (`NotFound`), GET with `NoSuchKey`.
function isMissingObject(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound');
}
