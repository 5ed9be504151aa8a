import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProblemHandlers } from '../../src/http/problem-handler.ts';
import { LocalFolderStorage } from '../../src/storage/local-folder-storage.ts';
import { photoKeys, processPhoto } from '../../src/uploads/photo-pipeline.ts';
import { multipartOptions, readUpload } from '../../src/uploads/read-upload.ts';
import { rawPhoto } from './photo-fixtures.ts';

const MAX_BYTES = 64 * 1024;
const CLINIC_ID = '0b4f6c1e-8d2a-4e3b-9c5f-7a1d2e3f4a5b';

/** A body and its content type exactly as a browser's FormData would send them. */
async function multipartBody(parts: Array<[string, string] | [string, Buffer, string, string]>) {
  const form = new FormData();
  for (const part of parts) {
    if (part.length === 2) form.append(part[0], part[1]);
    else form.append(part[0], new Blob([new Uint8Array(part[1])], { type: part[3] }), part[2]);
  }
  const encoded = new Response(form);
  return { payload: Buffer.from(await encoded.arrayBuffer()), headers: { 'content-type': encoded.headers.get('content-type')! } };
}

describe('reading an uploaded photo', () => {
  let app: FastifyInstance;
  let dir: string;
  let storage: LocalFolderStorage;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bwai-upload-'));
    storage = new LocalFolderStorage(dir);
    app = Fastify();
    registerProblemHandlers(app);
    await app.register(async (scope) => {
      await scope.register(multipart, multipartOptions({ UPLOAD_MAX_BYTES: MAX_BYTES }));
      scope.post('/echo', async (request) => {
        const upload = await readUpload(request, MAX_BYTES);
        return {
          size: upload.buffer.length,
          sha: upload.buffer.toString('base64').slice(0, 16),
          filename: upload.filename,
          declaredType: upload.declaredType,
          fields: upload.fields,
        };
      });
      // As the analysis route does: read, process, store.
      scope.post('/photos', async (request, reply) => {
        const upload = await readUpload(request, MAX_BYTES);
        const photo = await processPhoto(upload.buffer, { maxPixels: 50_000_000 });
        const keys = photoKeys(CLINIC_ID, photo.sha256, photo.format);
        await storage.put(keys.original, photo.original, `image/${photo.format}`);
        await storage.put(keys.working, photo.working, 'image/jpeg');
        return reply.code(201).send({ sha256: photo.sha256 });
      });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const storedFiles = async () => (await readdir(join(dir, 'objects'), { recursive: true }).catch(() => [])).length;

  it('returns the file, its name, the declared type and the fields sent before it', async () => {
    const bytes = Buffer.alloc(10_000, 7);
    const body = await multipartBody([
      ['customerNote', 'left cheek'],
      ['photo', bytes, 'IMG_0001.jpg', 'image/jpeg'],
    ]);
    const response = await app.inject({ method: 'POST', url: '/echo', ...body });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      size: 10_000,
      sha: bytes.toString('base64').slice(0, 16),
      filename: 'IMG_0001.jpg',
      declaredType: 'image/jpeg',
      fields: { customerNote: 'left cheek' },
    });
  });

  it('a file of exactly the limit is accepted', async () => {
    const body = await multipartBody([['photo', Buffer.alloc(MAX_BYTES, 1), 'a.jpg', 'image/jpeg']]);
    const response = await app.inject({ method: 'POST', url: '/echo', ...body });
    expect(response.statusCode).toBe(200);
    expect(response.json().size).toBe(MAX_BYTES);
  });

  it('a file one byte over the limit gets 413 payload-too-large and nothing is stored', async () => {
    const photo = await rawPhoto(1600, 1200).jpeg({ quality: 95 }).toBuffer();
    expect(photo.length).toBeGreaterThan(MAX_BYTES);
    for (const bytes of [Buffer.alloc(MAX_BYTES + 1, 1), photo]) {
      const body = await multipartBody([['photo', bytes, 'big.jpg', 'image/jpeg']]);
      const response = await app.inject({ method: 'POST', url: '/photos', ...body });
      expect(response.statusCode).toBe(413);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ type: '/problems/payload-too-large', status: 413, maxBytes: MAX_BYTES });
    }
    expect(await storedFiles()).toBe(0);
  });

  it('a form without a file part gets 400 validation-failed', async () => {
    const body = await multipartBody([['customerNote', 'no photo attached']]);
    const response = await app.inject({ method: 'POST', url: '/echo', ...body });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: '/problems/validation-failed', errors: [{ path: 'body.photo' }] });
  });

  it('a JSON body gets 415 unsupported-media-type', async () => {
    const response = await app.inject({ method: 'POST', url: '/echo', payload: { photo: 'base64...' } });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({
      type: '/problems/unsupported-media-type',
      detail: 'Send the photo as multipart/form-data.',
    });
  });

  it('a multipart body cut off mid-file gets 400 malformed-request', async () => {
    const body = await multipartBody([['photo', Buffer.alloc(5000, 3), 'a.jpg', 'image/jpeg']]);
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: body.headers,
      payload: body.payload.subarray(0, 3000),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: '/problems/malformed-request' });
  });

  it('a text file sent as image/jpeg is refused with 415 and nothing is stored', async () => {
    const body = await multipartBody([['photo', Buffer.from('not a photo at all'), 'face.jpg', 'image/jpeg']]);
    const response = await app.inject({ method: 'POST', url: '/photos', ...body });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ type: '/problems/unsupported-image-type' });
    expect(await storedFiles()).toBe(0);
  });

  it('a real photo within the limit is read, processed and stored', async () => {
    const photo = await rawPhoto(320, 240).jpeg({ quality: 80 }).toBuffer();
    const body = await multipartBody([['photo', photo, 'face.jpg', 'application/octet-stream']]);
    const response = await app.inject({ method: 'POST', url: '/photos', ...body });
    expect(response.statusCode).toBe(201);
    const keys = photoKeys(CLINIC_ID, response.json().sha256, 'jpeg');
    expect(await storage.exists(keys.original)).toBe(true);
    expect(await storage.exists(keys.working)).toBe(true);
  });
});
