import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { WebShell } from './problem-handler.ts';

/**
 * Serves the built web app from `distDir`: hashed files under /assets/ are immutable for a year, and
 * returns how to answer a page with the app shell, never cached, so a deploy reaches browsers on their
 * next navigation. Returns null, serving nothing, when the app has not been built.
 */
export async function serveWebApp(app: FastifyInstance, distDir: string): Promise<WebShell | null> {
  const root = resolve(distDir);
  if (!existsSync(join(root, 'index.html'))) return null;
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    maxAge: '365d',
    immutable: true,
    index: false,
  });
  return (reply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', root, { maxAge: 0, immutable: false, cacheControl: false });
}
