import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { notFound } from '../errors/app-error.ts';
import { assertObjectKey, InvalidObjectKeyError } from './object-key.ts';
import type { ListedObject, ObjectStorage, StoredObject } from './object-storage.ts';
import { inSpan } from '../telemetry/trace-context.ts';

const UNKNOWN_CONTENT_TYPE = 'application/octet-stream';
// Calls are spans as the S3 client's are through the AWS SDK instrumentation; keys name a clinic and a
// photo, so a span carries the operation only.
const SPAN_ATTRIBUTES = { 'storage.driver': 'local' };

/**
 * Objects as plain files under `<root>/objects/<key>`, their content type in `<root>/meta/<key>.json`.
 * Writes go to `<root>/tmp` and are renamed into place (same filesystem), so a reader or a crash never
 * sees half a file. Unlike S3, a key cannot be both an object and the prefix of another object, and
 * two writers racing on one key with different content types may leave one's bytes with the other's
 * type (photo keys are content-addressed, so their writers always agree).
 */
export class LocalFolderStorage implements ObjectStorage {
  private readonly objects: string;
  private readonly meta: string;
  private readonly tmp: string;

  constructor(root: string) {
    const base = resolve(root);
    this.objects = join(base, 'objects');
    this.meta = join(base, 'meta');
    this.tmp = join(base, 'tmp');
  }

  put(key: string, body: Buffer, contentType: string): Promise<void> {
    return inSpan(
      'storage put',
      async () => {
        const objectPath = this.pathOf(this.objects, key);
        // The object's rename is the commit point; a crash before it leaves only a harmless meta file.
        await this.writeAtomically(this.metaPathOf(key), Buffer.from(JSON.stringify({ contentType })));
        await this.writeAtomically(objectPath, body);
      },
      SPAN_ATTRIBUTES,
    );
  }

  get(key: string): Promise<StoredObject> {
    return inSpan(
      'storage get',
      async () => {
        const objectPath = this.pathOf(this.objects, key);
        // Open first and stat the handle, so size and body describe the same file even if it is replaced meanwhile.
        const handle = await open(objectPath, 'r').catch((error: unknown) => {
          throw isAbsent(error) ? notFound('stored object') : error;
        });
        try {
          const info = await handle.stat();
          if (!info.isFile()) throw notFound('stored object');
          return { body: handle.createReadStream(), contentType: await this.contentTypeOf(key), size: info.size };
        } catch (error) {
          await handle.close();
          throw error;
        }
      },
      SPAN_ATTRIBUTES,
    );
  }

  delete(key: string): Promise<void> {
    return inSpan(
      'storage delete',
      async () => {
        const objectPath = this.pathOf(this.objects, key);
        if (!(await this.exists(key))) return;
        await unlink(objectPath).catch(ignoreAbsent);
        await unlink(this.metaPathOf(key)).catch(ignoreAbsent);
      },
      SPAN_ATTRIBUTES,
    );
  }

  exists(key: string): Promise<boolean> {
    return inSpan(
      'storage exists',
      async () => {
        const objectPath = this.pathOf(this.objects, key);
        try {
          return (await stat(objectPath)).isFile();
        } catch (error) {
          if (isAbsent(error)) return false;
          throw error;
        }
      },
      SPAN_ATTRIBUTES,
    );
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    // Walks only the folder the prefix ends in (one photo's, one analysis's), not the whole store.
    const folder = prefix.includes('/') ? this.pathOf(this.objects, prefix.slice(0, prefix.lastIndexOf('/'))) : this.objects;
    const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
      if (isAbsent(error)) return [];
      throw error;
    });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const key = relative(this.objects, path).split(sep).join('/');
      if (!key.startsWith(prefix)) continue;
      // Deleted since the folder was read: not an object any more.
      const info = await stat(path).catch((error: unknown) => (isAbsent(error) ? undefined : Promise.reject(error)));
      if (info) yield { key, size: info.size, lastModified: info.mtime };
    }
  }

  private async contentTypeOf(key: string): Promise<string> {
    try {
      const { contentType } = JSON.parse(await readFile(this.metaPathOf(key), 'utf8')) as { contentType?: unknown };
      return typeof contentType === 'string' ? contentType : UNKNOWN_CONTENT_TYPE;
    } catch (error) {
      if (isAbsent(error)) return UNKNOWN_CONTENT_TYPE;
      throw error;
    }
  }

  private async writeAtomically(target: string, data: Buffer): Promise<void> {
    await mkdir(this.tmp, { recursive: true, mode: 0o700 });
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const temp = join(this.tmp, randomUUID());
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(data);
        // Without the sync a power cut after the rename can leave an empty file under the final name.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  private metaPathOf(key: string): string {
    return `${this.pathOf(this.meta, key)}.json`;
  }

  /** assertObjectKey already rules out traversal; the prefix check keeps that true if the rule ever loosens. */
  private pathOf(base: string, key: string): string {
    assertObjectKey(key);
    const path = resolve(base, key);
    if (!path.startsWith(base + sep)) throw new InvalidObjectKeyError(key);
    return path;
  }
}

function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // ENOTDIR: a leading part of the key is a file, so nothing can exist below it.
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function ignoreAbsent(error: unknown): void {
  if (!isAbsent(error)) throw error;
}
