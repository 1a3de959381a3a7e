import { CollectionScheduler } from '../../src/collection/collection-scheduler.service.js';
import {
  admin,
  createFixtureTopic,
  FAST_WORKER_ENV,
  waitFor,
  waitForRunEnd,
} from '../support/collection-helpers.js';
import { fixtureAdapters, FixtureServer } from '../support/fixture-adapter.js';
import { rollupVersusRaw } from '../support/rollup-check.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;

describe('collection on demand: collect, backfill, run history, coverage, errors and metrics', () => {
  let t: TestApp;
  const servers: FixtureServer[] = [];

  async function server(options: ConstructorParameters<typeof FixtureServer>[0]): Promise<FixtureServer> {
    const s = new FixtureServer({ start: new Date(Date.now() - 3 * HOUR), ...options });
    await s.start();
    servers.push(s);
    return s;
  }

  async function collect(slug: string): Promise<{ id: number; adapter: string; status: string }[]> {
    const res = await t.http.post(`/api/v1/topics/${slug}/collect`).set(admin);
    expect(res.status).toBe(202);
    return res.body.runs;
  }

  beforeAll(async () => {
    t = await createTestApp({ adapters: fixtureAdapters(), env: FAST_WORKER_ENV });
  });
  afterAll(async () => {
    await t.close();
    for (const s of servers) await s.stop();
  });

  it('collects every page once: posts, rejected items, cursor, rollups, coverage and health agree with the source', async () => {
    const fixture = await server({ total: 137, pageSize: 20, malformedEvery: 25, idPrefix: 'a' });
    const topic = await createFixtureTopic(t.http, 'pay-a', [{ baseUrl: fixture.url }]);

    const runs = await collect('pay-a');
    expect(runs).toEqual([{ id: expect.any(Number), adapter: 'fixture', status: 'queued' }]);
    const run = await waitForRunEnd(t.http, runs[0].id);
    const truth = fixture.truth();
    expect(run).toMatchObject({
      topic: 'pay-a',
      adapter: 'fixture',
      kind: 'manual',
      status: 'succeeded',
      fetched: truth.ids.length,
      inserted: truth.ids.length,
      duplicates: 0,
      rejected: truth.malformed,
      error: null,
      attempts: 1,
    });
    expect(Date.parse(run.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt!));

    const stored: { external_id: string }[] = await t.db.query(
      `SELECT external_id FROM post WHERE source = 'fixture' AND external_id LIKE 'a%' ORDER BY id`,
    );
    expect(stored.map((r) => r.external_id).sort()).toEqual([...truth.ids].sort());
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM classification WHERE topic_id = $1`, [
      topic.id,
    ]);
    expect(n).toBe(truth.ids.length);
    const { rollup, raw } = await rollupVersusRaw(t.db, topic.id);
    expect(rollup).toEqual(raw);
    const [{ rejected }] = await t.db.query(
      `SELECT count(*)::int AS rejected FROM rejected_item WHERE run_id = $1`,
      [run.id],
    );
    expect(rejected).toBe(truth.malformed);

    const [source] = await t.db.query(
      `SELECT cursor, health, covered_until FROM topic_source WHERE id = $1`,
      [topic.sourceIds[0]],
    );
    expect(source.cursor).toBe(fixture.items.length);
    expect(source.health).toBe('ok');
    expect(source.covered_until).not.toBeNull();

    // Coverage: every 15-minute bucket from the oldest post to the end of the run, all ok, no holes.
    const coverage: { bucket: Date; status: string }[] = await t.db.query(
      `SELECT bucket, status FROM source_coverage WHERE topic_source_id = $1 ORDER BY bucket`,
      [topic.sourceIds[0]],
    );
    expect(coverage.every((c) => c.status === 'ok')).toBe(true);
    const first = new Date(fixture.items[0].created_at).getTime();
    expect(new Date(coverage[0].bucket).getTime()).toBe(Math.floor(first / 900_000) * 900_000);
    for (let i = 1; i < coverage.length; i++) {
      expect(new Date(coverage[i].bucket).getTime() - new Date(coverage[i - 1].bucket).getTime()).toBe(
        900_000,
      );
    }
    expect(new Date(coverage[coverage.length - 1].bucket).getTime()).toBeGreaterThan(Date.now() - 900_000);

    // The next run starts from the stored cursor: only what is new.
    fixture.append(7);
    const again = await waitForRunEnd(t.http, (await collect('pay-a'))[0].id);
    expect(again).toMatchObject({ status: 'succeeded', fetched: 7, inserted: 7, duplicates: 0 });
    expect(fixture.requests.filter((r) => r.cursor === 0)).toHaveLength(1);
  });

  it('lists a topic’s runs newest first, a page at a time', async () => {
    const first = await t.http.get('/api/v1/topics/pay-a/runs?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.http.get(`/api/v1/topics/pay-a/runs?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBeLessThan(first.body.items[0].id);
    const all = await t.http.get('/api/v1/topics/pay-a/runs');
    const ids = all.body.items.map((r: { id: number }) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect((await t.http.get('/api/v1/topics/pay-a/runs?limit=0')).status).toBe(400);
  });

  it('answers bad requests with problem details: unknown topic 404, bad window 400, no key 401', async () => {
    for (const path of ['collect', 'backfill']) {
      const res = await t.http
        .post(`/api/v1/topics/no-such-topic/${path}`)
        .set(admin)
        .send({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await t.http.get('/api/v1/topics/no-such-topic/runs')).status).toBe(404);
    expect((await t.http.get('/api/v1/runs/999999')).status).toBe(404);
    expect((await t.http.post('/api/v1/topics/pay-a/collect')).status).toBe(401);

    const bad = async (body: unknown) =>
      t.http
        .post('/api/v1/topics/pay-a/backfill')
        .set(admin)
        .send(body as object);
    let res = await bad({});
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'to']);
    res = await bad({ from: 'yesterday', to: '2026-01-02T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'from', message: expect.stringContaining('ISO 8601') }]);
    res = await bad({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'to', message: 'to must be later than from' }]);
    res = await bad({ from: '2026-01-01T00:00:00Z', to: new Date(Date.now() + 24 * HOUR).toISOString() });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('to');
    res = await bad({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', extra: 1 });
    expect(res.status).toBe(400);
  });

  it("records spans the adapter says it can no longer collect as failed coverage, over the run's own ok", async () => {
    const fixture = await server({ total: 30, pageSize: 10, idPrefix: 'g' });
    const from = new Date(Math.floor(Date.now() / 900_000) * 900_000 - 2 * 3600_000);
    const until = new Date(from.getTime() + 3600_000);
    fixture.gaps = [
      { from: from.toISOString(), until: until.toISOString(), reason: 'older than the platform serves' },
    ];
    const topic = await createFixtureTopic(t.http, 'pay-gaps', [{ baseUrl: fixture.url }]);
    const runs = await collect('pay-gaps');
    expect((await waitForRunEnd(t.http, runs[0].id)).status).toBe('succeeded');
    const rows: { bucket: Date; status: string }[] = await t.db.query(
      `SELECT bucket, status FROM source_coverage WHERE topic_source_id = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket`,
      [topic.sourceIds[0], from.toISOString(), until.toISOString()],
    );
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    const [{ ok }] = await t.db.query(
      `SELECT count(*)::int AS ok FROM source_coverage WHERE topic_source_id = $1 AND status = 'ok'`,
      [topic.sourceIds[0]],
    );
    expect(ok).toBeGreaterThan(0);
  });

  it('backfills a window with its own cursor, leaving the live cursor alone, and records the window’s coverage', async () => {
    const fixture = await server({
      total: 90,
      pageSize: 25,
      idPrefix: 'b',
      start: new Date(Date.now() - 10 * HOUR),
    });
    const topic = await createFixtureTopic(t.http, 'pay-b', [{ baseUrl: fixture.url }]);
    const from = new Date(Date.now() - 10 * HOUR + 30 * 60_000);
    const to = new Date(Date.now() - 10 * HOUR + 60 * 60_000);
    const res = await t.http
      .post('/api/v1/topics/pay-b/backfill')
      .set(admin)
      .send({ from: from.toISOString(), to: to.toISOString() });
    expect(res.status).toBe(202);
    expect(res.body.runs).toEqual([{ id: expect.any(Number), adapter: 'fixture', status: 'queued' }]);
    const run = await waitForRunEnd(t.http, res.body.runs[0].id);
    const inWindow = fixture.items.filter(
      (i) => i.created_at >= from.toISOString() && i.created_at < to.toISOString(),
    );
    expect(run).toMatchObject({
      kind: 'backfill',
      status: 'succeeded',
      inserted: inWindow.length,
      duplicates: 0,
    });
    expect(
      fixture.requests.every((r) => r.since === from.toISOString() && r.until === to.toISOString()),
    ).toBe(true);

    const [source] = await t.db.query(`SELECT cursor FROM topic_source WHERE id = $1`, [topic.sourceIds[0]]);
    expect(source.cursor).toBeNull();
    const coverage: { bucket: Date; status: string }[] = await t.db.query(
      `SELECT bucket, status FROM source_coverage WHERE topic_source_id = $1 ORDER BY bucket`,
      [topic.sourceIds[0]],
    );
    const expected: number[] = [];
    for (let b = Math.floor(from.getTime() / 900_000) * 900_000; b < to.getTime(); b += 900_000)
      expected.push(b);
    expect(coverage.map((c) => new Date(c.bucket).getTime())).toEqual(expected);
    expect(coverage.every((c) => c.status === 'ok')).toBe(true);
  });

  it('refuses a backfill when no source of the topic can collect a window', async () => {
    const fixture = await server({ total: 5, idPrefix: 'c' });
    await createFixtureTopic(t.http, 'pay-c', [{ adapter: 'fixture-live', baseUrl: fixture.url }]);
    const res = await t.http
      .post('/api/v1/topics/pay-c/backfill')
      .set(admin)
      .send({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/fixture-live/);
    expect(fixture.requests).toHaveLength(0);
  });

  it('waits out a rate limit and carries on', async () => {
    const fixture = await server({ total: 60, pageSize: 20, idPrefix: 'd' });
    await createFixtureTopic(t.http, 'pay-d', [{ baseUrl: fixture.url }]);
    // The first page normally, then a 429 asking to come back in a second.
    fixture.failNext({ status: 200 }, { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const run = await waitForRunEnd(t.http, (await collect('pay-d'))[0].id);
    expect(run).toMatchObject({ status: 'succeeded', inserted: 60, duplicates: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fixture.requests.filter((r) => r.status === 429)).toHaveLength(1);
    const metrics = (await t.http.get('/metrics')).text;
    expect(metrics).toMatch(/groundswell_rate_limit_waits_total\{adapter="fixture"\} [1-9]/);
  });

  it('retries temporary errors a bounded number of times, then ends partial, keeping what was stored', async () => {
    const fixture = await server({ total: 100, pageSize: 20, idPrefix: 'e' });
    const topic = await createFixtureTopic(t.http, 'pay-e', [{ baseUrl: fixture.url }]);
    fixture.failAfter(2, { status: 503 });
    const run = await waitForRunEnd(t.http, (await collect('pay-e'))[0].id);
    expect(run).toMatchObject({ status: 'partial', inserted: 40, fetched: 40 });
    expect(run.error).toMatch(/^temporary: /);
    // One try and three retries (COLLECTION_RETRIES), then the run stops.
    expect(fixture.requests.filter((r) => r.status === 503)).toHaveLength(4);
    const [source] = await t.db.query(`SELECT cursor, health FROM topic_source WHERE id = $1`, [
      topic.sourceIds[0],
    ]);
    expect(source).toEqual({ cursor: 40, health: 'failing' });
    const statuses: { status: string }[] = await t.db.query(
      `SELECT DISTINCT status FROM source_coverage WHERE topic_source_id = $1`,
      [topic.sourceIds[0]],
    );
    expect(statuses.map((s) => s.status)).toEqual(['partial']);

    // Once the platform recovers, the next run continues from page 3 and the gap closes.
    fixture.failAlways(undefined);
    const next = await waitForRunEnd(t.http, (await collect('pay-e'))[0].id);
    expect(next).toMatchObject({ status: 'succeeded', inserted: 60, duplicates: 0 });
    const after: { status: string }[] = await t.db.query(
      `SELECT DISTINCT status FROM source_coverage WHERE topic_source_id = $1`,
      [topic.sourceIds[0]],
    );
    expect(after.map((s) => s.status)).toEqual(['ok']);
  });

  it('an auth error marks the source as needing attention, and the schedule leaves it alone until it is edited', async () => {
    const fixture = await server({ total: 10, idPrefix: 'f', token: 'right-token' });
    const topic = await createFixtureTopic(t.http, 'pay-f', [{ baseUrl: fixture.url, token: 'wrong-token' }]);
    const run = await waitForRunEnd(t.http, (await collect('pay-f'))[0].id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^auth: /);
    expect(fixture.requests).toHaveLength(1);
    const view = await t.http.get('/api/v1/topics/pay-f');
    expect(view.body.sources[0]).toMatchObject({ health: 'needs_attention' });
    expect(JSON.stringify(view.body)).not.toContain('wrong-token');

    const scheduler = t.app.get(CollectionScheduler);
    const schedule = { id: topic.id, slug: 'pay-f', schedule: '*/10 * * * *', timezone: 'UTC' };
    expect(await scheduler.tick(schedule, new Date('2026-03-01T10:00:00Z'))).toEqual([]);

    // Fixing the token is an edit: the next tick collects again.
    await new Promise((r) => setTimeout(r, 10));
    const patched = await t.http
      .patch('/api/v1/topics/pay-f')
      .set(admin)
      .send({
        sources: [
          {
            id: topic.sourceIds[0],
            adapter: 'fixture',
            options: { baseUrl: fixture.url, token: 'right-token' },
          },
        ],
      });
    expect(patched.status).toBe(200);
    const ids = await scheduler.tick(schedule, new Date('2026-03-01T10:10:00Z'));
    expect(ids).toHaveLength(1);
    const fixed = await waitForRunEnd(t.http, ids[0]);
    expect(fixed).toMatchObject({ kind: 'scheduled', status: 'succeeded', inserted: 10 });
  });

  it('stops a run whose source is removed while it executes, and ends it', async () => {
    const fixture = await server({ total: 200, pageSize: 10, latencyMs: 100, idPrefix: 'g' });
    await createFixtureTopic(t.http, 'pay-g', [{ baseUrl: fixture.url }]);
    const [started] = await collect('pay-g');
    await waitFor('the run to get going', async () => {
      const res = await t.http.get(`/api/v1/runs/${started.id}`);
      return res.body.fetched >= 20 ? true : undefined;
    });
    await t.http.patch('/api/v1/topics/pay-g').set(admin).send({ sources: [] }).expect(200);
    const run = await waitForRunEnd(t.http, started.id);
    expect(run).toMatchObject({ status: 'partial', error: 'the source was removed' });
    expect(run.fetched).toBeLessThan(200);
    const asked = fixture.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(fixture.requests.length).toBe(asked);
  });

  it('serves Prometheus metrics publicly: posts per source, run outcomes and durations, errors, queue depth', async () => {
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM post WHERE source = 'fixture'`);
    expect(res.text).toContain(`groundswell_posts_ingested_total{source="fixture"} ${n}`);
    expect(res.text).toMatch(
      /groundswell_collection_runs_total\{adapter="fixture",kind="manual",status="succeeded"\} \d+/,
    );
    expect(res.text).toMatch(
      /groundswell_collection_run_duration_seconds_count\{adapter="fixture",kind="manual",status="succeeded"\} \d+/,
    );
    expect(res.text).toMatch(/groundswell_adapter_errors_total\{adapter="fixture",kind="auth"\} 1/);
    expect(res.text).toMatch(/groundswell_collection_queue_depth\{status="queued"\} 0/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('documents the new routes in OpenAPI', async () => {
    const doc = (await t.http.get('/docs/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/topics/{slug}/collect',
        '/api/v1/topics/{slug}/backfill',
        '/api/v1/runs/{id}',
        '/api/v1/topics/{slug}/runs',
        '/metrics',
      ]),
    );
    expect(doc.paths['/api/v1/topics/{slug}/collect'].post.responses['202']).toBeDefined();
  });

  it('leaves no run queued or running once collection is done', async () => {
    await waitFor('an empty queue', async () => {
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM collection_run WHERE status IN ('queued', 'running')`,
      );
      return n === 0 ? true : undefined;
    });
  });
});
