import { CollectionWorker } from '../../src/collection/collection-worker.service.js';
import { IngestionService, LeaseLostError } from '../../src/collection/ingestion.service.js';
import { RunQueue } from '../../src/collection/run-queue.service.js';
import { createFixtureTopic, waitFor, waitForRunEnd } from '../support/collection-helpers.js';
import { fixtureAdapters, FixtureServer } from '../support/fixture-adapter.js';
import { makePost } from '../support/post-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Claims and leases, driven by hand on an API-only app (no poller), so that each case decides who holds what:
 * a run whose owner died is taken over once its lease expires, a live lease is respected, a source never runs
 * twice at once, the concurrency limit counts every instance's runs, and a stale owner cannot commit.
 */
describe('run claims and leases', () => {
  let t: TestApp;
  let queue: RunQueue;
  let worker: CollectionWorker;
  let fixture: FixtureServer;
  let topic: { id: number; sourceIds: number[] };

  beforeAll(async () => {
    t = await createTestApp({
      adapters: fixtureAdapters(),
      env: { COLLECTION_POLL_MS: '50', COLLECTION_LEASE_MS: '2000', COLLECTION_CONCURRENCY: '2' },
    });
    queue = t.app.get(RunQueue);
    worker = t.app.get(CollectionWorker);
    fixture = new FixtureServer({ total: 100, pageSize: 10, idPrefix: 'l' });
    await fixture.start();
    topic = await createFixtureTopic(t.http, 'leases', [{ baseUrl: fixture.url }, { baseUrl: fixture.url }]);
  });
  afterAll(async () => {
    await t.close();
    await fixture.stop();
  });

  /** A run as a dead or foreign instance left it: running under `owner` until `expiresInMs` from now. */
  async function foreignRun(
    sourceId: number | null,
    owner: string,
    expiresInMs: number,
    cursorAt?: number,
  ): Promise<number> {
    if (cursorAt !== undefined) {
      await t.db.query(`UPDATE topic_source SET cursor = $2 WHERE id = $1`, [
        sourceId,
        JSON.stringify(cursorAt),
      ]);
    }
    const [{ id }] = await t.db.query(
      `INSERT INTO collection_run (topic_id, topic_source_id, adapter, kind, status, lease_owner, lease_expires_at, attempts, started_at)
       VALUES ($1, $2, 'fixture', 'manual', 'running', $3, now() + $4 * interval '1 millisecond', 1, now())
       RETURNING id::int AS id`,
      [topic.id, sourceId, owner, expiresInMs],
    );
    return id;
  }

  async function queued(sourceId: number): Promise<number> {
    const [run] = await queue.enqueueManual(topic.id, [{ id: sourceId, adapter: 'fixture' }]);
    return run.id;
  }

  it('takes over a run whose lease expired and continues from the committed cursor', async () => {
    const [source] = topic.sourceIds;
    const id = await foreignRun(source, 'dead-instance/0001', -1, 40);
    await worker.runNow([id]);
    const run = await waitForRunEnd(t.http, id);
    // Pages 1–4 were the dead instance's; the takeover fetched the remaining 60 posts once.
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2, fetched: 60, inserted: 60, duplicates: 0 });
    expect(fixture.requests.map((r) => r.cursor)).toEqual([40, 50, 60, 70, 80, 90]);
  });

  it('respects a live lease, and runs one run at a time per source', async () => {
    const [source] = topic.sourceIds;
    const foreign = await foreignRun(source, 'alive-instance/0002', 60_000);
    const waiting = await queued(source);
    expect(await queue.claim(worker.owner, foreign)).toBeNull();
    expect(await queue.claim(worker.owner, waiting)).toBeNull();
    expect(await queue.claim(worker.owner)).toBeNull();

    // The other instance's lease runs out: its run is taken over first, and only then the queued one.
    await t.db.query(
      `UPDATE collection_run SET lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [foreign],
    );
    expect(await queue.claim(worker.owner, waiting)).toBeNull();
    const claimed = await queue.claim(worker.owner);
    expect(claimed).toMatchObject({ id: foreign, attempts: 2 });
    expect(await queue.claim(worker.owner)).toBeNull();
    await t.db.query(`UPDATE collection_run SET status = 'succeeded', lease_owner = NULL WHERE id = $1`, [
      foreign,
    ]);
    expect(await queue.claim(worker.owner)).toMatchObject({ id: waiting, attempts: 1 });
    await t.db.query(`UPDATE collection_run SET status = 'succeeded', lease_owner = NULL WHERE id = $1`, [
      waiting,
    ]);
  });

  it('counts every instance’s live runs against COLLECTION_CONCURRENCY', async () => {
    const [a, b] = topic.sourceIds;
    const other1 = await foreignRun(a, 'other/0003', 60_000);
    const other2 = await foreignRun(null, 'other/0004', 60_000);
    const waiting = await queued(b);
    // Two live runs elsewhere fill the limit of 2: nothing more starts here.
    expect(await queue.claim(worker.owner)).toBeNull();
    await t.db.query(`UPDATE collection_run SET status = 'succeeded', lease_owner = NULL WHERE id = $1`, [
      other2,
    ]);
    expect(await queue.claim(worker.owner)).toMatchObject({ id: waiting });
    for (const id of [other1, waiting]) {
      await t.db.query(`UPDATE collection_run SET status = 'succeeded', lease_owner = NULL WHERE id = $1`, [
        id,
      ]);
    }
  });

  it('a worker that lost its lease cannot commit a page', async () => {
    const [source] = topic.sourceIds;
    const id = await foreignRun(source, 'new-owner/0005', 60_000, 0);
    const ingestion = t.app.get(IngestionService);
    await expect(
      ingestion.ingest({
        posts: [makePost({ externalId: 'stale-1', source: 'fixture' })],
        originTopicId: topic.id,
        runId: id,
        topicSourceId: source,
        cursor: 999,
        lease: { owner: 'old-owner/0006', ttlMs: 2000 },
      }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await t.db.query(`SELECT 1 FROM post WHERE external_id = 'stale-1'`)).toHaveLength(0);
    const [{ cursor }] = await t.db.query(`SELECT cursor FROM topic_source WHERE id = $1`, [source]);
    expect(cursor).toBe(0);
    // The holder itself commits, and its lease is extended by the page.
    const before = (await t.db.query(`SELECT lease_expires_at FROM collection_run WHERE id = $1`, [id]))[0]
      .lease_expires_at;
    await ingestion.ingest({
      posts: [makePost({ externalId: 'fresh-1', source: 'fixture' })],
      originTopicId: topic.id,
      runId: id,
      lease: { owner: 'new-owner/0005', ttlMs: 120_000 },
    });
    const after = (await t.db.query(`SELECT lease_expires_at FROM collection_run WHERE id = $1`, [id]))[0]
      .lease_expires_at;
    expect(new Date(after).getTime()).toBeGreaterThan(new Date(before).getTime());
    await t.db.query(`UPDATE collection_run SET status = 'succeeded', lease_owner = NULL WHERE id = $1`, [
      id,
    ]);
  });

  it('never claims again a run this process still executes, even when its lease lapsed', async () => {
    const [, source] = topic.sourceIds;
    await t.db.query(`UPDATE topic_source SET cursor = NULL WHERE id = $1`, [source]);
    fixture.latencyMs = 100;
    await worker.start();
    const before = fixture.requests.length;
    const id = await queued(source);
    await waitFor('the run to start here', () => (worker.activeRuns.includes(id) ? true : undefined));
    // As if the heartbeats were stuck behind a long transaction: the lease runs out while the run goes on.
    await t.db.query(
      `UPDATE collection_run SET lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    const run = await waitForRunEnd(t.http, id);
    fixture.latencyMs = 0;
    expect(run).toMatchObject({ status: 'succeeded', attempts: 1, fetched: 100 });
    // Each page asked for once: no second execution of the same run here.
    expect(fixture.requests.slice(before).map((r) => r.cursor)).toEqual([
      0, 10, 20, 30, 40, 50, 60, 70, 80, 90,
    ]);
  });

  it('a heartbeat that finds the lease taken over stops the run here without ending it', async () => {
    const [source] = topic.sourceIds;
    await t.db.query(`UPDATE topic_source SET cursor = NULL WHERE id = $1`, [source]);
    fixture.latencyMs = 200;
    await worker.start();
    const id = await queued(source);
    await waitFor('the run to start here', () => (worker.activeRuns.includes(id) ? true : undefined));
    // Another instance holds it now (as after a long pause here), and keeps its lease alive.
    await t.db.query(
      `UPDATE collection_run SET lease_owner = 'thief/0007', lease_expires_at = now() + interval '1 hour' WHERE id = $1`,
      [id],
    );
    await waitFor('the run to stop here', () => (worker.activeRuns.includes(id) ? undefined : true), 10_000);
    const asked = fixture.requests.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(fixture.requests.length).toBe(asked);
    fixture.latencyMs = 0;
    const [run] = await t.db.query(
      `SELECT status, lease_owner, finished_at FROM collection_run WHERE id = $1`,
      [id],
    );
    expect(run).toEqual({ status: 'running', lease_owner: 'thief/0007', finished_at: null });
    await worker.stop();
  });
});
