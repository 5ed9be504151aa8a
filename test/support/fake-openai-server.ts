import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers to the next chat completion requests. */
export type FakeOpenAiScenario =
  /** A structured answer: `output` is serialised as the assistant's JSON content. */
  | { kind: 'structured'; output: unknown; model?: string }
  | { kind: 'refusal'; refusal: string }
  /** Assistant content sent as is (e.g. text that is not JSON). */
  | { kind: 'content'; content: string }
  /** An API error: OpenAI's error body with this status, code and headers. */
  | { kind: 'error'; status: number; code?: string; message?: string; headers?: Record<string, string> }
  /** Never answers; the client's timeout or abort ends the request. */
  | { kind: 'no-answer' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatCompletionBody;
}

/** The parts of a Chat Completions request the fake reads (it keeps the whole parsed body). */
export interface ChatCompletionBody {
  model: string;
  messages: { role: string; content: string | ContentPart[] }[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: JsonSchema } };
  [key: string]: unknown;
}

type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };
type JsonSchema = Record<string, unknown>;

export interface FakeOpenAiServer {
  /** What to pass as the client's baseURL. */
  baseURL: string;
  apiKey: string;
  /** Every request that reached the server, in order, whatever it was answered. */
  requests: RecordedRequest[];
  /** Sets the answer for every following request. */
  respondWith(scenario: FakeOpenAiScenario): void;
  /** Resolves with the next request the server receives. */
  nextRequest(): Promise<RecordedRequest>;
  reset(): void;
  close(): Promise<void>;
}

class InvalidRequest extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/**
 * A local HTTP server speaking enough of OpenAI's Chat Completions protocol for the real `openai`
 * client to run against it: bearer-key check, OpenAI's error bodies and status codes, strict
 * structured-output schema rules, image data URLs that must hold the image they claim.
 */
