import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { connectRedis } from './cache/redis-connection.ts';
import type { Config } from './config.ts';
import { createDatabase, type Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import { createServices, type Services } from './services.ts';

/** Everything a process holds open, built from config; shared by main, the worker and the tests. */
export interface Runtime {
  config: Config;
  log: Logger;
  db: Database;
  redis: Redis | null;
  services: Services;
  buildApp(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export function createRuntime(config: Config, log: Logger, ownerUrl: string): Runtime {
  const db = createDatabase(ownerUrl, config, log);
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, log) : null;
  const services = createServices({ config, db, log, redis });
  return {
    config,
    log,
    db,
    redis,
    services,
    buildApp: () => buildApp({ config, db, log, services }),
    async close() {
      await services.clinicCache.close();
      await db.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
