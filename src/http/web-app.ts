import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.ts';

/**
 * Serves the built web app from `distDir`: hashed files under /assets/ are immutable for a year;
 * every other path outside /api gets the app shell, never cached, so a deploy reaches browsers on
 * their next navigation and a deep link (/analyses/…) opens the right page. Returns false, serving
 * nothing, when the app has not been built.
 */
export async function serveWebApp(app: FastifyInstance, distDir: string): Promise<boolean> {
  const root = resolve(distDir);
  if (!existsSync(join(root, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    maxAge: '365d',
    immutable: true,
    index: false,
  });
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    // An unknown API path stays a problem+json 404: a client of the API must never get HTML.
    if (path === '/api' || path.startsWith('/api/')) throw new AppError('route-not-found', `GET ${path} does not exist.`);
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', root, { maxAge: 0, immutable: false, cacheControl: false });
  });
  return true;
}
