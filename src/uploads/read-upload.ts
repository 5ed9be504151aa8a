import type { FastifyMultipartOptions, MultipartFields } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../errors/app-error.ts';
import { assertStorableText } from '../http/storable-text.ts';

export interface Upload {
  buffer: Buffer;
  /** As the client named it; for display only, never for a path or a type decision. */
  filename: string;
  /** The client's Content-Type of the part; the photo pipeline decides the type from the bytes. */
  declaredType: string;
  /** Text fields sent before the file part (fields after it are not read). */
  fields: Record<string, string>;
}

/** Options for registering @fastify/multipart in the scope of the routes that take a photo. */
export function multipartOptions(config: Pick<Config, 'UPLOAD_MAX_BYTES'>): FastifyMultipartOptions {
  return {
    limits: {
      fileSize: config.UPLOAD_MAX_BYTES,
      files: 1,
      fields: 10,
      fieldNameSize: 100,
      fieldSize: 16 * 1024,
      parts: 11,
      headerPairs: 50,
    },
  };
}

// @fastify/multipart's coded errors; busboy's own parse errors carry no code (see uploadError).
const MULTIPART_ERRORS: Record<string, AppError['code']> = {
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported-media-type',
  FST_REQ_FILE_TOO_LARGE: 'payload-too-large',
  FST_PARTS_LIMIT: 'payload-too-large',
  FST_FILES_LIMIT: 'payload-too-large',
  FST_FIELDS_LIMIT: 'payload-too-large',
  FST_MP_PREMATURE_CLOSE: 'malformed-request',
  FST_PROTO_VIOLATION: 'malformed-request',
  FST_INVALID_JSON_FIELD_ERROR: 'malformed-request',
};

/**
 * Reads the request's first file part into memory, never holding more than `maxBytes` of it: the
 * multipart parser stops at the limit and marks the stream truncated (it does not throw), so the
 * truncation is checked on every chunk and answered with 413 at once.
 */
export async function readUpload(request: FastifyRequest, maxBytes: number): Promise<Upload> {
  const tooLarge = () => new AppError('payload-too-large', `The photo is larger than ${maxBytes} bytes.`, { maxBytes });
  try {
    const part = await request.file({ limits: { fileSize: maxBytes } });
    if (!part) {
      throw new AppError('validation-failed', 'Attach the photo as a file part of a multipart/form-data body.', {
        errors: [{ path: 'body.photo', message: 'a file is required' }],
      });
    }
    const fields = textFields(part.fields);
    // A multipart body bypasses the route's schema: its text gets the same check as JSON bodies.
    assertStorableText({ ...fields, [part.fieldname]: { filename: part.filename } }, 'body');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (part.file.truncated || size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
    if (part.file.truncated) throw tooLarge();
    return { buffer: Buffer.concat(chunks, size), filename: part.filename, declaredType: part.mimetype, fields };
  } catch (error) {
    throw uploadError(error);
  }
}

function textFields(fields: MultipartFields): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, entry] of Object.entries(fields)) {
    const first = Array.isArray(entry) ? entry[0] : entry;
    if (first?.type === 'field' && typeof first.value === 'string') text[name] = first.value;
  }
  return text;
}

function uploadError(error: unknown): unknown {
  if (error instanceof AppError || !(error instanceof Error)) return error;
  const mapped = MULTIPART_ERRORS[(error as { code?: string }).code ?? ''];
  if (mapped === 'unsupported-media-type') return new AppError(mapped, 'Send the photo as multipart/form-data.');
  if (mapped) return new AppError(mapped);
  // busboy's parse errors ("Multipart: Boundary not found", "Unexpected end of multipart data", "Part
  // terminated early due to unexpected end of multipart data") are the client's malformed body.
  if (/multipart/i.test(error.message))
    return new AppError('malformed-request', 'The multipart/form-data body is malformed or incomplete.');
  return error;
}
