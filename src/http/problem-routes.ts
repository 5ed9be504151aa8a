import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import { PROBLEMS, problemType } from '../errors/problem-catalogue.ts';

// Outside the zod scope (see app.ts), so the response is plain JSON Schema.
const ProblemDescription = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    status: { type: 'integer' },
    title: { type: 'string' },
    detail: { type: 'string' },
  },
  required: ['type', 'status', 'title', 'detail'],
} as const;

/** Problem `type` URIs resolve here, so a client (or a developer) can read what each one means. */
export async function problemRoutes(app: FastifyInstance): Promise<void> {
  app.get('/problems', { schema: { hide: true, response: { 200: { type: 'array', items: ProblemDescription } } } }, async () =>
    Object.entries(PROBLEMS).map(([code, p]) => ({ type: problemType(code as keyof typeof PROBLEMS), ...p })),
  );
  app.get<{ Params: { code: string } }>(
    '/problems/:code',
    { schema: { hide: true, response: { 200: ProblemDescription } } },
    async (request) => {
      const problem = PROBLEMS[request.params.code as keyof typeof PROBLEMS];
      if (!problem) throw new AppError('not-found', 'No such problem type.');
      return { type: problemType(request.params.code as keyof typeof PROBLEMS), ...problem };
    },
  );
}
