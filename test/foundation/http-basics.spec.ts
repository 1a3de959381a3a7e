import { createTestApp, type TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';

describe('HTTP basics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOAD_PRESETS: 'true' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves liveness and readiness with the database checked', async () => {
    expect((await t.http.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('answers an unknown route with a problem+json 404', async () => {
    for (const path of ['/api/v1/nothing-here', '/nothing']) {
      const res = await t.http.get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    }
  });

  it('creates the #juniorcontract preset with its stance sides and strike-day annotations', async () => {
    const res = await t.http.get('/api/v1/topics/juniorcontract');
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('Europe/London');
    expect(res.body.query.hashtags).toContain('juniorcontract');
    expect(res.body.stance.support.targets.length).toBeGreaterThan(0);
    expect(res.body.stance.oppose.targets.map((x: { name: string }) => x.name)).toContain('Jeremy Hunt');
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM annotation a JOIN topic t ON t.id = a.topic_id WHERE t.slug = 'juniorcontract'`,
    );
    expect(n).toBeGreaterThanOrEqual(6);
  });

  it('serves a complete OpenAPI document and Swagger UI', async () => {
    const doc = await t.http.get('/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/topics', '/api/v1/topics/{slug}', '/health/ready']),
    );
    expect(doc.body.components.schemas.ProblemDetails).toBeDefined();
    expect(doc.body.components.schemas.CreateTopicDto.properties.slug.example).toBe('juniorcontract');
    // Every operation documents at least one response with a schema or is a 204.
    for (const [path, item] of Object.entries<Record<string, { responses: Record<string, unknown> }>>(
      doc.body.paths,
    )) {
      for (const [method, op] of Object.entries(item)) {
        expect([path, method, Object.keys(op.responses).length > 0]).toEqual([path, method, true]);
      }
    }
    const ui = await t.http.get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('echoes a request id', async () => {
    const res = await t.http.get('/health/live').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
    const fresh = await t.http.get('/health/live');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('API keys', () => {
    it('writes need the admin key: missing → 401, wrong → 403', async () => {
      const missing = await t.http.post('/api/v1/topics').send(topicBody({ slug: 'k1' }));
      expect(missing.status).toBe(401);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      const wrong = await t.http
        .post('/api/v1/topics')
        .set('Authorization', 'Bearer nope')
        .send(topicBody({ slug: 'k1' }));
      expect(wrong.status).toBe(403);
      const viaHeader = await t.http
        .post('/api/v1/topics')
        .set('X-API-Key', t.config.adminApiKey!)
        .send(topicBody({ slug: 'k1' }));
      expect(viaHeader.status).toBe(201);
    });

    it('reads are public when READ_API_KEYS is unset', async () => {
      expect((await t.http.get('/api/v1/topics')).status).toBe(200);
    });
  });
});

describe('read keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { READ_API_KEYS: 'reader-key-1,reader-key-2' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('with READ_API_KEYS set, reads need a read or admin key and a read key cannot write', async () => {
    expect((await t.http.get('/api/v1/topics')).status).toBe(401);
    expect((await t.http.get('/api/v1/topics').set('X-API-Key', 'wrong')).status).toBe(403);
    expect((await t.http.get('/api/v1/topics').set('X-API-Key', 'reader-key-2')).status).toBe(200);
    expect((await t.http.get('/api/v1/topics').set(t.admin)).status).toBe(200);
    expect((await t.http.get('/health/ready')).status).toBe(200);
    const write = await t.http
      .post('/api/v1/topics')
      .set('Authorization', 'Bearer reader-key-1')
      .send(topicBody());
    expect(write.status).toBe(403);
  });
});
