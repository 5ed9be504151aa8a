import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createOpenAiAnalyzer,
  ProviderPermanentError,
  ProviderRetryableError,
  type OpenAiAnalyzerConfig,
} from '../../src/analysis/openai-analyzer.ts';
import { CONCERNS, WRINKLE_REGIONS, type PhotoInput, type SkinAnalyzer } from '../../src/analysis/skin-analyzer.ts';
import { loadConfig } from '../../src/config.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.ts';
import { openAiSkinReport } from '../support/openai-answers.ts';

describe('OpenAI skin analysis provider', () => {
  let server: FakeOpenAiServer;
  let config: OpenAiAnalyzerConfig;
  let analyzer: SkinAnalyzer<PhotoInput>;
  let input: PhotoInput;

  beforeAll(async () => {
    server = await startFakeOpenAiServer();
    config = loadConfig({ OPENAI_API_KEY: server.apiKey, OPENAI_BASE_URL: server.baseURL, OPENAI_MODEL: 'gpt-4.1-mini' });
    analyzer = createOpenAiAnalyzer(config)!;
    const image = await sharp({ create: { width: 96, height: 128, channels: 3, background: '#c99b82' } })
      .jpeg()
      .toBuffer();
    input = { image, width: 96, height: 128 };
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.reset();
  });

  it('is not offered when no API key is configured', () => {
    expect(createOpenAiAnalyzer(loadConfig({}))).toBeNull();
    expect(createOpenAiAnalyzer(loadConfig({ OPENAI_BASE_URL: server.baseURL }))).toBeNull();
  });

  it('turns a valid answer into the full analysis result, tagged with the model the server reports', async () => {
    const report = openAiSkinReport();
    server.respondWith({ kind: 'structured', output: report, model: 'gpt-4.1-mini-2025-04-14' });

    const result = await analyzer.analyze(input);

    expect(result).toEqual({
      provider: 'openai',
      modelVersion: 'gpt-4.1-mini-2025-04-14',
      overallScore: 67, // mean of the nine concern scores, 67.0
      // A region the model could not judge (null) is left out.
      concerns: {
        ...report.concerns,
        redness: { score: 72, regions: { forehead: 80, left_cheek: 65, right_cheek: 66, nose: 70 } },
      },
      skinType: 'combination',
      skinAge: 34,
      confidence: 0.82,
      heatmaps: {},
    });
  });

  it('sends the photo as a data URL and asks for strict structured output with the analysis schema', async () => {
    server.respondWith({ kind: 'structured', output: openAiSkinReport() });
    await analyzer.analyze(input);

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.headers.authorization).toBe(`Bearer ${server.apiKey}`);
    expect(request!.body.model).toBe('gpt-4.1-mini');
    const parts = request!.body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
    expect(parts).toContainEqual({
      type: 'image_url',
      image_url: { url: `data:image/jpeg;base64,${input.image.toString('base64')}`, detail: 'high' },
    });

    const format = request!.body.response_format!;
    expect(format.type).toBe('json_schema');
    expect(format.json_schema).toMatchObject({ name: 'skin_analysis', strict: true });
    const schema = format.json_schema!.schema as {
      properties: {
        concerns: { required: string[]; properties: Record<string, { properties: { regions: { required: string[] } } }> };
      };
      required: string[];
    };
    expect(schema.required).toEqual(['concerns', 'skin_type', 'skin_age', 'confidence']);
    expect(schema.properties.concerns.required).toEqual([...CONCERNS]);
    expect(schema.properties.concerns.properties.dark_circles!.properties.regions.required).toEqual([
      'under_eye_left',
      'under_eye_right',
    ]);
    expect(schema.properties.concerns.properties.wrinkles!.properties.regions.required).toEqual([...WRINKLE_REGIONS]);
    expect(schema.properties.concerns.properties.acne!.properties.regions.required).toEqual([
      'forehead',
      'left_cheek',
      'right_cheek',
      'nose',
      'chin',
    ]);
  });

  it('clamps scores, age and confidence that fall outside their ranges instead of failing the analysis', async () => {
    const answer = openAiSkinReport();
    answer.concerns.redness = { score: 0, regions: { forehead: -5, left_cheek: 140, right_cheek: 55.6, nose: 100, chin: null } };
    answer.concerns.acne.score = 250;
    answer.skin_age = 430;
    answer.confidence = 1.7;
    server.respondWith({ kind: 'structured', output: answer });

    const result = await analyzer.analyze(input);

    expect(result.concerns.redness).toEqual({ score: 1, regions: { forehead: 1, left_cheek: 100, right_cheek: 56, nose: 100 } });
    expect(result.concerns.acne.score).toBe(100);
    expect(result.skinAge).toBe(120);
    expect(result.confidence).toBe(1);
  });

  it('keeps an unknown skin age as null', async () => {
    server.respondWith({ kind: 'structured', output: { ...openAiSkinReport(), skin_age: null } });
    expect((await analyzer.analyze(input)).skinAge).toBeNull();
  });

  it.each([
    ['Retry-After: 7', { 'retry-after': '7' }, 7],
    ['a Retry-After of a day, capped', { 'retry-after': '86400' }, 120],
    ['retry-after-ms: 1500, rounded up', { 'retry-after-ms': '1500', 'retry-after': '9' }, 2],
    ['no Retry-After', {}, null],
  ])('a 429 with %s is retryable after the wait it names', async (_, headers, seconds) => {
    server.respondWith({ kind: 'error', status: 429, code: 'rate_limit_exceeded', headers });

    const error = await analyzer.analyze(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRetryableError);
    expect(error).toMatchObject({ reason: 'rate-limited', status: 429, retryAfterSeconds: seconds, provider: 'openai' });
    expect(server.requests).toHaveLength(1); // the client itself does not retry
  });

  it('a 429 for an account out of credit is permanent: waiting does not help', async () => {
    server.respondWith({ kind: 'error', status: 429, code: 'insufficient_quota', headers: { 'retry-after': '1' } });
    await expect(analyzer.analyze(input)).rejects.toMatchObject({
      name: 'ProviderPermanentError',
      reason: 'account-quota-exhausted',
    });
  });

  it.each([500, 502, 503])('a %i from OpenAI is retryable', async (status) => {
    server.respondWith({ kind: 'error', status });

    const error = await analyzer.analyze(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRetryableError);
    expect(error).toMatchObject({
      reason: 'provider-unavailable',
      status,
      retryAfterSeconds: null,
      requestId: expect.stringMatching(/^req_fake_/),
    });
  });

  it('a wrong API key gives a permanent not-authorised error that does not quote the key', async () => {
    const wrongKey = createOpenAiAnalyzer({ ...config, OPENAI_API_KEY: 'sk-test-revoked-key-0000' })!;
    server.respondWith({ kind: 'structured', output: openAiSkinReport() });

    const error = await wrongKey.analyze(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderPermanentError);
    expect(error).toMatchObject({ reason: 'not-authorised', status: 401 });
    expect((error as Error).message).not.toMatch(/sk-|0000/);
  });

  it('a photo OpenAI cannot read gives a permanent rejected-request error', async () => {
    server.respondWith({ kind: 'structured', output: openAiSkinReport() });

    const error = await analyzer.analyze({ ...input, image: Buffer.from('not a jpeg at all') }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderPermanentError);
    expect(error).toMatchObject({ reason: 'rejected-request', status: 400 });
  });

  it('a refusal from the model is permanent and carries its words', async () => {
    server.respondWith({ kind: 'refusal', refusal: "I'm sorry, I can't help with that." });

    const error = await analyzer.analyze(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderPermanentError);
    expect(error).toMatchObject({
      reason: 'refused',
      message: expect.stringContaining("I can't help with that"),
      requestId: expect.stringMatching(/^req_fake_/),
    });
  });

  it('an answer that is not JSON is permanent invalid output', async () => {
    server.respondWith({ kind: 'content', content: '{"concerns": {"redness": ' });

    const error = await analyzer.analyze(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderPermanentError);
    expect(error).toMatchObject({ reason: 'invalid-output' });
  });

  it.each([
    [
      'a concern is missing',
      () => {
        const a: Record<string, unknown> = openAiSkinReport();
        delete (a.concerns as Record<string, unknown>).acne;
        return a;
      },
    ],
    [
      'a score is a string',
      () => {
        const a = openAiSkinReport();
        (a.concerns.pores as { score: unknown }).score = 'high';
        return a;
      },
    ],
    ['the skin type is not one we know', () => ({ ...openAiSkinReport(), skin_type: 'sensitive' })],
  ])('an answer where %s is permanent invalid output', async (_, makeAnswer) => {
    server.respondWith({ kind: 'structured', output: makeAnswer() });
    await expect(analyzer.analyze(input)).rejects.toMatchObject({ name: 'ProviderPermanentError', reason: 'invalid-output' });
  });

  it('a provider that does not answer in time gives a retryable timeout', async () => {
    const impatient = createOpenAiAnalyzer({ ...config, OPENAI_TIMEOUT_MS: 200 })!;
    server.respondWith({ kind: 'no-answer' });

    const error = await impatient.analyze(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRetryableError);
    expect(error).toMatchObject({ reason: 'timed-out', retryAfterSeconds: null });
    expect(server.requests).toHaveLength(1);
  });

  it('an aborted analysis rejects with the abort reason, not a provider error', async () => {
    server.respondWith({ kind: 'no-answer' });
    const controller = new AbortController();
    const reached = server.nextRequest();

    const analysis = analyzer.analyze(input, controller.signal).catch((e: unknown) => e);
    await reached;
    controller.abort();

    const error = await analysis;
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it('an analysis aborted before it starts sends nothing', async () => {
    server.respondWith({ kind: 'structured', output: openAiSkinReport() });
    const reason = new Error('worker shutting down');

    await expect(analyzer.analyze(input, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });
});
