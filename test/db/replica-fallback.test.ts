import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, TEST_APP_PASSWORD, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let db: Database;
let replicaPort: number;
let replica: Server | undefined;
const sockets = new Set<Socket>();
const RETRY_MS = 400;

/**
 * The "replica" is a TCP relay to the same server on a port of its own: closed, the replica is down;
 * open, it is back. Which pool a client came from shows in its application_name.
 */
function openReplica(): Promise<void> {
  const primary = new URL(database.ownerUrl);
  replica = createServer((client) => {
    const server = connect(Number(primary.port), primary.hostname);
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(server).pipe(client);
  });
  return new Promise((resolve) => replica!.listen(replicaPort, '127.0.0.1', resolve));
}

async function closeReplica(): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => replica?.close(resolve));
}

beforeAll(async () => {
  database = await createTestDatabase();
  // A port that was free a moment ago and is now refused: a replica that is down.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  replicaPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const replicaUrl = new URL(database.ownerUrl);
  replicaUrl.port = String(replicaPort);
  db = createDatabase(
    database.ownerUrl,
    {
      DATABASE_POOL_MAX: 4,
      DATABASE_POOL_IDLE_MS: 10_000,
      DATABASE_CONNECT_TIMEOUT_MS: 2_000,
      DATABASE_APP_URL: undefined,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      DATABASE_REPLICA_URL: replicaUrl.toString(),
      DATABASE_REPLICA_RETRY_MS: RETRY_MS,
      DATABASE_POOL_QUEUE_LIMIT: 200,
      DATABASE_POOL_WAIT_MS: 1_000,
      DATABASE_PREPARED_STATEMENTS: 'off',
      SLOW_QUERY_MS: 10_000,
    },
    createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }),
  );
});
afterAll(async () => {
  await db.close();
  await closeReplica();
  await database.drop();
});

const servedBy = async () =>
  (await db.replica.query<{ pool: string }>(`SELECT current_setting('application_name') AS pool`)).rows[0]!.pool;

describe('replica reads when the replica is down', () => {
  it('are answered by the primary, and go back to the replica once it answers again', async () => {
    expect(await servedBy()).toBe('bwai-app');
    // A transaction taken from the replica pool works the same way.
    const client = await db.replica.connect();
    try {
      await client.query('BEGIN READ ONLY');
      expect((await client.query(`SELECT current_setting('application_name') AS pool`)).rows[0].pool).toBe('bwai-app');
      await client.query('COMMIT');
    } finally {
      client.release();
    }

    await openReplica();
    // Within the pause the replica is not tried again: every read would otherwise wait on it.
    expect(await servedBy()).toBe('bwai-app');
    await new Promise((r) => setTimeout(r, RETRY_MS + 50));
    expect(await servedBy()).toBe('bwai-replica');

    await closeReplica();
    // Idle replica connections were cut with the replica: the next read finds it gone and falls back.
    await new Promise((r) => setTimeout(r, 50));
    expect(await servedBy()).toBe('bwai-app');
  });
});
