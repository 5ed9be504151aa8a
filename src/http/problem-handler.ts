import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, Overloaded } from '../errors/app-error.ts';
import type { ErrorTracking } from '../errors/error-tracking.ts';
import { fromPostgresError } from '../errors/postgres-errors.ts';
import { PROBLEMS, problemType, type ProblemCode } from '../errors/problem-catalogue.ts';

// Fastify's own client-error codes, mapped once.
const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed-request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_CSRF_INVALID_TOKEN: 'csrf-token-invalid',
  FST_CSRF_MISSING_SECRET: 'csrf-token-invalid',
  FST_REQ_FILE_TOO_LARGE: 'payload-too-large',
  FST_ERR_BAD_URL: 'malformed-url',
  FST_ERR_MAX_PARAM_LENGTH: 'path-parameter-too-long',
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The problem this request was answered with, for the figures counted when it finishes. */
    problem: AppError | null;
  }
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  request.problem = error;
  const { status, title } = PROBLEMS[error.code];
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: problemType(error.code),
      title,
      status,
      detail: error.message,
      instance: request.url,
      requestId: request.id,
      ...error.extra,
    });
}

/**
 * A path no route serves: a problem, or, when the web app is built, its shell for a page GET outside
 * /api (deep links open the right page). The shell is served here rather than by a catch-all route so
 * the router still refuses what it refuses (an over-long parameter) and an unknown API path stays
 * unmatched in the figures.
 */
export type WebShell = (reply: FastifyReply) => FastifyReply;

export function registerProblemHandlers(
  app: FastifyInstance,
  webShell: WebShell | null = null,
  errors: Pick<ErrorTracking, 'serverError'> | null = null,
): void {
  app.decorateRequest('problem', null);
  app.setErrorHandler((raw: FastifyError, request, reply) => {
    const answered = answerError(raw, request, reply);
    // Every 5xx is reported where it is made; a readiness probe's own 503 (health-routes) is not an error.
    if (errors && request.problem && request.problem.status >= 500) {
      errors.serverError(raw, {
        requestId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: request.problem.status,
        problem: request.problem.code,
      });
    }
    return answered;
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // An unknown API path stays a problem+json 404: a client of the API must never get HTML; nor does
    // a script asking for an asset an old deploy had.
    const isPage = !/^\/(api|assets)(\/|$)/.test(path);
    if (webShell && request.method === 'GET' && isPage) return webShell(reply);
    return sendProblem(reply, request, new AppError('route-not-found', `${request.method} ${path} does not exist.`));
  });
}

/**
 * Fastify's `frameworkErrors`: the router's own refusals (bad percent-encoding, an over-long path
 * parameter) happen before any route or hook, so without this they leave as Fastify's plain JSON.
 */
export function answerFrameworkError(raw: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  answerError(raw, request, reply);
}

function answerError(raw: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = toAppError(raw);
  if (error.code === 'internal-error') request.log.error({ err: raw }, 'unhandled error');
  // A shed request is counted at /metrics: a log line each would add work to an overloaded process.
  else if (error.status >= 500 && !(error instanceof Overloaded)) request.log.warn({ err: raw }, error.code);
  return sendProblem(reply, request, error);
}

function toAppError(raw: FastifyError): AppError {
  if (raw instanceof AppError) return raw;
  if (hasZodFastifySchemaValidationErrors(raw)) {
    const errors = raw.validation.map((v) => ({
      path: [raw.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return new AppError('validation-failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  const mapped = raw.code ? FASTIFY_CODES[raw.code] : undefined;
  if (mapped) return new AppError(mapped);
  const fromDb = fromPostgresError(raw);
  if (fromDb instanceof AppError) return fromDb;
  if (raw.statusCode && raw.statusCode >= 400 && raw.statusCode < 500) {
    return new AppError(raw.statusCode === 429 ? 'too-many-requests' : 'malformed-request', raw.message);
  }
  return new AppError('internal-error');
}
