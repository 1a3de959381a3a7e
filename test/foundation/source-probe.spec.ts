import { admin, createFixtureTopic } from '../support/collection-helpers.js';
import { fixtureAdapters, FixtureServer } from '../support/fixture-adapter.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('POST /api/v1/topics/:slug/sources/:id/health', () => {
  let t: TestApp;
  const fixture = new FixtureServer({ total: 1 });

  beforeAll(async () => {
    await fixture.start();
    t = await createTestApp({ adapters: fixtureAdapters() });
  });
  afterAll(async () => {
    await t.close();
    await fixture.stop();
  });

  it('probes the adapter, stores the answer in the source health detail, and never returns secrets', async () => {
    const topic = await createFixtureTopic(t.http, 'probe', [
      { baseUrl: fixture.url, token: 'sekrit-token-1' },
    ]);
    const res = await t.http.post(`/api/v1/topics/probe/sources/${topic.sourceIds[0]}/health`).set(admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, detail: 'HTTP 200', checkedAt: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('sekrit');
    const view = await t.http.get('/api/v1/topics/probe');
    expect(view.body.sources[0].healthDetail.probe).toMatchObject({ ok: true, detail: 'HTTP 200' });
    expect(JSON.stringify(view.body)).not.toContain('sekrit');
  });

  it('reports an unreachable source as not ok rather than failing', async () => {
    await createFixtureTopic(t.http, 'probe-down', [{ baseUrl: 'http://127.0.0.1:9' }]);
    const { body } = await t.http.get('/api/v1/topics/probe-down');
    const res = await t.http
      .post(`/api/v1/topics/probe-down/sources/${body.sources[0].id}/health`)
      .set(admin);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
  });

  it('needs the admin key and a source of that topic', async () => {
    const { body } = await t.http.get('/api/v1/topics/probe');
    expect((await t.http.post(`/api/v1/topics/probe/sources/${body.sources[0].id}/health`)).status).toBe(401);
    expect((await t.http.post('/api/v1/topics/probe/sources/999999/health').set(admin)).status).toBe(404);
    expect((await t.http.post('/api/v1/topics/probe/sources/abc/health').set(admin)).status).toBe(400);
  });
});
