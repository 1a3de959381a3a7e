import { SOURCE_BUDGETS, type SourceBudgets } from '../../src/sources/budget/source-budgets.js';
import { AdapterError, type AdapterContext } from '../../src/sources/source-adapter.js';
import { ThreadsAdapter } from '../../src/sources/threads/threads.adapter.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { adapterContract, collectAll, QUERY } from './adapter-contract.js';
import {
  META_TOKEN,
  metaBusy,
  metaRateLimited,
  threadsFixture,
  threadsId,
  threadsPost,
  type MetaFixture,
} from './fixtures/meta-fixture.js';
import { FAST_RETRY, RecordingClock } from './support/recording-clock.js';
import { World } from './support/world.js';

const options = (server: { url: string }, token = META_TOKEN) => ({
  graphUrl: server.url,
  accessToken: token,
});
const USER = '7311000000000001';

adapterContract({
  name: 'threads',
  create: (context) => new ThreadsAdapter(context),
  serve: threadsFixture,
  options: (server) => options(server),
  externalId: threadsId,
  rateLimited: metaRateLimited,
  expectedWait: (s) => [Math.ceil(s / 60) * 60_000, Math.ceil(s / 60) * 60_000],
  bucketEmptied: () => ({ headers: metaBusy(), wait: [35_000, 36_000] }),
  pages: true,
  editTimes: false,
  showsDeletions: false,
  longText: 500,
});

describe('threads adapter: its own cases and the query budget', () => {
  let t: TestApp;
  let budgets: SourceBudgets;
  let servers: MetaFixture[] = [];
  const context = (): AdapterContext => ({ budgets, clock: new RecordingClock(), retry: FAST_RETRY });
  const serve = async (world: World) => {
    const s = await threadsFixture(world);
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
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it('searches tags with search_mode=TAG and keywords with KEYWORD, newest first', async () => {
    const server = await serve(new World(3));
    await collectAll(new ThreadsAdapter(context()), options(server), undefined, {
      query: { ...QUERY, keywords: ['post 2'] },
    });
    const calls = server
      .searches()
      .map((r) => [r.query.get('q'), r.query.get('search_mode'), r.query.get('search_type')]);
    expect(calls).toEqual([
      ['juniorcontract', 'TAG', 'RECENT'],
      ['post 2', 'KEYWORD', 'RECENT'],
    ]);
    expect(server.searches()[0].query.get('fields')).toContain(
      'id,text,timestamp,permalink,username,is_quote_post,media_type,topic_tag',
    );
  });

  it('marks REPOST_FACADE posts as reposts of the original, and quotes', async () => {
    const world = new World(2);
    const server = await serve(world);
    server.items = () => [
      {
        ...threadsPost(world.get(2)),
        media_type: 'REPOST_FACADE',
        reposted_post: { id: '1800000000000099' },
      },
      { ...threadsPost(world.get(1)), is_quote_post: true, quoted_post: { id: '1800000000000098' } },
    ];
    const [repost, quote] = (await collectAll(new ThreadsAdapter(context()), options(server))).posts;
    expect(repost).toMatchObject({ isRepost: true, repostOf: '1800000000000099', authorHandle: 'doc2' });
    expect(quote).toMatchObject({ isQuote: true, quoteOf: '1800000000000098' });
    expect(repost.hashtags).toEqual(['juniorcontract']);
  });

  it('counts every query that returns posts against 2,200 a day (empty ones are free), shown in health', async () => {
    await t.db.query(`DELETE FROM source_budget_query`);
    const world = new World(95);
    const server = await serve(world);
    const run = await collectAll(new ThreadsAdapter(context()), options(server));
    expect(run.pages).toHaveLength(4);
    expect(await budgets.queriesInWindow('threads', USER, 24)).toBe(4);
    const empty = await serve(new World(0));
    await collectAll(new ThreadsAdapter(context()), options(empty));
    expect(await budgets.queriesInWindow('threads', USER, 24)).toBe(4);
    const health = await new ThreadsAdapter(context()).health(options(server));
    expect(health.budgets).toEqual([
      { name: 'keyword searches per user', used: 4, limit: 2200, windowHours: 24 },
    ]);
  });

  it('refuses to search once the 24-hour budget is used up, across instances', async () => {
    await t.db.query(`DELETE FROM source_budget_query`);
    await t.db.query(
      `INSERT INTO source_budget_query (platform, account, minute, queries) VALUES ('threads', $1, date_trunc('minute', now()) - interval '1 hour', 2200)`,
      [USER],
    );
    const server = await serve(new World(3));
    const error = await collectAll(new ThreadsAdapter(context()), options(server)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe('rate_limited');
    expect(server.searches()).toHaveLength(0);
    await t.db.query(`UPDATE source_budget_query SET minute = minute - interval '1 day'`);
    expect((await collectAll(new ThreadsAdapter(context()), options(server))).posts).toHaveLength(3);
  });

  it('an expired token is an auth problem', async () => {
    const server = await serve(new World(3));
    const error = await collectAll(new ThreadsAdapter(context()), options(server, 'THexpired')).catch(
      (e: unknown) => e,
    );
    expect((error as AdapterError).kind).toBe('auth');
    expect((error as Error).message).not.toContain('THexpired');
  });
});
