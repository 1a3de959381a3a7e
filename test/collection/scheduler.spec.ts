import { SchedulerRegistry } from '@nestjs/schedule';
import { CollectionScheduler, scheduleSlot } from '../../src/collection/collection-scheduler.service.js';
import { admin, createFixtureTopic, FAST_WORKER_ENV, waitFor } from '../support/collection-helpers.js';
import { fixtureAdapters, FixtureServer } from '../support/fixture-adapter.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('schedule slots', () => {
  it('names the scheduled time a tick belongs to, in the topic’s time zone', () => {
    const at = (iso: string) => new Date(iso);
    expect(scheduleSlot('*/10 * * * *', 'UTC', at('2026-03-01T10:00:00.004Z'))).toEqual(
      at('2026-03-01T10:00:00Z'),
    );
    // A timer that fires a hair early still names the slot it was set for.
    expect(scheduleSlot('*/10 * * * *', 'UTC', at('2026-03-01T09:59:59.800Z'))).toEqual(
      at('2026-03-01T10:00:00Z'),
    );
    expect(scheduleSlot('*/10 * * * *', 'UTC', at('2026-03-01T10:00:31Z'))).toEqual(
      at('2026-03-01T10:00:00Z'),
    );
    // 09:00 in Kathmandu (UTC+05:45) is 03:15 UTC.
    expect(scheduleSlot('0 9 * * *', 'Asia/Kathmandu', at('2026-03-01T03:15:00.100Z'))).toEqual(
      at('2026-03-01T03:15:00Z'),
    );
    expect(scheduleSlot('*/2 * * * * *', 'UTC', at('2026-03-01T10:00:03.100Z'))).toEqual(
      at('2026-03-01T10:00:02Z'),
    );
  });
});

