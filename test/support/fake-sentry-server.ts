import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One item of an envelope: its header (`type`, `length`…) and its payload, parsed when it is JSON. */
export interface EnvelopeItem {
  header: { type: string; length?: number; [key: string]: unknown };
  payload: unknown;
  /** The payload as received, for assertions that something appears nowhere in it. */
  raw: string;
}

export interface ReceivedEnvelope {
  project: string;
  headers: IncomingHttpHeaders;
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

export interface FakeSentryServer {
  /** A DSN pointing at this server, as `SENTRY_DSN` takes it. */
  dsn: string;
  /** Every request that reached the server, parsed or not, in order. */
  requests: { method: string; url: string }[];
  envelopes: ReceivedEnvelope[];
  /** The payloads of every item of `type`, across envelopes. */
  items(type: string): EnvelopeItem[];
  close(): Promise<void>;
}

const ENVELOPE_PATH = /^\/api\/([^/]+)\/envelope\/(\?.*)?$/;

/**
 * A local server speaking Sentry's ingestion protocol: POST /api/<project>/envelope/ with a
 * newline-delimited envelope (envelope header, then item header and payload pairs; a payload is
 * `length` bytes when its header says so, else up to the next newline), gzip or not.
 */
export async function startFakeSentryServer(publicKey = 'publickey', project = '1'): Promise<FakeSentryServer> {
  const requests: FakeSentryServer['requests'] = [];
  const envelopes: ReceivedEnvelope[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '' });
      const match = ENVELOPE_PATH.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) return res.writeHead(404).end();
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      try {
        envelopes.push({ project: match[1]!, headers: req.headers, ...parseEnvelope(body) });
      } catch (error) {
        return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: String(error) }));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://${publicKey}@127.0.0.1:${port}/${project}`,
    requests,
    envelopes,
    items: (type) => envelopes.flatMap((e) => e.items.filter((i) => i.header.type === type)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function parseEnvelope(body: Buffer): { header: Record<string, unknown>; items: EnvelopeItem[] } {
  let offset = 0;
  const line = (): Buffer => {
    const end = body.indexOf(0x0a, offset);
    const slice = body.subarray(offset, end === -1 ? body.length : end);
    offset = end === -1 ? body.length : end + 1;
    return slice;
  };
  const header = JSON.parse(line().toString('utf8')) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (offset < body.length) {
    const headerLine = line();
    if (headerLine.length === 0) continue;
    const itemHeader = JSON.parse(headerLine.toString('utf8')) as EnvelopeItem['header'];
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(offset, offset + itemHeader.length);
      offset += itemHeader.length;
      if (body[offset] === 0x0a) offset++;
    } else {
      payload = line();
    }
    const raw = payload.toString('utf8');
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // Attachments may be any bytes; they stay text.
    }
    items.push({ header: itemHeader, payload: parsed, raw });
  }
  return { header, items };
}
