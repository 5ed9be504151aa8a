import type { Socket } from 'node:net';
import autocannon from 'autocannon';

// Signed-in people using the web app as autocannon connections, open loop. Each person has as many
// kept-alive connections as the widest page they open (a browser opens several per host), and a page
// sends its calls on them at once, as the web app does. Autocannon makes the connections, sends the
// requests, applies the timeout and counts errors, timeouts and request times; what it cannot do is
// wait between requests: its only pacing, `connectionRate`/`overallRate`, lets each connection send up
// to a whole number of requests at the start of every second, which cannot express a person reading a
// page for an exponentially distributed 5 s (0.2 pages a second, arriving at random moments), and starts
// every connection's second at the same instant. So each connection's next request is held here until
// its person's page is due, on a schedule drawn before the run: arrivals do not wait for the server
// (a closed loop would, and would hide the queueing it causes).

/** A page as the web app opens it: its calls in waves, each wave's calls in parallel (the next waits for it). */
export interface Page {
  name: string;
  waves: string[][];
}

/** One person's page opening: `at` ms after the start, with the headers of that person's session. */
export interface PageOpen {
  at: number;
  person: number;
  headers: Record<string, string>;
  page: Page;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  connections: number;
  /** From the first scheduled page to the answer of the last page's last call. */
  seconds: number;
  pagesOpened: number;
  /** From the moment the schedule opens the page to the last answer of its last wave. */
  pageMs: Percentiles;
  /** Autocannon's request latency: from writing a request on its connection to the end of its answer. */
  requestMs: { p50: number; p97_5: number; p99: number; max: number };
  requests: number;
  statusCodes: Record<string, number>;
  non2xx: number;
  /** Autocannon's own counts: connection errors, and requests without an answer within the timeout. */
  errors: number;
  /** Autocannon's errors, timeouts among them, by their code or message (ECONNRESET, request timed out). */
  errorKinds: Record<string, number>;
  timeouts: number;
  /**
   * Answers that arrived on a connection with no request out. Autocannon would throw reading one;
   * they are dropped and counted here, and fail a step as errors do.
   */
  unrequestedAnswers: number;
  /**
   * Calls whose connection the server closed (without an error) while they were out: autocannon
   * reconnects without counting them, so they are counted here, and fail a step as errors do.
   */
  closedUnderRequest: number;
  /** How late the generator opened pages against the schedule: large, the generator was short of CPU. */
  generatorLagMs: Percentiles;
}

// The parts of autocannon 9's Client used to hold a connection's next request (not in its typings):
// `_doRequest` is what the client calls on connecting and after each answer to send its next request,
// `_connect` opens its socket (again), `_destroyConnection` closes it and forgets the requests out on
// it, `parser` reads answers (http-parser-js: callback 4 ends an answer), `pipelinedRequests` holds the
// requests out, `timeoutTicker` is its request timeout, `conn` its socket (none before the
// first `_connect`), `connError` its event for a socket's error.
interface ClientInternals {
  _doRequest(): void;
  _connect(): void;
  _destroyConnection(): void;
  parser: { type: string; reinitialize(type: string): void; [callback: number]: () => void };
  pipelinedRequests: { size(): number };
  on(event: 'connError', listener: (error: Error) => void): this;
  timeoutTicker: { reschedule(ms: number): void };
  conn: Socket | undefined;
}

// A held connection waits with no request out, so its timeout must not run meanwhile: it is pushed this
// far ahead, and autocannon sets it back to the request timeout when the next request goes out.
const HOLD_MS = 3_600_000;
const CONNECT_WAIT_MS = 15_000;
const K_ON_MESSAGE_COMPLETE = 4;

interface Call {
  path: string;
  headers: Record<string, string>;
  /** Told once, when answered or lost (autocannon counts a lost call as an error or a timeout). */
  done: () => void;
}

/** One autocannon connection and the calls waiting for it, in order. */
class Connection {
  /** Calls this connection lost to a reconnect: autocannon's timeouts, and closes it does not count. */
  lost = 0;
  unrequested = 0;
  private inFlight: Call | null = null;
  private readonly waiting: Call[] = [];
  private held = false;

  constructor(private readonly client: autocannon.Client & ClientInternals) {
    const connect = client._connect.bind(client);
    client._connect = () => {
      // Autocannon reconnects without closing the old socket when the server closed it (and that socket
      // may still report an error, which reconnects once more, leaving a live socket behind that feeds the
      // same parser), and without forgetting a half-read answer after a timeout: an answer would then be
      // read as the rest of another, or matched to no request, which throws inside autocannon.
      if (client.conn) client._destroyConnection();
      client.parser.reinitialize(client.parser.type);
      connect();
    };
    const endAnswer = client.parser[K_ON_MESSAGE_COMPLETE]!;
    client.parser[K_ON_MESSAGE_COMPLETE] = () => {
      if (client.pipelinedRequests.size() > 0) return endAnswer();
      this.unrequested++;
    };
    const send = client._doRequest.bind(client);
    client._doRequest = () => {
      // Asked to send while a call is still out: autocannon reconnected after a timeout, or after the
      // server closed the socket; that call will never be answered. (After an error, connError came first.)
      if (this.inFlight) {
        this.lost++;
        this.inFlight.done();
      }
      this.inFlight = this.waiting.shift() ?? null;
      if (!this.inFlight) {
        this.held = true;
        client.timeoutTicker.reschedule(HOLD_MS);
        return;
      }
      client.setRequests([{ method: 'GET', path: this.inFlight.path, headers: this.inFlight.headers }]);
      send();
    };
    client.on('response', () => {
      const call = this.inFlight;
      this.inFlight = null;
      call?.done();
    });
    // An error on the socket comes before autocannon reconnects (and asks for the next request).
    client.on('connError', () => {
      this.inFlight?.done();
      this.inFlight = null;
    });
  }

