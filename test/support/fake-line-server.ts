import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LinePush {
  headers: IncomingHttpHeaders;
  body: { to: string; messages: { type: string; text: string }[] };
}

export interface FakeLineServer {
  /** What to pass as LINE_API_URL. */
  baseUrl: string;
  /** The channel access token the server accepts. */
  token: string;
  /** Every push request that reached the server, in order, whatever it was answered. */
  requests: LinePush[];
  /** Messages accepted and shown to users: one per retry key, as LINE delivers them. */
  delivered: LinePush[];
  /** Answers the next `count` pushes with 500 before accepting any. */
  failNext(count: number): void;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A local HTTP server speaking the LINE Messaging API's push endpoint: bearer token, JSON body with
 * `to` and text messages, and `X-Line-Retry-Key`, with which a repeated key is answered 409 and not
 * delivered again.
 */
export async function startFakeLineServer(token = 'fake-line-channel-access-token-0123456789'): Promise<FakeLineServer> {
  const requests: LinePush[] = [];
  const delivered: LinePush[] = [];
  const acceptedKeys = new Set<string>();
  let failures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/v2/bot/message/push') return answer(404, { message: 'Not found' });
      if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { message: 'Authentication failed' });
      let body: LinePush['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LinePush['body'];
      } catch {
        return answer(400, { message: 'The request body has 1 error(s)' });
      }
      const push = { headers: req.headers, body };
      requests.push(push);
      const retryKey = req.headers['x-line-retry-key'];
      if (retryKey !== undefined && (typeof retryKey !== 'string' || !UUID.test(retryKey)))
        return answer(400, { message: 'The retry key must be a UUID' });
      const valid =
        typeof body.to === 'string' &&
        Array.isArray(body.messages) &&
        body.messages.length >= 1 &&
        body.messages.every((m) => m.type === 'text' && typeof m.text === 'string' && m.text.length > 0);
      if (!valid) return answer(400, { message: 'The request body has 1 error(s)' });
      if (failures > 0) {
        failures--;
        return answer(500, { message: 'An error occurred in the backend' });
      }
      if (retryKey && acceptedKeys.has(retryKey)) return answer(409, { message: 'The retry key is already accepted' });
      if (retryKey) acceptedKeys.add(retryKey);
      delivered.push(push);
      return answer(200, { sentMessages: body.messages.map((_, i) => ({ id: String(Date.now() + i) })) });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    token,
    requests,
    delivered,
    failNext(count) {
      failures = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
