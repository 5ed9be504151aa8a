import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import type { Principal } from './authenticate.ts';

export interface EventStream {
  /** Writes one event; ignored once the stream has ended. */
  send(event: string, data: unknown): void;
  /** Ends the stream (the client's disconnect ends it too). */
  close(): void;
  readonly closed: boolean;
}

export interface EventStreamLimits {
  /** A stream ends after this long; the browser's EventSource reconnects by itself and reads the state again. */
  maxSeconds: number;
  /** Open streams one user may hold on this process; the next one gets 429 too-many-streams. */
  maxPerUser: number;
  /** A comment line this often keeps proxies from closing an idle stream; the session is checked on each one. */
  heartbeatSeconds: number;
  /** Whether the request's session still holds (not signed out, expired, idle or its user disabled). */
  stillSignedIn: (request: FastifyRequest) => Promise<boolean>;
}

export interface EventStreams {
  /**
   * Takes the response over as a server-sent event stream: no buffering by proxies, a heartbeat, and
   * `onClose` called once, whether the server or the client ends it. `feed` names the stream in the
   * figures (a fixed word, never an id). Throws 429 too-many-streams, before anything is written,
   * when the user already holds the most streams allowed.
   */
  open(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { principal: Principal; feed: string; onClose: () => void },
  ): EventStream;
}

/** The streams of one process: each is bounded in time, in number per user, and by its session. */
export function eventStreams(limits: EventStreamLimits): EventStreams {
  const openPerUser = new Map<string, number>();
  return {
    open(request, reply, { principal, feed, onClose }) {
      const userId = principal.userId;
      const held = openPerUser.get(userId) ?? 0;
      if (held >= limits.maxPerUser) {
        throw new AppError('too-many-streams', `At most ${limits.maxPerUser} live streams per user; close another first.`, {
          maxStreams: limits.maxPerUser,
        });
      }
      openPerUser.set(userId, held + 1);
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
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        const left = (openPerUser.get(userId) ?? 1) - 1;
        if (left > 0) openPerUser.set(userId, left);
        else openPerUser.delete(userId);
        onClose();
        counted.closed();
        res.end();
      };
      const heartbeat = setInterval(() => {
        res.write(': keep-alive\n\n');
        // A stream must not outlive its session: signing out elsewhere or a disabled account ends it.
        limits.stillSignedIn(request).then(
          (live) => {
            if (!live) close();
          },
          // The database being away is no reason to drop viewers; the lifetime still bounds the stream.
          (error: unknown) => request.log.warn({ err: error }, 'could not check the session of a live stream'),
        );
      }, limits.heartbeatSeconds * 1000);
      const lifetime = setTimeout(close, limits.maxSeconds * 1000);
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
    },
  };
}