export async function startFakeOpenAiServer(apiKey = 'sk-test-fake-openai-key'): Promise<FakeOpenAiServer> {
  let scenario: FakeOpenAiScenario = { kind: 'error', status: 500, message: 'No scenario set for the fake OpenAI server.' };
  let completionCount = 0;
  const requests: RecordedRequest[] = [];
  let waiters: ((request: RecordedRequest) => void)[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0]!;
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        // Recorded as null; answered below.
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: body as ChatCompletionBody,
      };
      requests.push(recorded);
      const waiting = waiters;
      waiters = [];
      for (const resolve of waiting) resolve(recorded);

      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        return sendError(res, 404, { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error' });
      }
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return sendError(res, 401, {
          message: `Incorrect API key provided: ${maskKey(req.headers.authorization?.replace(/^Bearer /, '') ?? '')}.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        });
      }
      if (!String(req.headers['content-type']).startsWith('application/json') || body === null) {
        return sendError(res, 400, {
          message: 'We could not parse the JSON body of your request.',
          type: 'invalid_request_error',
        });
      }
      try {
        checkChatCompletionRequest(body);
      } catch (error) {
        // A body shaped too oddly for the checks (a null message, say) is still the client's mistake.
        const invalid = error instanceof InvalidRequest ? error : new InvalidRequest(`Invalid request body: ${String(error)}`);
        return sendError(res, 400, {
          message: invalid.message,
          type: 'invalid_request_error',
          param: invalid.param,
          code: invalid.code,
        });
      }
      completionCount += 1;
      answer(res, scenario, body as ChatCompletionBody, completionCount);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    respondWith(next) {
      scenario = next;
    },
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    reset() {
      requests.length = 0;
      scenario = { kind: 'error', status: 500, message: 'No scenario set for the fake OpenAI server.' };
    },
    close() {
      // Requests left unanswered on purpose would otherwise keep close() waiting forever.
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function answer(res: ServerResponse, scenario: FakeOpenAiScenario, body: ChatCompletionBody, count: number): void {
  const requestId = `req_fake_${count}`;
  switch (scenario.kind) {
    case 'no-answer':
      return;
    case 'error':
      return sendError(
        res,
        scenario.status,
        {
          message: scenario.message ?? `Fake error ${scenario.status}.`,
          type: errorType(scenario.status),
          code: scenario.code ?? null,
        },
        { 'x-request-id': requestId, ...scenario.headers },
      );
    case 'structured':
    case 'refusal':
    case 'content': {
      if (body.response_format?.type !== 'json_schema') {
        return sendError(res, 400, {
          message: 'The fake only answers structured-output requests.',
          type: 'invalid_request_error',
        });
      }
      const content =
        scenario.kind === 'structured' ? JSON.stringify(scenario.output) : scenario.kind === 'content' ? scenario.content : null;
      const completion = {
        id: `chatcmpl-fake${count}`,
        object: 'chat.completion',
        created: 1_767_225_600 + count,
        model: scenario.kind === 'structured' && scenario.model ? scenario.model : body.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content,
              refusal: scenario.kind === 'refusal' ? scenario.refusal : null,
              annotations: [],
            },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 1105, completion_tokens: 412, total_tokens: 1517 },
        service_tier: 'default',
        system_fingerprint: 'fp_fake',
      };
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': requestId, 'openai-processing-ms': '1' });
      res.end(JSON.stringify(completion));
      return;
    }
  }
}

function checkChatCompletionRequest(body: unknown): void {
  const request = body as Partial<ChatCompletionBody>;
  if (typeof request.model !== 'string' || request.model === '')
    throw new InvalidRequest("Missing required parameter: 'model'.", 'model');
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw new InvalidRequest("Missing required parameter: 'messages'.", 'messages');
  }
  let images = 0;
  request.messages.forEach((message, i) => {
    if (!['system', 'developer', 'user', 'assistant'].includes(message.role)) {
      throw new InvalidRequest(`Invalid value: '${message.role}'.`, `messages[${i}].role`);
    }
    if (typeof message.content === 'string') return;
    if (!Array.isArray(message.content)) throw new InvalidRequest('Invalid content.', `messages[${i}].content`);
    message.content.forEach((part, j) => {
      if (part.type === 'text' && typeof part.text === 'string') return;
      if (part.type !== 'image_url')
        throw new InvalidRequest(`Invalid content part type: '${part.type}'.`, `messages[${i}].content[${j}].type`);
      checkImage(part.image_url?.url, `messages[${i}].content[${j}].image_url.url`);
      images += 1;
    });
  });
  // The real API accepts text-only requests; this fake stands in for a vision call and refuses them.
  if (images === 0) throw new InvalidRequest('The fake serves vision requests only: no image in the messages.', 'messages');

  const format = request.response_format;
  if (format === undefined) return;
  if (format.type !== 'json_schema') return;
  const spec = format.json_schema;
  if (!spec || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name ?? '')) {
    throw new InvalidRequest("Invalid 'response_format.json_schema.name'.", 'response_format.json_schema.name');
  }
  if (typeof spec.schema !== 'object' || spec.schema === null) {
    throw new InvalidRequest("Missing 'response_format.json_schema.schema'.", 'response_format.json_schema.schema');
  }
  if (spec.strict === true) checkStrictSchema(spec.schema, 'schema');
}

const IMAGE_SIGNATURES: Record<string, (b: Buffer) => boolean> = {
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  png: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  webp: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  gif: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
};

function checkImage(url: unknown, param: string): void {
  const match = typeof url === 'string' ? /^data:image\/(jpeg|png|webp|gif);base64,([A-Za-z0-9+/]+={0,2})$/.exec(url) : null;
  if (!match)
    throw new InvalidRequest(
      'Invalid image URL: expected a base64 data URL of a jpeg, png, webp or gif image.',
      param,
      'invalid_image_url',
    );
  const bytes = Buffer.from(match[2]!, 'base64');
  if (!IMAGE_SIGNATURES[match[1]!]!(bytes)) {
    throw new InvalidRequest(
      'You uploaded an unsupported image. Please make sure your image is valid.',
      param,
      'invalid_image_format',
    );
  }
}

/** Strict structured output's rules: every object closed and every property required; refs resolved by the API. */
function checkStrictSchema(schema: JsonSchema, path: string): void {
  if (schema.type === 'object' || schema.properties) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    if (schema.additionalProperties !== false) {
      throw new InvalidRequest(
        `Invalid schema for response_format: In context=(${path}), 'additionalProperties' is required to be supplied and to be false.`,
        'response_format',
        'invalid_json_schema',
      );
    }
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    for (const key of Object.keys(properties)) {
      if (!required.includes(key)) {
        throw new InvalidRequest(
          `Invalid schema for response_format: In context=(${path}), 'required' is required to be supplied and to be an array including every key in properties. Missing '${key}'.`,
          'response_format',
          'invalid_json_schema',
        );
      }
      checkStrictSchema(properties[key]!, `${path}, 'properties', '${key}'`);
    }
  }
  for (const keyword of ['anyOf', 'allOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches))
      branches.forEach((branch, i) => checkStrictSchema(branch as JsonSchema, `${path}, '${keyword}', ${i}`));
  }
  if (schema.items && typeof schema.items === 'object') checkStrictSchema(schema.items as JsonSchema, `${path}, 'items'`);
  for (const keyword of ['$defs', 'definitions'] as const) {
    const defs = schema[keyword] as Record<string, JsonSchema> | undefined;
    for (const [name, def] of Object.entries(defs ?? {})) checkStrictSchema(def, `${path}, '${keyword}', '${name}'`);
  }
}

function errorType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function sendError(
  res: ServerResponse,
  status: number,
  error: { message: string; type: string; param?: string | null; code?: string | null },
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { param: null, code: null, ...error } }));
}

function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(8)}${key.slice(-4)}` : '********';
}