  get connected(): boolean {
    const socket = this.client.conn;
    return socket !== undefined && !socket.connecting && !socket.destroyed;
  }

  send(call: Call): void {
    this.waiting.push(call);
    if (!this.held) return;
    this.held = false;
    this.client._doRequest();
  }
}

/**
 * Runs `opens` (sorted by `at`) against `base` with `connectionsOf(person)` connections per person,
 * `people` people in all, and waits for every page to finish. Progress goes to `onSecond` once a second.
 */
export async function runPageOpens(
  base: string,
  opens: PageOpen[],
  {
    people,
    connectionsOf,
    timeoutSeconds,
    onSecond,
  }: {
    people: number;
    connectionsOf: (person: number) => number;
    timeoutSeconds: number;
    onSecond: (s: { elapsed: number; pagesDone: number; pagesOpen: number; pageTimes: number[] }) => void;
  },
): Promise<LoadResult> {
  const firstConnection: number[] = [];
  let total = 0;
  for (let p = 0; p < people; p++) {
    firstConnection.push(total);
    total += connectionsOf(p);
  }
  const connections: Connection[] = [];
  let instance: autocannon.Instance | undefined;
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: base,
        connections: total,
        // Ended by stop() once the last page is answered; this only bounds a run that never ends.
        duration: Math.ceil((opens.at(-1)?.at ?? 0) / 1000) + 10 * timeoutSeconds,
        timeout: timeoutSeconds,
        setupClient: (client) => {
          const internals = client as autocannon.Client & Partial<ClientInternals>;
          // setupClient runs before the client makes its timeout ticker and socket, so only this can be checked here.
          if (typeof internals._doRequest !== 'function' || typeof internals._connect !== 'function' || !internals.parser)
            throw new Error('autocannon: its Client no longer has _doRequest, _connect and parser (the version changed)');
          connections.push(new Connection(internals as autocannon.Client & ClientInternals));
        },
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
  });
  // Connecting thousands of sockets is not what a step measures: the schedule starts once they are up.
  const connectDeadline = performance.now() + CONNECT_WAIT_MS;
  while (!connections.every((c) => c.connected) && performance.now() < connectDeadline)
    await new Promise((r) => setTimeout(r, 50));

  const errorKinds: Record<string, number> = {};
  instance!.on('reqError', (error: { code?: string; message?: string }) => {
    const kind = error.code ?? error.message ?? 'unknown';
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  });
  const pageTimes: number[] = [];
  const lags: number[] = [];
  let pagesOpen = 0;
  const start = performance.now();
  let elapsed = 0;
  instance!.on('tick', () => onSecond({ elapsed: ++elapsed, pagesDone: pageTimes.length, pagesOpen, pageTimes }));

  const open = ({ at, person, headers, page }: PageOpen) =>
    new Promise<void>((pageDone) => {
      const scheduled = start + at;
      lags.push(performance.now() - scheduled);
      pagesOpen++;
      const sendWave = (i: number) => {
        const wave = page.waves[i];
        if (!wave) {
          pageTimes.push(performance.now() - scheduled);
          pagesOpen--;
          pageDone();
          return;
        }
        let left = wave.length;
        wave.forEach((path, slot) =>
          connections[firstConnection[person]! + slot]!.send({
            path,
            headers,
            // A call that fails is counted by autocannon (and fails the step); its page still ends when its calls do.
            done: () => --left === 0 && sendWave(i + 1),
          }),
        );
      };
      sendWave(0);
    });
  const pages: Promise<void>[] = [];
  for (const page of opens) {
    const wait = start + page.at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pages.push(open(page));
  }
  await Promise.all(pages);
  const seconds = (performance.now() - start) / 1000;
  instance!.stop();
  const res = await result;
  return {
    connections: total,
    seconds,
    pagesOpened: opens.length,
    pageMs: percentiles(pageTimes),
    requestMs: { p50: res.latency.p50, p97_5: res.latency.p97_5, p99: res.latency.p99, max: res.latency.max },
    requests: res.requests.total,
    statusCodes: Object.fromEntries(Object.entries(res.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0])),
    non2xx: res.non2xx,
    errors: res.errors - res.timeouts,
    errorKinds,
    timeouts: res.timeouts,
    unrequestedAnswers: connections.reduce((a, c) => a + c.unrequested, 0),
    closedUnderRequest: connections.reduce((a, c) => a + c.lost, 0) - res.timeouts,
    generatorLagMs: percentiles(lags),
  };
}

export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! * 100) / 100;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}
