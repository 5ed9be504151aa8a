import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from '@20minutes/s3rver';

// s3rver's built-in account; it checks request signatures against this pair.
export const S3RVER_CREDENTIALS = { S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };

export interface S3TestServer {
  /** Environment variables that point the app's storage at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** An S3-compatible server that checks signatures, on a free port, with one empty bucket, in a temp folder. */
export async function startS3TestServer(bucket = 'photos'): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'bwai-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  makePutsAtomic(server);
  const { port } = await server.run();
  return {
    env: {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: bucket,
      ...S3RVER_CREDENTIALS,
    },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

interface FilesystemStore {
  putContent(objectPath: string, content: Buffer | NodeJS.ReadableStream): Promise<[number, string]>;
  putObject(object: { bucket: string; key: string }): Promise<unknown>;
}

/**
 * S3 stores each PUT whole: concurrent PUTs to one key leave one of them, never a mix. s3rver
 * streams every PUT straight into the object's file and writes its metadata afterwards, so two
 * PUTs at once interleave. Writing to a temporary file and renaming it, one PUT per key at a
 * time, gives the test server the guarantee the real service gives.
 */
function makePutsAtomic(server: S3rver): void {
  const store = (server as unknown as { store: FilesystemStore }).store;
  store.putContent = async (objectPath, content) => {
    const partial = `${objectPath}.${randomUUID()}.partial`;
    const md5 = createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(Buffer.isBuffer(content) ? Readable.from([content]) : content, measure, createWriteStream(partial));
    await rename(partial, objectPath);
    return [size, md5.digest('hex')];
  };
  const putObject = store.putObject.bind(store);
  const pending = new Map<string, Promise<unknown>>();
  store.putObject = (object) => {
    const id = `${object.bucket}/${object.key}`;
    const put = (pending.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => putObject(object));
    pending.set(id, put);
    return put.finally(() => {
      if (pending.get(id) === put) pending.delete(id);
    });
  };
}
