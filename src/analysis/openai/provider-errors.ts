/**
 * How an analysis provider failed, split by what the job worker should do next: try again later
 * (with backoff, at least `retryAfterSeconds` when the provider named a wait) or give up and
 * dead-letter the job, because repeating the same request cannot succeed.
 */

/** A provider's own wait can be a day (an exhausted daily quota); the queue's backoff takes over past this. */
export const MAX_RETRY_AFTER_SECONDS = 120;

export type RetryableFailure = 'rate-limited' | 'provider-unavailable' | 'timed-out' | 'connection-failed';

export type PermanentFailure =
  /** 400/404/422 and the like: the request itself is wrong (an unknown model, an image the provider cannot read). */
  | 'rejected-request'
  /** 401/403: the API key is wrong or lacks access; every job fails the same way until configuration changes. */
  | 'not-authorised'
  /** The account has no credit left: waiting a minute does not help, unlike a rate limit. */
  | 'account-quota-exhausted'
  /** The model declined to analyse the photo, or its answer was withheld by the content filter. */
  | 'refused'
  /** The answer was not JSON, did not match the schema, or was cut off. */
  | 'invalid-output';

interface FailureDetails {
  provider: 'local' | 'openai';
  /** HTTP status of the provider's answer, or null when there was none (timeout, network, bad output). */
  status?: number | null;
  /** The provider's request id, for a support ticket. */
  requestId?: string | null;
  cause?: unknown;
}

export class ProviderRetryableError extends Error {
  override readonly name = 'ProviderRetryableError';
  readonly provider: 'local' | 'openai';
  readonly status: number | null;
  readonly requestId: string | null;

  constructor(
    readonly reason: RetryableFailure,
    message: string,
    /** Whole seconds the provider asked us to wait, capped at MAX_RETRY_AFTER_SECONDS; null when it named none. */
    readonly retryAfterSeconds: number | null,
    details: FailureDetails,
  ) {
    super(message, { cause: details.cause });
    this.provider = details.provider;
    this.status = details.status ?? null;
    this.requestId = details.requestId ?? null;
  }
}

export class ProviderPermanentError extends Error {
  override readonly name = 'ProviderPermanentError';
  readonly provider: 'local' | 'openai';
  readonly status: number | null;
  readonly requestId: string | null;

  constructor(
    readonly reason: PermanentFailure,
    message: string,
    details: FailureDetails,
  ) {
    super(message, { cause: details.cause });
    this.provider = details.provider;
    this.status = details.status ?? null;
    this.requestId = details.requestId ?? null;
  }
}

/**
 * The wait a response asks for, from `retry-after-ms` (OpenAI's, more precise) or `Retry-After`
 * (seconds or an HTTP date), rounded up to whole seconds and capped; null when neither is usable.
 */
export function retryAfterSeconds(headers: Headers | undefined, now = Date.now()): number | null {
  const millis = headers?.get('retry-after-ms');
  if (millis && Number.isFinite(Number(millis))) return capSeconds(Number(millis) / 1000);
  const value = headers?.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return capSeconds(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : capSeconds((date - now) / 1000);
}

function capSeconds(seconds: number): number {
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(seconds)));
}
