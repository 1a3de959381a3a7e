import { SOURCE_BUDGETS, type SourceBudgets } from '../../src/sources/budget/source-budgets.js';
import { InstagramAdapter } from '../../src/sources/instagram/instagram.adapter.js';
import { AdapterError, type AdapterContext } from '../../src/sources/source-adapter.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';
import { adapterContract, collectAll, QUERY } from './adapter-contract.js';
import {
  IG_USER,
  igMediaId,
  instagramFixture,
  META_TOKEN,
  metaBusy,
  metaRateLimited,
  type MetaFixture,
} from './fixtures/meta-fixture.js';
import { FAST_RETRY, RecordingClock } from './support/recording-clock.js';
import { World } from './support/world.js';

const options = (server: { url: string }, account = IG_USER, token = META_TOKEN) => ({
  graphUrl: server.url,
  accessToken: token,
  igUserId: account,
});

adapterContract({
  name: 'instagram',
  create: (context) => new InstagramAdapter(context),
  serve: instagramFixture,
  options: (server) => options(server),
  externalId: igMediaId,
  rateLimited: metaRateLimited,
  expectedWait: (s) => [Math.ceil(s / 60) * 60_000, Math.ceil(s / 60) * 60_000],
  bucketEmptied: () => ({ headers: metaBusy(), wait: [35_000, 36_000] }),
  pages: true,
  editTimes: false,
  showsDeletions: false,
  longText: 2200,
});

describe('instagram adapter: its own cases and the hashtag budget', () => {
  let t: TestApp;
  let budgets: SourceBudgets;
  let clock: RecordingClock;
  let servers: MetaFixture[] = [];
  const context = (): AdapterContext => ({ budgets, clock, retry: FAST_RETRY });
  const serve = async (world: World) => {
    const s = await instagramFixture(world);
    servers.push(s);
    return s;
  };
  beforeAll(async () => {
    t = await createTestApp();
    budgets = t.app.get(SOURCE_BUDGETS);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    clock = new RecordingClock();
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it('resolves each hashtag id once, records no author, and counts the hashtag once per 7 days', async () => {
    const world = new World(60);
    const server = await serve(world);
    const adapter = new InstagramAdapter(context());
    const first = await collectAll(adapter, options(server, '1001'));
    await collectAll(adapter, options(server, '1001'), first.cursor);
    await collectAll(adapter, options(server, '1001'));
    expect(server.hashtagSearches).toBe(1);
    expect(first.posts.every((p) => p.authorId === null && p.authorHandle === null)).toBe(true);
    const recent = server.searches()[0].query;
    expect(recent.get('fields')).toBe('id,caption,media_type,permalink,timestamp,like_count,comments_count');
    expect(recent.get('user_id')).toBe('1001');
    expect(await budgets.hashtagsInWindow('instagram', '1001', 168)).toEqual(['juniorcontract']);
  });

  it('refuses a 31st hashtag in 7 days, for every instance; health shows the budget', async () => {
    const server = await serve(new World(2));
    for (let i = 0; i < 30; i++)
      expect(await budgets.claimHashtag('instagram', '1002', `tag${i}`, 30, 168)).toBe(true);
    // A second instance (another adapter object) sees the same budget: it lives in the database.
    const error = await collectAll(new InstagramAdapter(context()), options(server, '1002')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe('rate_limited');
    expect((error as Error).message).toContain('30 unique hashtags');
    // A hashtag already in the window costs nothing.
    expect(await budgets.claimHashtag('instagram', '1002', 'tag3', 30, 168)).toBe(true);
    // One whose 7 days have passed frees its place.
    await t.db.query(
      `UPDATE source_budget_hashtag SET first_used_at = now() - interval '8 days' WHERE account = '1002' AND hashtag = 'tag0'`,
    );
    const run = await collectAll(new InstagramAdapter(context()), options(server, '1002'));
    expect(run.posts).toHaveLength(2);
    const health = await new InstagramAdapter(context()).health(options(server, '1002'));
    expect(health.budgets?.[0]).toMatchObject({ used: 30, limit: 30, windowHours: 168 });
    expect(health.budgets?.[0].items).toContain('juniorcontract');
  });

  it('the topic API answers 400 with the reason when a topic would exceed the budget, and warns about gaps', async () => {
    for (let i = 0; i < 29; i++) await budgets.claimHashtag('instagram', '1003', `used${i}`, 30, 168);
    const source = { adapter: 'instagram', options: { accessToken: META_TOKEN, igUserId: '1003' } };
    const refused = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'ig-too-many',
          query: { ...QUERY, hashtags: ['juniorcontract', 'notfairnotsafe'] },
          sources: [source],
        }),
      );
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      {
        field: 'sources.0.options.igUserId',
        message: expect.stringContaining('30 unique hashtags per account in 7 days'),
      },
    ]);
    expect(refused.body.errors[0].message).toContain('#notfairnotsafe');

    const weekly = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(
        topicBody({
          slug: 'ig-weekly',
          schedule: '0 9 * * 1',
          query: { ...QUERY, hashtags: ['juniorcontract'] },
          sources: [source],
        }),
      );
    expect(weekly.status).toBe(201);
    expect(weekly.body.sources[0].healthDetail.warnings).toEqual([expect.stringContaining('coverage gaps')]);
    expect(JSON.stringify(weekly.body)).not.toContain(META_TOKEN);
    // That topic now holds the 30th place: another topic with a new hashtag is refused too.
    const third = await t.http
      .post('/api/v1/topics')
      .set(t.admin)
      .send(topicBody({ slug: 'ig-other', query: { ...QUERY, hashtags: ['bma'] }, sources: [source] }));
    expect(third.status).toBe(400);
    // Changing the topic's own hashtag does not count it twice.
    const patched = await t.http
      .patch('/api/v1/topics/ig-weekly')
      .set(t.admin)
      .send({ query: { ...QUERY, hashtags: ['used0'] } });
    expect(patched.status).toBe(200);
  });

  it('records a coverage gap when the last sweep is older than the 24 hours Instagram reaches back', async () => {
    const server = await serve(new World(3));
    const adapter = new InstagramAdapter(context());
    const first = await collectAll(adapter, options(server, '1004'));
    expect(first.pages.flatMap((p) => p.gaps ?? [])).toEqual([]);
    clock.advance(30 * 3600_000);
    const second = await collectAll(adapter, options(server, '1004'), first.cursor);
    const gaps = second.pages.flatMap((p) => p.gaps ?? []);
    expect(gaps).toHaveLength(1);
    expect(gaps[0].until.getTime() - gaps[0].from.getTime()).toBeGreaterThan(5.9 * 3600_000);
    expect(gaps[0].reason).toContain('24 hours');
  });

  it('an expired token (error 190 / 463) is an auth problem naming Meta’s error, without the token', async () => {
    const server = await serve(new World(3));
    const error = await collectAll(
      new InstagramAdapter(context()),
      options(server, '1005', 'EAAGexpired'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe('auth');
    expect((error as Error).message).toContain('code 190, subcode 463');
    expect((error as Error).message).not.toContain('EAAGexpired');
  });
});
