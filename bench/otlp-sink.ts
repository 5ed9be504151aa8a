import { createServer } from 'node:http';

// A trace collector stand-in for benchmarks, in its own process: it accepts OTLP/HTTP protobuf exports
// on /v1/traces, counts their spans and bytes, and keeps nothing. GET /stats answers the counts so far.

let exports = 0;
let bytes = 0;
let spans = 0;

/** Reads a protobuf varint at `at`; returns its value and the offset after it. */
function varint(buffer: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buffer[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}

/**
 * Counts the spans of an ExportTraceServiceRequest (resource_spans = 1 → scope_spans = 2 → spans = 2)
 * by walking the wire format: field numbers and lengths only, no decoding of the spans themselves.
 */
function countSpans(message: Buffer, path: number[]): number {
  let count = 0;
  let at = 0;
  while (at < message.length) {
    const [key, afterKey] = varint(message, at);
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    at = afterKey;
    if (wireType === 0) at = varint(message, at)[1];
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const [length, start] = varint(message, at);
      at = start + length;
      if (field === path[0]) count += path.length === 1 ? 1 : countSpans(message.subarray(start, start + length), path.slice(1));
    } else throw new Error(`unexpected protobuf wire type ${wireType}`);
  }
  return count;
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ exports, bytes, spans }));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    if (request.url === '/v1/traces' && request.headers['content-type'] === 'application/x-protobuf') {
      exports++;
      bytes += body.length;
      spans += countSpans(body, [1, 2, 2]);
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    } else response.writeHead(404).end();
  });
});
server.listen(Number(process.env.PORT ?? 4318), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
