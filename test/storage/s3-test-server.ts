import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