describe('scheduled collection', () => {
  let t: TestApp;
  let fixture: FixtureServer;
  let scheduler: CollectionScheduler;

  beforeAll(async () => {
    fixture = new FixtureServer({
      total: 30,
      pageSize: 10,
      idPrefix: 's',
      start: new Date(Date.now() - 3_600_000),
    });
    await fixture.start();
    t = await createTestApp({ adapters: fixtureAdapters(), env: FAST_WORKER_ENV });
    scheduler = t.app.get(CollectionScheduler);
  });
  afterAll(async () => {
    await t.close();
    await fixture.stop();
  });

  const cronOf = (name: string) => String(t.app.get(SchedulerRegistry).getCronJob(name).cronTime.source);

  it('keeps one cron job per active topic in step with the topics table, without a restart', async () => {
    const topic = await createFixtureTopic(t.http, 'sched', [{ baseUrl: fixture.url }], {
      schedule: '*/15 * * * *',
    });
    await waitFor('the job', () =>
      scheduler.scheduled().get(topic.id) === '*/15 * * * *' ? true : undefined,
    );
    expect(cronOf(`collect:${topic.id}`)).toBe('*/15 * * * *');

    await t.http.patch('/api/v1/topics/sched').set(admin).send({ schedule: '5 * * * *' }).expect(200);
    await waitFor('the new schedule', () =>
      scheduler.scheduled().get(topic.id) === '5 * * * *' ? true : undefined,
    );
    expect(cronOf(`collect:${topic.id}`)).toBe('5 * * * *');

    await t.http.patch('/api/v1/topics/sched').set(admin).send({ paused: true }).expect(200);
    await waitFor('the job to go', () => (scheduler.scheduled().has(topic.id) ? undefined : true));
    expect(t.app.get(SchedulerRegistry).doesExist('cron', `collect:${topic.id}`)).toBe(false);

    await t.http.patch('/api/v1/topics/sched').set(admin).send({ paused: false }).expect(200);
    await waitFor('the job to return', () => (scheduler.scheduled().has(topic.id) ? true : undefined));
    await t.http.delete('/api/v1/topics/sched').set(admin).expect(204);
    await waitFor('the job to go', () => (scheduler.scheduled().has(topic.id) ? undefined : true));
  });

  it('ticks enqueue one run per source and slot, the worker executes them, and a pause stops them', async () => {
    const topic = await createFixtureTopic(t.http, 'ticking', [{ baseUrl: fixture.url }]);
    // The API takes five-field expressions; a seconds field, set directly, makes the test take seconds.
    await t.db.query(`UPDATE topic SET schedule = '*/1 * * * * *' WHERE id = $1`, [topic.id]);
    type Row = { id: string; status: string; kind: string; scheduled_for: Date; inserted: number };
    const runs = async () =>
      t.db.query<Row[]>(
        `SELECT id, status, kind, scheduled_for, inserted FROM collection_run WHERE topic_id = $1 ORDER BY id`,
        [topic.id],
      );
    await waitFor('three finished scheduled runs', async () => {
      const done = (await runs()).filter((r) => r.status === 'succeeded');
      return done.length >= 3 ? true : undefined;
    });
    const seen = await runs();
    expect(seen.every((r) => r.kind === 'scheduled')).toBe(true);
    const slots = seen.map((r) => new Date(r.scheduled_for).getTime());
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots.every((s) => s % 1000 === 0)).toBe(true);
    expect(
      seen.filter((r) => r.status === 'succeeded').reduce((n, r) => n + r.inserted, 0),
    ).toBeLessThanOrEqual(30);

    await t.http.patch('/api/v1/topics/ticking').set(admin).send({ paused: true }).expect(200);
    await waitFor('the job to go', () => (scheduler.scheduled().has(topic.id) ? undefined : true));
    await waitFor('the queue to drain', async () =>
      (await runs()).some((r) => r.status === 'queued' || r.status === 'running') ? undefined : true,
    );
    const count = (await runs()).length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(await runs()).toHaveLength(count);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM post WHERE external_id LIKE 's%'`);
    expect(n).toBe(30);
  });

  it('drops scheduled runs still waiting when their topic is paused; a paused topic can still be collected by hand', async () => {
    const topic = await createFixtureTopic(t.http, 'paused', [{ baseUrl: fixture.url }], { paused: true });
    await t.db.query(
      `INSERT INTO collection_run (topic_id, topic_source_id, adapter, kind, status, scheduled_for)
       VALUES ($1, $2, 'fixture', 'scheduled', 'queued', now())`,
      [topic.id, topic.sourceIds[0]],
    );
    await waitFor('the sweep', async () => {
      const rows = await t.db.query(`SELECT 1 FROM collection_run WHERE topic_id = $1`, [topic.id]);
      return rows.length === 0 ? true : undefined;
    });
    expect(
      await scheduler.tick({ id: topic.id, slug: 'paused', schedule: '* * * * *', timezone: 'UTC' }),
    ).toEqual([]);
    const res = await t.http.post('/api/v1/topics/paused/collect').set(admin).expect(202);
    await waitFor('the manual run', async () => {
      const [run] = await t.db.query(`SELECT status FROM collection_run WHERE id = $1`, [
        res.body.runs[0].id,
      ]);
      return run.status === 'succeeded' ? true : undefined;
    });
  });
});

describe('an API-only instance (ENABLE_SCHEDULER=false)', () => {
  it('schedules nothing and executes nothing; it only enqueues', async () => {
    const fixture = new FixtureServer({ total: 5, idPrefix: 'q' });
    await fixture.start();
    const t = await createTestApp({ adapters: fixtureAdapters(), env: { COLLECTION_POLL_MS: '50' } });
    try {
      await createFixtureTopic(t.http, 'api-only', [{ baseUrl: fixture.url }], { schedule: '* * * * *' });
      const res = await t.http.post('/api/v1/topics/api-only/collect').set(admin).expect(202);
      await new Promise((r) => setTimeout(r, 500));
      expect(t.app.get(CollectionScheduler).scheduled().size).toBe(0);
      expect(t.app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
      expect((await t.http.get(`/api/v1/runs/${res.body.runs[0].id}`)).body.status).toBe('queued');
      expect(fixture.requests).toHaveLength(0);
      // Asking again does not pile up runs: the waiting one is returned.
      const again = await t.http.post('/api/v1/topics/api-only/collect').set(admin).expect(202);
      expect(again.body.runs).toEqual(res.body.runs);
    } finally {
      await t.close();
      await fixture.stop();
    }
  });
});
