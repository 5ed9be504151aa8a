import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ConfigError, loadConfig } from '../config.ts';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded-postgres.ts';
import { MigrationChangedError, migrate } from '../db/migrate.ts';
import { createLogger } from '../logger.ts';
import { Email, FullName } from './user-schemas.ts';
import { AdminRefusedError, createSuperAdmin, resetSuperAdminPassword } from './platform-admins.ts';

const USAGE = `usage: npm run create-admin -- [--email ADDRESS] [--name "FULL NAME"] [--reset] [--database-url URL]
  Creates a super admin (or, with --reset, sets a new password for one and signs it out everywhere).
  The password is asked for twice on a terminal, or read from the first line of standard input.`;

const EXPECTED_FAILURES = [AdminRefusedError, ConfigError, EmbeddedPostgresError, MigrationChangedError];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      reset: { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const config = loadConfig();
  const log = createLogger(config);
  const input = lineReader();
  try {
    const email = parsed(Email, values.email ?? (await input.ask('Email: ')), 'email');
    const fullName = values.reset ? '' : parsed(FullName, values.name ?? (await input.ask('Full name: ')), 'name');
    const password = await input.password();

    let embedded: EmbeddedDatabase | undefined;
    let url = values['database-url'] ?? config.DATABASE_URL;
    if (!url) {
      embedded = await startEmbeddedPostgres(config.EMBEDDED_DB_DIR, config.EMBEDDED_DB_PORT, log);
      url = embedded.url;
    }
    const owner = new pg.Pool({ connectionString: url, max: 1 });
    try {
      if (embedded || config.RUN_MIGRATIONS) await migrate(owner, log);
      if (values.reset) {
        await resetSuperAdminPassword(owner, { email, password });
        process.stdout.write(`New password set for super admin ${email}; their sessions have ended.\n`);
      } else {
        const admin = await createSuperAdmin(owner, { email, fullName, password });
        process.stdout.write(`Super admin ${admin.email} created (id ${admin.id}).\n`);
      }
    } finally {
      await owner.end();
      await embedded?.stop();
    }
  } finally {
    input.close();
  }
}

function parsed<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  value: string,
  what: string,
): T {
  const result = schema.safeParse(value.trim());
  if (!result.success) throw new AdminRefusedError(`refused: not a valid ${what}`);
  return result.data;
}

/**
 * Answers from a terminal (the password typed without echo, twice) or, when standard input is a pipe,
 * its lines in order, so a deployment script can pass the password without it reaching the process list.
 */
function lineReader() {
  const tty = process.stdin.isTTY === true;
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: tty });
  const lines = tty ? undefined : rl[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string> => {
    if (tty) return rl.question(question);
    const next = await lines!.next();
    if (next.done)
      throw new AdminRefusedError(`refused: standard input ended before the ${question.replace(': ', '').toLowerCase()}`);
    return next.value;
  };
  const secret = async (question: string): Promise<string> => {
    if (!tty) return ask(question);
    process.stdout.write(question);
    muted = true;
    try {
      return await rl.question('');
    } finally {
      muted = false;
      process.stdout.write('\n');
    }
  };
  return {
    ask,
    async password(): Promise<string> {
      const first = await secret('Password: ');
      if (tty && (await secret('Password again: ')) !== first) throw new AdminRefusedError('refused: the passwords differ');
      return first;
    },
    close: () => rl.close(),
  };
}

main().catch((error: unknown) => {
  if (EXPECTED_FAILURES.some((type) => error instanceof type)) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  process.stderr.write(`create-admin failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
