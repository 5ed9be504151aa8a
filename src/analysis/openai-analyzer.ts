import OpenAI from 'openai';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  ContentFilterFinishReasonError,
  LengthFinishReasonError,
} from 'openai/core/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { ZodError } from 'zod';
import type { Config } from '../config.ts';
import { ProviderPermanentError, ProviderRetryableError, retryAfterSeconds } from './openai/provider-errors.ts';
import { SkinReportSchema, toSkinAnalysisResult } from './openai/skin-report-schema.ts';
import type { PhotoInput, SkinAnalysisResult, SkinAnalyzer, UsageReport } from './skin-analyzer.ts';

export {
  MAX_RETRY_AFTER_SECONDS,
  ProviderPermanentError,
  ProviderRetryableError,
  type PermanentFailure,
  type RetryableFailure,
} from './openai/provider-errors.ts';

export type OpenAiAnalyzerConfig = Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS'>;

const RESPONSE_FORMAT = zodResponseFormat(SkinReportSchema, 'skin_analysis');

const INSTRUCTIONS = [
  'You assess facial skin in a photo for a beauty clinic. This is a cosmetic assessment, not a medical diagnosis.',
  'Score every concern from 1 (severe) to 100 (no visible concern), overall and for each listed region.',
  'Give null for a region that is hidden, out of frame or too dark to judge; never guess it.',
  'Judge what is visible in this photo only, and lower the confidence for poor light, blur, a turned face, make-up or filters.',
].join('\n');

/**
 * The OpenAI vision provider, or null when no API key is configured (the provider is then not offered).
 *
 * The client never retries by itself (maxRetries: 0): in this SDK line it obeys any Retry-After with
 * no cap, which would hold a worker slot for as long as the provider says. Failures surface as
 * ProviderRetryableError / ProviderPermanentError and the job queue decides.
 */
export function createOpenAiAnalyzer(config: OpenAiAnalyzerConfig): SkinAnalyzer<PhotoInput> | null {
  if (!config.OPENAI_API_KEY) return null;
  const client = new OpenAI({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: 0,
  });
  const model = config.OPENAI_MODEL;

  return {
    provider: 'openai',
    async analyze(input: PhotoInput, signal?: AbortSignal, onUsage?: UsageReport): Promise<SkinAnalysisResult> {
      let completion;
      try {
        completion = await client.chat.completions.parse(
          {
            model,
            messages: [
              { role: 'system', content: INSTRUCTIONS },
              {
                role: 'user',
                content: [
                  { type: 'text', text: 'Assess the skin of the person in this photo.' },
                  // Skin detail is the point: "low" would shrink the photo to 512 px before the model sees it.
                  {
                    type: 'image_url',
                    image_url: { url: `data:image/jpeg;base64,${input.image.toString('base64')}`, detail: 'high' },
                  },
                ],
              },
            ],
            response_format: RESPONSE_FORMAT,
          },
          { signal },
        );
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw classifyFailure(error, config.OPENAI_TIMEOUT_MS);
      }

      if (completion.usage) {
        onUsage?.(completion.model, { prompt: completion.usage.prompt_tokens, completion: completion.usage.completion_tokens });
      }
      const requestId = completion._request_id ?? null;
      const message = completion.choices[0]?.message;
      if (message?.refusal) {
        throw new ProviderPermanentError('refused', `The model declined to analyse the photo: ${message.refusal}`, {
          provider: 'openai',
          status: 200,
          requestId,
        });
      }
      if (!message?.parsed) {
        throw new ProviderPermanentError('invalid-output', 'The model returned no analysis.', {
          provider: 'openai',
          status: 200,
          requestId,
        });
      }
      return toSkinAnalysisResult(message.parsed, completion.model);
    },
  };
}

/**
 * Messages stay plain and free of the provider's own text (a 401's text quotes part of the key), as the
 * worker may show them to clinic staff; the SDK error is kept as `cause` for the logs.
 */
function classifyFailure(error: unknown, timeoutMs: number): unknown {
  const provider = 'openai';
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderRetryableError('timed-out', `OpenAI did not answer within ${timeoutMs} ms.`, null, {
      provider,
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    return new ProviderRetryableError('connection-failed', 'Could not reach OpenAI.', null, { provider, cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const details = { provider, status, requestId: error.requestID ?? null, cause: error } as const;
    const message = `OpenAI answered with HTTP ${status}.`;
    // OpenAI reports an account out of credit as a 429 too; only waiting for a rate window helps the others.
    if (status === 429 && error.code === 'insufficient_quota') {
      return new ProviderPermanentError('account-quota-exhausted', 'The OpenAI account has no credit left.', details);
    }
    if (status === 429) return new ProviderRetryableError('rate-limited', message, retryAfterSeconds(error.headers), details);
    // 408 and 409 (a lock timeout on OpenAI's side) are transient; the SDK itself would retry them.
    if (status >= 500 || status === 408 || status === 409) {
      return new ProviderRetryableError('provider-unavailable', message, retryAfterSeconds(error.headers), details);
    }
    if (status === 401 || status === 403) {
      return new ProviderPermanentError('not-authorised', `OpenAI refused this server's API key (HTTP ${status}).`, details);
    }
    return new ProviderPermanentError('rejected-request', `OpenAI rejected the analysis request (HTTP ${status}).`, details);
  }
  if (error instanceof ContentFilterFinishReasonError) {
    return new ProviderPermanentError('refused', 'The answer was withheld by the content filter.', {
      provider,
      status: 200,
      cause: error,
    });
  }
  if (error instanceof LengthFinishReasonError) {
    return new ProviderPermanentError('invalid-output', 'The answer was cut off before it was complete.', {
      provider,
      status: 200,
      cause: error,
    });
  }
  if (error instanceof SyntaxError || error instanceof ZodError) {
    return new ProviderPermanentError('invalid-output', "The model's answer does not match the analysis format.", {
      provider,
      status: 200,
      cause: error,
    });
  }
  return error;
}
