import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { InvalidObjectKeyError } from '../../src/storage/object-key.ts';
import { createObjectStorage, type ObjectStorage } from '../../src/storage/object-storage.ts';
import { LocalFolderStorage } from '../../src/storage/local-folder-storage.ts';
import { S3Storage } from '../../src/storage/s3-storage.ts';
import { startS3TestServer, type S3TestServer } from './s3-test-server.ts';

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const TRAVERSAL_KEYS = [
  '../outside.jpg',
  'clinics/../../outside.jpg',
  '/etc/passwd',
  'clinics//photos/a.jpg',
  'clinics/./a.jpg',
  '.hidden',
  'clinics\\..\\outside.jpg',
  'clinics/%2e%2e/outside.jpg',
  '',
  'clinics/',
];

interface Backend {
  name: string;
  start(): Promise<{ storage: ObjectStorage; stop(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'local folder',
    async start() {
      const dir = await mkdtemp(join(tmpdir(), 'bwai-storage-'));
      return {
        storage: createObjectStorage(loadConfig({ STORAGE_DIR: dir })),
        stop: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 's3',
    async start() {
      const server = await startS3TestServer();
      return { storage: createObjectStorage(loadConfig(server.env)), stop: () => server.stop() };
    },
  },
];

describe.each(backends)('$name object storage', (backend) => {
  let storage: ObjectStorage;
  let stop: () => Promise<void>;
  let n = 0;
  const key = (name = 'photo.jpg') => `clinics/c${++n}/photos/${name}`;

  beforeAll(async () => {
    ({ storage, stop } = await backend.start());
  });
  afterAll(async () => {
    await stop();
  });

  it('returns what was stored: bytes, content type and size', async () => {
    const k = key();
    const bytes = Buffer.from('\xff\xd8\xff pretend jpeg', 'latin1');
    await storage.put(k, bytes, 'image/jpeg');
    const object = await storage.get(k);
    expect(object.contentType).toBe('image/jpeg');
    expect(object.size).toBe(bytes.length);
    expect((await readAll(object.body)).equals(bytes)).toBe(true);
  });

  it('storing under an existing key replaces the object and its content type', async () => {
    const k = key();
    await storage.put(k, Buffer.from('first version, longer than the second'), 'image/png');
    await storage.put(k, Buffer.from('second'), 'image/webp');
    const object = await storage.get(k);
    expect(object.contentType).toBe('image/webp');
    expect(object.size).toBe(6);
    expect((await readAll(object.body)).toString()).toBe('second');
  });

  it('concurrent writes to one key leave one complete object, never a mix', async () => {
    const k = key();
    const versions = Array.from({ length: 8 }, (_, i) => Buffer.alloc(256 * 1024, i + 1));
    await Promise.all(versions.map((v) => storage.put(k, v, 'application/octet-stream')));
    const stored = await readAll((await storage.get(k)).body);
    expect(versions.some((v) => v.equals(stored))).toBe(true);
  });

  it('exists tells stored keys from absent ones', async () => {
    const k = key();
    expect(await storage.exists(k)).toBe(false);
    await storage.put(k, Buffer.from('x'), 'text/plain');
    expect(await storage.exists(k)).toBe(true);
    // A folder-like prefix of a stored key is not an object.
    expect(await storage.exists(k.split('/').slice(0, 2).join('/'))).toBe(false);
  });

  it('a deleted object is gone, and deleting an absent one is not an error', async () => {
    const k = key();
    await storage.put(k, Buffer.from('x'), 'text/plain');
    await storage.delete(k);
    expect(await storage.exists(k)).toBe(false);
    await expect(storage.get(k)).rejects.toMatchObject({ code: 'not-found', status: 404 });
    await expect(storage.delete(k)).resolves.toBeUndefined();
  });

  it('lists every object under a prefix with its size and time, and nothing outside it', async () => {
    const prefix = `clinics/listed-${++n}/`;
    const keys = [`${prefix}photos/a/original.jpg`, `${prefix}photos/a/working.jpg`, `${prefix}analyses/b/heatmap-pores.png`];
    for (const [i, k] of keys.entries()) await storage.put(k, Buffer.alloc(10 + i), 'image/png');
    await storage.put(`clinics/listed-${++n}/photos/other.jpg`, Buffer.from('x'), 'image/jpeg');
    const listed = [];
    for await (const object of storage.list(prefix)) listed.push(object);
    expect(listed.map((o) => [o.key, o.size]).sort()).toEqual(keys.map((k, i) => [k, 10 + i]).sort());
    for (const o of listed) expect(Math.abs(o.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('reading an absent key gives a typed not-found', async () => {
    const error = await storage.get(key('never-stored.jpg')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'not-found', status: 404 });
  });

  it.each(TRAVERSAL_KEYS)('refuses the key %j for every operation', async (bad) => {
    await expect(storage.put(bad, Buffer.from('x'), 'text/plain')).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(storage.get(bad)).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(storage.exists(bad)).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(storage.delete(bad)).rejects.toBeInstanceOf(InvalidObjectKeyError);
  });
});

describe('local folder storage on disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bwai-storage-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is the default driver', () => {
    expect(createObjectStorage(loadConfig({ STORAGE_DIR: dir }))).toBeInstanceOf(LocalFolderStorage);
  });

  it('a traversal attempt writes nothing outside the storage folder', async () => {
    const root = join(dir, 'root');
    const storage = new LocalFolderStorage(root);
    await expect(storage.put('../../escaped.txt', Buffer.from('x'), 'text/plain')).rejects.toBeInstanceOf(InvalidObjectKeyError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stored files are readable by the service user only and no temporary files are left behind', async () => {
    const root = join(dir, 'private');
    const storage = new LocalFolderStorage(root);
    await storage.put('clinics/a/photos/original.jpg', Buffer.from('secret face'), 'image/jpeg');
    expect((await stat(join(root, 'objects/clinics/a/photos/original.jpg'))).mode & 0o077).toBe(0);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });
});

describe('s3 storage', () => {
  let server: S3TestServer;
  let storage: S3Storage;

  beforeAll(async () => {
    server = await startS3TestServer();
    const created = createObjectStorage(loadConfig(server.env));
    if (!(created instanceof S3Storage)) throw new Error('STORAGE_DRIVER=s3 did not give the S3 backend');
    storage = created;
    await storage.put('clinics/a/photos/working.jpg', Buffer.from('working copy'), 'image/jpeg');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a presigned link fetches the object until it expires', async () => {
    const url = await storage.presignedGetUrl('clinics/a/photos/working.jpg', { expiresInSeconds: 60 });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('working copy');
  });

  it('a presigned link pointed at another object is refused with 403', async () => {
    const url = await storage.presignedGetUrl('clinics/a/photos/working.jpg', { expiresInSeconds: 60 });
    expect((await fetch(url.replace('clinics/a/', 'clinics/b/'))).status).toBe(403);
  });

  it('a presigned link with an altered signature is refused with 403', async () => {
    const url = new URL(await storage.presignedGetUrl('clinics/a/photos/working.jpg', { expiresInSeconds: 60 }));
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect((await fetch(url)).status).toBe(403);
  });

  it('an expired presigned link is refused with 403', async () => {
    const url = await storage.presignedGetUrl('clinics/a/photos/working.jpg', {
      expiresInSeconds: 60,
      signedAt: new Date(Date.now() - 10 * 60_000),
    });
    expect((await fetch(url)).status).toBe(403);
  });

  it('a presigned link cannot be made to live longer than 15 minutes', async () => {
    expect(() => storage.presignedGetUrl('clinics/a/photos/working.jpg', { expiresInSeconds: 3600 })).toThrow(RangeError);
  });

  it('a wrong secret is an error, never mistaken for a missing object', async () => {
    const wrong = createObjectStorage(loadConfig({ ...server.env, S3_SECRET_ACCESS_KEY: 'not-the-secret' }));
    // HEAD answers have no body, so the SDK only knows the status.
    await expect(wrong.exists('clinics/a/photos/working.jpg')).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(wrong.get('clinics/a/photos/working.jpg')).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });
});

describe('storage configuration', () => {
  it('the s3 driver needs a bucket', () => {
    expect(() => loadConfig({ STORAGE_DRIVER: 's3' })).toThrow(
      new ConfigError('invalid S3_BUCKET: expected a bucket name (required when STORAGE_DRIVER is s3)'),
    );
  });

  it('an access key without its secret is refused at start-up', () => {
    expect(() => loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'key' })).toThrow(ConfigError);
  });

  it('upload limits default to 10 MB and 50 megapixels', () => {
    expect(loadConfig({})).toMatchObject({
      UPLOAD_MAX_BYTES: 10 * 1024 * 1024,
      UPLOAD_MAX_PIXELS: 50_000_000,
      STORAGE_DRIVER: 'local',
    });
  });
});
