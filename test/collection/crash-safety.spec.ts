import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildApp, killAllChildren } from '../support/child-app.js';
import { admin, createFixtureTopic, waitFor, type RunBody } from '../support/collection-helpers.js';
import { engine, freshDatabase, type FreshDatabase } from '../support/databases.js';
import { inspect, integrity } from '../support/database-inspector.js';
import { FixtureServer } from '../support/fixture-adapter.js';

/** Child processes start slowly on a busy machine: these tests and hooks get their own time limits. */
const START = 120_000;
const LONG = 300_000;

/**
 * The real application in a child process, killed with SIGKILL at unpredictable moments of a run and started
 * again on the same database (PostgreSQL, or PGlite's data folder): the run continues from the last committed
 * page and the totals equal the fixture server's ground truth exactly.
 */
describe(`crash safety on ${engine}: SIGKILL mid-run, restart, nothing lost and nothing counted twice`, () => {
  let database: FreshDatabase | undefined;
  let dataDir: string | undefined;
  const servers: FixtureServer[] = [];

  const env = (): Record<string, string> => ({
    ...(database ? database.env : { DATA_DIR: dataDir! }),
    ENABLE_SCHEDULER: 'true',
    COLLECTION_POLL_MS: '100',
    COLLECTION_LEASE_MS: '3000',
    COLLECTION_RETRY_BASE_MS: '20',
    COLLECTION_MAX_PAGES: '10000',
    // The same instance restarted: it takes its runs back at once instead of waiting for their leases.
    INSTANCE_ID: 'crash-test',
  });
  const target = () => (database ? { url: database.url } : { dataDir });

  beforeEach(async () => {
    if (engine === 'postgres') database = await freshDatabase();
    else dataDir = mkdtempSync(join(tmpdir(), 'gs-crash-'));
  }, START);
  afterEach(async () => {
    await killAllChildren();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    for (const s of servers.splice(0)) await s.stop();
  }, START);

  async function runView(app: ChildApp, id: number): Promise<RunBody> {
    return (await app.http.get(`/api/v1/runs/${id}`)).body as RunBody;
  }

  it(
    'survives three SIGKILLs at random moments of one run',
    async () => {
      const fixture = new FixtureServer({
        total: 1500,
        pageSize: 25,
        latencyMs: 10,
        malformedEvery: 40,
        idPrefix: 'k',
      });
      servers.push(fixture);
      await fixture.start();

      let app = await ChildApp.start('instance', env());
      const topic = await createFixtureTopic(app.http, 'crash', [{ baseUrl: fixture.url }]);
      const started = await app.http.post('/api/v1/topics/crash/collect').set(admin);
      expect(started.status).toBe(202);
      const runId: number = started.body.runs[0].id;

      for (const threshold of [300, 650, 1000]) {
        await waitFor(
          `${threshold} posts fetched`,
          async () => ((await runView(app, runId)).fetched >= threshold ? true : undefined),
          60_000,
        );
        // Somewhere inside the next page or two: mid-request, mid-transaction or between pages.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60)));
        app.kill('SIGKILL');
        expect((await app.exited()).signal).toBe('SIGKILL');
        app = await ChildApp.start('instance (restarted)', env());
      }

      const run = await waitFor(
        'the run to end',
        async () => {
          const view = await runView(app, runId);
          return ['succeeded', 'partial', 'failed'].includes(view.status) ? view : undefined;
        },
        60_000,
      );
      const truth = fixture.truth();
      expect(run).toMatchObject({
        status: 'succeeded',
        fetched: truth.ids.length,
        inserted: truth.ids.length,
        duplicates: 0,
        rejected: truth.malformed,
        attempts: 4,
      });
      // Pages cut off by a kill were asked for again, and nothing else was.
      const asked = new Map<number, number>();
      for (const r of fixture.requests) asked.set(r.cursor, (asked.get(r.cursor) ?? 0) + 1);
      expect(asked.size).toBe(Math.ceil(fixture.items.length / 25));
      expect([...asked.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(3);

      const exit = await app.stop();
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      const db = await inspect(target());
      try {
        const check = await integrity(db, topic.id, 'fixture');
        expect(check.posts).toEqual({ n: truth.ids.length, distinct_ids: truth.ids.length });
        expect(check.classified).toEqual({ n: truth.ids.length, posts: truth.ids.length });
        expect(check.rollup).toEqual(check.raw);
        expect(check.mismatchedBuckets).toBe(0);
        expect(check.orphanedClassifications).toBe(0);
        const [source] = await db.query<{ cursor: number }>(`SELECT cursor FROM topic_source WHERE id = $1`, [
          topic.sourceIds[0],
        ]);
        expect(source.cursor).toBe(fixture.items.length);
        const [rejected] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM rejected_item WHERE run_id = $1`,
          [runId],
        );
        expect(rejected.n).toBe(truth.malformed);
      } finally {
        await db.close();
      }
    },
    LONG,
  );

  it(
    'on SIGTERM abandons the page in flight, gives the run back and exits; a restart finishes it exactly',
    async () => {
      const fixture = new FixtureServer({ total: 600, pageSize: 20, latencyMs: 40, idPrefix: 't' });
      servers.push(fixture);
      await fixture.start();

      let app = await ChildApp.start('instance', env());
      const topic = await createFixtureTopic(app.http, 'term', [{ baseUrl: fixture.url }]);
      const runId: number = (await app.http.post('/api/v1/topics/term/collect').set(admin)).body.runs[0].id;
      await waitFor(
        '100 posts fetched',
        async () => ((await runView(app, runId)).fetched >= 100 ? true : undefined),
        60_000,
      );

      const stopping = Date.now();
      const exit = await app.stop();
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      expect(Date.now() - stopping).toBeLessThan(20_000);
      expect(app.output()).not.toMatch(/"level":(50|60)/);

      // Given back, not left running under a lease: the next claimer needs no lease to expire.
      const db = await inspect(target());
      let committed: number;
      try {
        const [run] = await db.query<{
          status: string;
          lease_owner: string | null;
          inserted: number;
          fetched: number;
        }>(`SELECT status, lease_owner, inserted, fetched FROM collection_run WHERE id = $1`, [runId]);
        expect(run).toMatchObject({ status: 'queued', lease_owner: null });
        const [posts] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM post WHERE source = 'fixture'`,
        );
        expect(run.inserted).toBe(posts.n);
        expect(run.fetched).toBe(posts.n);
        const [source] = await db.query<{ cursor: number }>(`SELECT cursor FROM topic_source WHERE id = $1`, [
          topic.sourceIds[0],
        ]);
        expect(source.cursor).toBe(posts.n);
        committed = posts.n;
      } finally {
        await db.close();
      }
      expect(committed).toBeGreaterThanOrEqual(100);
      expect(committed).toBeLessThan(600);

      app = await ChildApp.start('instance (restarted)', env());
      const run = await waitFor(
        'the run to end',
        async () => {
          const view = await runView(app, runId);
          return view.status === 'succeeded' ? view : undefined;
        },
        60_000,
      );
      expect(run).toMatchObject({ fetched: 600, inserted: 600, duplicates: 0, attempts: 2 });
      await app.stop();
    },
    LONG,
  );
});
