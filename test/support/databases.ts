import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Tests run on real PostgreSQL when TEST_DATABASE_URL is set (each test file gets a fresh database, dropped
 * afterwards) and on embedded PGlite otherwise (a fresh in-memory database per app).
 */
export const serverUrl = process.env.TEST_DATABASE_URL || undefined;
export const engine: 'postgres' | 'pglite' = serverUrl ? 'postgres' : 'pglite';

export interface FreshDatabase {
  /** Env entries that point the app at this database. */
  env: Record<string, string>;
  /** The postgres:// URL, on the server only. */
  url?: string;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<FreshDatabase> {
  if (!serverUrl) return { env: { DATA_DIR: 'memory://' }, drop: async () => undefined };
  const name = `gs_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
