import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import { createAuthService } from './auth/auth-service.ts';
import { createSignInThrottle } from './auth/sign-in-throttle.ts';

/** Every domain service, built once per process from its dependencies. */
export function createServices({ config, db, redis }: { config: Config; db: Database; log: Logger; redis: Redis | null }) {
  return {
    auth: createAuthService(db.app, createSignInThrottle(config, redis), config),
  };
}

export type Services = ReturnType<typeof createServices>;
