import { ChildApp, killAllChildren } from '../support/child-app.js';
import { admin, createFixtureTopic, waitFor } from '../support/collection-helpers.js';
import { engine, freshDatabase, type FreshDatabase } from '../support/databases.js';
import { inspect, integrity, type Inspector } from '../support/database-inspector.js';
import { FixtureServer } from '../support/fixture-adapter.js';

/** Child processes start slowly on a busy machine: these tests and hooks get their own time limits. */
const START = 200_000;
const LONG = 300_000;

/**
 * Three processes of the real application on one PostgreSQL database. Embedded PGlite serves a single
 * process, so there is nothing to test there: the suite is reported as skipped on PGlite.
 */
const onServer = engine === 'postgres' ? describe : describe.skip;
if (engine !== 'postgres') {
  console.info(
    'several-instances: skipped on PGlite, which serves one process; set TEST_DATABASE_URL to run it.',
  );
}

onServer('several instances on one PostgreSQL (skipped on PGlite: it serves one process)', () => {
  let database: FreshDatabase;
  let db: Inspector;
  let instances: ChildApp[];
  const servers: FixtureServer[] = [];

  const env = (name: string): Record<string, string> => ({
    ...database.env,
    ENABLE_SCHEDULER: 'true',
    INSTANCE_ID: name,
    COLLECTION_POLL_MS: '100',
    COLLECTION_LEASE_MS: '3000',
    COLLECTION_RETRY_BASE_MS: '20',
    DATABASE_POOL_SIZE: '4',
  });

  beforeEach(async () => {
    database = await freshDatabase();
    // The first instance migrates the new database; the others start together, as a deployment would.
    instances = [await ChildApp.start('inst-1', env('inst-1'))];
    instances.push(...(await Promise.all(['inst-2', 'inst-3'].map((n) => ChildApp.start(n, env(n))))));
    db = await inspect({ url: database.url });
  }, START);
  afterEach(async () => {
    await killAllChildren();
    await db.close();
    await database.drop();
    for (const s of servers.splice(0)) await s.stop();
  }, START);

  async function fixture(options: ConstructorParameters<typeof FixtureServer>[0]): Promise<FixtureServer> {
    const s = new FixtureServer({ start: new Date(Date.now() - 3_600_000), ...options });
    await s.start();
    servers.push(s);
    return s;
  }

  it(
    'three instances sharing one schedule execute every scheduled run exactly once',
    async () => {
      const a = await fixture({ total: 120, pageSize: 20, idPrefix: 'a' });
      const b = await fixture({ total: 80, pageSize: 20, idPrefix: 'b' });
      const topic = await createFixtureTopic(instances[0].http, 'shared', [
        { baseUrl: a.url },
        { baseUrl: b.url },
      ]);
      // Every two seconds (the API takes five-field expressions; a seconds field keeps the test short).
      await db.query(`UPDATE topic SET schedule = '*/2 * * * * *' WHERE id = $1`, [topic.id]);
      // New posts keep appearing while the schedule runs.
      const growth = setInterval(() => {
        a.append(7);
        b.append(3);
      }, 300);
      try {
        await waitFor(
          'five slots collected per source',
          async () => {
            const rows = await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM collection_run WHERE topic_id = $1 AND status = 'succeeded' GROUP BY topic_source_id`,
              [topic.id],
            );
            return rows.length === 2 && rows.every((r) => r.n >= 5) ? true : undefined;
          },
          60_000,
          200,
        );
      } finally {
        clearInterval(growth);
      }
      // Let the schedule catch up with the last posts (a complete run of each source that started after the
      // last append), then stop the schedule and let the queue drain.
      const [{ stopped }] = await db.query<{ stopped: Date }>(`SELECT now() AS stopped`);
      await waitFor(
        'a complete run of each source after the last post',
        async () => {
          const [{ n }] = await db.query<{ n: number }>(
            `SELECT count(DISTINCT topic_source_id)::int AS n FROM collection_run
              WHERE topic_id = $1 AND status = 'succeeded' AND started_at > $2`,
            [topic.id, stopped],
          );
          return n === 2 ? true : undefined;
        },
        60_000,
        200,
      );
      await instances[1].http.patch('/api/v1/topics/shared').set(admin).send({ paused: true }).expect(200);
      await waitFor(
        'the queue to drain',
        async () => {
          const [{ n }] = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM collection_run WHERE status IN ('queued', 'running')`,
          );
          return n === 0 ? true : undefined;
        },
        30_000,
      );

      const runs = await db.query<{
        topic_source_id: string;
        scheduled_for: Date;
        status: string;
        attempts: number;
        fetched: number;
        inserted: number;
        duplicates: number;
        started_at: Date;
        finished_at: Date;
      }>(
        `SELECT topic_source_id, scheduled_for, status, attempts, fetched, inserted, duplicates, started_at, finished_at
         FROM collection_run WHERE topic_id = $1 ORDER BY started_at`,
        [topic.id],
      );
      expect(runs.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
      const slots = runs.map((r) => `${r.topic_source_id}@${new Date(r.scheduled_for).toISOString()}`);
      expect(new Set(slots).size).toBe(slots.length);
      for (const [i, server] of [a, b].entries()) {
        const mine = runs.filter((r) => Number(r.topic_source_id) === topic.sourceIds[i]);
        // One at a time per source: each run ended before the next began.
        for (let k = 1; k < mine.length; k++) {
          expect(new Date(mine[k].started_at).getTime()).toBeGreaterThanOrEqual(
            new Date(mine[k - 1].finished_at).getTime(),
          );
        }
        // Every post fetched exactly once across all runs and instances.
        const truth = server.truth().ids.length;
        expect(mine.reduce((n, r) => n + r.fetched, 0)).toBe(truth);
        expect(mine.reduce((n, r) => n + r.inserted, 0)).toBe(truth);
        expect(mine.reduce((n, r) => n + r.duplicates, 0)).toBe(0);
      }
      const check = await integrity(db, topic.id, 'fixture');
      const total = a.truth().ids.length + b.truth().ids.length;
      expect(check.posts).toEqual({ n: total, distinct_ids: total });
      expect(check.rollup).toEqual(check.raw);
      expect(check.mismatchedBuckets).toBe(0);
      expect(check.orphanedClassifications).toBe(0);
      // The instances classified their pages on the classification thread (as `npm start` does).
      let onWorker = 0;
      for (const app of instances) {
        const metrics = (await app.http.get('/metrics')).text;
        onWorker += Number(
          /groundswell_pages_classified_total\{thread="worker"\} (\d+)/.exec(metrics)?.[1] ?? 0,
        );
      }
      expect(onWorker).toBeGreaterThan(0);

      for (const app of instances) {
        const exit = await app.stop();
        expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      }
    },
    LONG,
  );

  it(
    'takes over the run of an instance killed mid-run once its lease expires',
    async () => {
      const source = await fixture({ total: 400, pageSize: 20, latencyMs: 120, idPrefix: 'k' });
      const topic = await createFixtureTopic(instances[0].http, 'takeover', [{ baseUrl: source.url }]);
      const runId: number = (await instances[2].http.post('/api/v1/topics/takeover/collect').set(admin)).body
        .runs[0].id;

      const holder = await waitFor('the run to be well under way', async () => {
        const [run] = await db.query<{ lease_owner: string | null; fetched: number }>(
          `SELECT lease_owner, fetched FROM collection_run WHERE id = $1`,
          [runId],
        );
        return run.lease_owner && run.fetched >= 60 ? run.lease_owner : undefined;
      });
      const victim = instances.find((i) => holder.startsWith(`${i.name}/`))!;
      victim.kill('SIGKILL');
      await victim.exited();
      const killedAt = Date.now();
      const [{ lease_expires_at: expiry }] = await db.query<{ lease_expires_at: Date }>(
        `SELECT lease_expires_at FROM collection_run WHERE id = $1`,
        [runId],
      );

      const successor = await waitFor(
        'another instance to take the run over',
        async () => {
          const [run] = await db.query<{ lease_owner: string | null; attempts: number }>(
            `SELECT lease_owner, attempts FROM collection_run WHERE id = $1`,
            [runId],
          );
          return run.attempts === 2 && run.lease_owner ? run.lease_owner : undefined;
        },
        20_000,
      );
      expect(successor.startsWith(`${victim.name}/`)).toBe(false);
      // Not before the dead instance's lease ran out (it was renewed up to the kill).
      expect(Date.now()).toBeGreaterThanOrEqual(new Date(expiry).getTime() - 50);
      expect(Date.now() - killedAt).toBeLessThan(15_000);

      const done = await waitFor(
        'the run to end',
        async () => {
          const [run] = await db.query<{
            status: string;
            fetched: number;
            inserted: number;
            duplicates: number;
          }>(`SELECT status, fetched, inserted, duplicates FROM collection_run WHERE id = $1`, [runId]);
          return run.status === 'running' ? undefined : run;
        },
        60_000,
      );
      expect(done).toEqual({ status: 'succeeded', fetched: 400, inserted: 400, duplicates: 0 });
      const check = await integrity(db, topic.id, 'fixture');
      expect(check.posts).toEqual({ n: 400, distinct_ids: 400 });
      expect(check.rollup).toEqual(check.raw);
      expect(check.mismatchedBuckets).toBe(0);
      expect(check.orphanedClassifications).toBe(0);
    },
    LONG,
  );
});
