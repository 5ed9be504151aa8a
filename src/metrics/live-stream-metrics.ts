import { Counter, Gauge, type Registry } from 'prom-client';

export interface LiveStream {
  /** One event written to the client. */
  delivered(): void;
  /** The stream ended (either side); safe to call more than once. */
  closed(): void;
}

export interface LiveStreamMetrics {
  /** A Server-Sent Events stream opened; `stream` names the feed (a fixed word, never an id). */
  open(stream: string): LiveStream;
}

export function defineLiveStreamMetrics(registry: Registry): LiveStreamMetrics {
  const open = new Gauge({
    name: 'sse_open_streams',
    help: 'Server-Sent Events streams open on this process',
    labelNames: ['stream'],
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'sse_events_delivered_total',
    help: 'Events written to Server-Sent Events streams',
    labelNames: ['stream'],
    registers: [registry],
  });
  return {
    open(stream) {
      open.inc({ stream });
      let ended = false;
      return {
        delivered: () => delivered.inc({ stream }),
        closed() {
          // A stream ends from our side (terminal event) and then its connection closes too.
          if (ended) return;
          ended = true;
          open.dec({ stream });
        },
      };
    },
  };
}
