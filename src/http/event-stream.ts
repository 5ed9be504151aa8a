import type { FastifyReply, FastifyRequest } from 'fastify';

// Proxies close idle connections (often after 30-60 s): a comment line every 15 s keeps the stream open.
const HEARTBEAT_MS = 15_000;

export interface EventStream {
  /** Writes one event; ignored once the stream has ended. */
  send(event: string, data: unknown): void;
  /** Ends the stream (the client's disconnect ends it too). */
  close(): void;
  readonly closed: boolean;
}

/**
 * Takes the response over as a server-sent event stream: no buffering by proxies, a heartbeat, and
 * `onClose` called once, whether the server or the client ends it. `feed` names the stream in the
 * figures (a fixed word, never an id).
 */
export function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  { feed, onClose }: { feed: string; onClose: () => void },
): EventStream {
  const counted = request.server.metrics.liveStreams.open(feed);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    onClose();
    counted.closed();
    res.end();
  };
  request.raw.on('close', close);
  return {
    send(event, data) {
      if (closed) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      counted.delivered();
    },
    close,
    get closed() {
      return closed;
    },
  };
}
