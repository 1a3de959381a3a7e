import { createTestApp, type TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';

interface AdapterJson {
  name: string;
  options: { name: string; secret: boolean }[];
  schema: Record<string, unknown>;
}

describe('GET /api/v1/adapters', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the seven adapters with their option schemas, secrets marked', async () => {
    const res = await t.http.get('/api/v1/adapters').expect(200);
    const byName = Object.fromEntries((res.body as AdapterJson[]).map((a) => [a.name, a]));
    expect(Object.keys(byName)).toEqual([
      'mastodon',
      'bluesky',
      'x',
      'reddit',
      'rss',
      'instagram',
      'threads',
    ]);
    const secrets = Object.fromEntries(
      res.body.map((a: { name: string; options: { name: string; secret: boolean }[] }) => [
        a.name,
        a.options.filter((o) => o.secret).map((o) => o.name),
      ]),
    );
    expect(secrets).toEqual({
      mastodon: ['accessToken'],
      bluesky: ['appPassword'],
      x: ['bearerToken'],
      reddit: ['clientSecret'],
      rss: [],
      instagram: ['accessToken'],
      threads: ['accessToken'],
    });
    expect(byName.mastodon.options[0]).toMatchObject({
      name: 'instance',
      type: 'url',
      default: 'https://mastodon.social',
    });
    expect(byName.reddit.schema).toMatchObject({
      type: 'object',
      required: ['clientId', 'clientSecret', 'userAgent'],
      properties: {
        clientSecret: { type: 'string', writeOnly: true, 'x-secret': true },
        subreddits: { type: 'array' },
      },
    });
    expect(byName.x.options.map((o: { name: string }) => o.name)).toEqual(['baseUrl', 'bearerToken']);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await t.http.get('/docs/openapi.json').expect(200)).body;
    expect(doc.paths['/api/v1/adapters'].get.responses['200']).toBeDefined();
  });

  it('topics validate options against the adapter and never return secrets', async () => {
    const bad = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'bad-opts',
          sources: [{ adapter: 'reddit', options: { clientId: 'abc', subreddits: ['no spaces'] } }],
        }),
      );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'sources.0.options.clientSecret',
      'sources.0.options.userAgent',
    ]);
    const ok = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'with-secrets',
          sources: [
            {
              adapter: 'bluesky',
              options: { identifier: 'newsroom.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' },
            },
            { adapter: 'mastodon', options: { instance: 'https://mastodon.social' } },
          ],
        }),
      );
    expect(ok.status).toBe(201);
    expect(JSON.stringify(ok.body)).not.toContain('abcd-efgh-ijkl-mnop');
    expect(ok.body.sources[0].secretsSet).toEqual(['appPassword']);
    const wrongPassword = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'real-password',
          sources: [{ adapter: 'bluesky', options: { identifier: 'a.bsky.social', appPassword: 'hunter2' } }],
        }),
      );
    expect(wrongPassword.body.errors).toEqual([
      { field: 'sources.0.options.appPassword', message: expect.stringContaining('app password') },
    ]);
  });
});
