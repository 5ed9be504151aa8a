import { PROBLEMS, type ProblemCode } from './problem-catalogue.ts';

/** An outcome a client can act on; mapped to problem+json in one place (http/problem-handler.ts). */
export class AppError extends Error {
  constructor(
    readonly code: ProblemCode,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? PROBLEMS[code].title);
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

export const notFound = (what = 'resource') => new AppError('not-found', `No such ${what}.`);
export const forbidden = (detail?: string) => new AppError('forbidden', detail);
export const conflict = (detail: string, extra?: Record<string, unknown>) => new AppError('conflict', detail, extra);
export const invalid = (detail: string, errors: { path: string; message: string }[] = []) =>
  new AppError('validation-failed', detail, { errors });
/** The limit that refused a request: the label it is counted under at /metrics (a fixed name, never an id). */
export type Limiter =
  | 'api-user'
  | 'api-clinic'
  | 'api-ip'
  | 'analysis-uploads'
  | 'sign-in-pair'
  | 'sign-in-account'
  | 'sign-in-ip'
  | 'password-reset-account'
  | 'password-reset-ip'
  | 'two-factor-user';

export class TooManyRequests extends AppError {
  constructor(
    readonly limiter: Limiter,
    code: 'too-many-requests' | 'sign-in-locked',
    retryAfterSeconds: number,
    detail?: string,
  ) {
    super(code, detail, { retryAfter: retryAfterSeconds }, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export const tooManyRequests = (
  limiter: Limiter,
  code: 'too-many-requests' | 'sign-in-locked',
  retryAfterSeconds: number,
  detail?: string,
) => new TooManyRequests(limiter, code, retryAfterSeconds, detail);

/** Why a request was shed: the label it is counted under at /metrics. */
export type ShedReason = 'queue-full' | 'waited-too-long' | 'event-loop-behind';

const SHED_DETAILS: Record<ShedReason, string> = {
  'queue-full': 'Too many requests are waiting for the database; try again shortly.',
  'waited-too-long': 'No database connection came free in time; try again shortly.',
  'event-loop-behind': 'The server is too busy to answer in time; try again shortly.',
};

/**
 * Refused because the database pool (or the process itself) is saturated, before the transaction that needed a connection ran:
 * answered at once so a client (or the balancer) retries elsewhere or later, instead of queueing for
 * seconds and timing out.
 */
export class Overloaded extends AppError {
  constructor(
    readonly reason: ShedReason,
    retryAfterSeconds = 1,
  ) {
    super('overloaded', SHED_DETAILS[reason], { retryAfter: retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
  }
}
