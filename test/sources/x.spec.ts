import type { SourceBudgets } from '../../src/sources/budget/source-budgets.js';
import { AdapterError, type AdapterContext } from '../../src/sources/source-adapter.js';
import { XAdapter } from '../../src/sources/x/x.adapter.js';
import { adapterContract, collectAll, QUERY } from './adapter-contract.js';
import { X_TOKEN, xBucketEmptied, xFixture, xId, xRateLimited, type XFixture } from './fixtures/x-fixture.js';
import { FAST_RETRY, RecordingClock } from './support/recording-clock.js';
import { World } from './support/world.js';

const options = (server: { url: string }, token = X_TOKEN) => ({ baseUrl: server.url, bearerToken: token });

adapterContract({
  name: 'x',
  create: (context) => new XAdapter(context),
  serve: xFixture,
  options: (server) => options(server),
  externalId: xId,
  rateLimited: (s) => xRateLimited(s),
  expectedWait: (s) => [(s - 1) * 1000, (s + 1) * 1000],
  bucketEmptied: () => ({ headers: xBucketEmptied(), wait: [1000, 2100] }),
  pages: true,
  editTimes: true,
  showsDeletions: false,
  longText: 4000,
});

describe('x adapter: its own cases', () => {
  let servers: XFixture[] = [];
  let clock: RecordingClock;
  const context = (): AdapterContext => ({ budgets: {} as SourceBudgets, clock, retry: FAST_RETRY });
  const serve = async (world: World) => {
    const s = await xFixture(world);
    servers.push(s);
    return s;
  };
  beforeEach(() => {
    clock = new RecordingClock();
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it('asks for #tag OR "phrase" with the author expansion and the fields it maps', async () => {
    const server = await serve(new World(2));
    await collectAll(new XAdapter(context()), options(server), undefined, {
      query: {
        ...QUERY,
        hashtags: ['juniorcontract', 'NotFairNotSafe'],
        keywords: ['junior doctors'],
        languages: ['en'],
      },
    });
    const q = server.searches()[0].query;
    expect(q.get('query')).toBe('(#juniorcontract OR #notfairnotsafe OR "junior doctors") (lang:en)');
    expect(q.get('expansions')).toContain('author_id');
    expect(q.get('tweet.fields')).toContain('referenced_tweets');
    expect(q.get('max_results')).toBe('100');
  });

  it('polls with since_id from the first page newest_id and pages with next_token under the same since_id', async () => {
    const world = new World(40);
    const server = await serve(world);
    const adapter = new XAdapter(context());
    const first = await collectAll(adapter, options(server));
    world.add(45);
    const before = server.searches().length;
    const second = await collectAll(adapter, options(server), first.cursor);
    const calls = server.searches().slice(before);
    expect(calls.length).toBe(2);
    expect(calls.map((c) => c.query.get('since_id'))).toEqual([xId(world.get(40)), xId(world.get(40))]);
    expect(calls[1].query.get('next_token')).toMatch(/^b26v/);
    expect(second.posts).toHaveLength(45);
    await collectAll(adapter, options(server), second.cursor);
    expect(server.searches().at(-1)!.query.get('since_id')).toBe(xId(world.get(85)));
  });

  it('maps retweets, quotes and replies from referenced_tweets; handles come from the user expansion; entities decoded', async () => {
    const server = await serve(new World(0));
    server.extraData = () => ({
      data: [
        {
          id: '1600000000000000001',
          edit_history_tweet_ids: ['1600000000000000001'],
          text: 'RT @doc1: Doctors &amp; nurses &lt;3 the NHS #juniorcon…',
          created_at: '2026-11-20T10:00:00.000Z',
          author_id: '11',
          referenced_tweets: [{ type: 'retweeted', id: '1500000000000000001' }],
        },
        {
          id: '1600000000000000002',
          edit_history_tweet_ids: ['1600000000000000002'],
          text: 'This &gt; that #juniorcontract',
          created_at: '2026-11-20T10:01:00.000Z',
          author_id: '12',
          referenced_tweets: [
            { type: 'quoted', id: '1500000000000000002' },
            { type: 'replied_to', id: '1500000000000000003' },
          ],
        },
      ],
      includes: {
        users: [
          { id: '11', username: 'booster' },
          { id: '12', username: 'quoter' },
        ],
        tweets: [
          {
            id: '1500000000000000001',
            text: 'Doctors &amp; nurses &lt;3 the NHS #juniorcontract',
            created_at: '2026-11-20T09:00:00.000Z',
          },
        ],
      },
    });
    const [rt, quote] = (await collectAll(new XAdapter(context()), options(server))).posts;
    expect(rt).toMatchObject({
      isRepost: true,
      repostOf: '1500000000000000001',
      text: 'Doctors & nurses <3 the NHS #juniorcontract',
      authorHandle: 'booster',
      url: 'https://x.com/booster/status/1600000000000000001',
    });
    expect(rt.hashtags).toEqual(['juniorcontract']);
    expect(quote).toMatchObject({
      text: 'This > that #juniorcontract',
      isQuote: true,
      quoteOf: '1500000000000000002',
      isReply: true,
      replyTo: '1500000000000000003',
    });
  });

  it('an edited post keeps the id of its first version and its first time; the edit time is the new version', async () => {
    const world = new World(3);
    world.get(2).text = 'Edited #juniorcontract';
    world.get(2).editedAt = new Date(world.get(2).createdAt.getTime() + 120_000);
    const server = await serve(world);
    const post = (await collectAll(new XAdapter(context()), options(server))).posts.find(
      (p) => p.text === 'Edited #juniorcontract',
    )!;
    expect(post.externalId).toBe(xId(world.get(2)));
    expect(post.createdAt.toISOString()).toBe(world.get(2).createdAt.toISOString());
    expect(post.editedAt?.toISOString()).toBe(world.get(2).editedAt!.toISOString());
  });

  it('reads the v1-style 429 body too', async () => {
    const server = await serve(new World(3));
    server.faults.push(xRateLimited(1, 'v1'));
    const run = await collectAll(new XAdapter(context()), options(server));
    expect(run.posts).toHaveLength(3);
    server.faults.push(xRateLimited(3600, 'v1'));
    const error = await collectAll(new XAdapter(context()), options(server)).catch((e: unknown) => e);
    expect((error as AdapterError).kind).toBe('rate_limited');
    expect((error as Error).message).toContain('Rate limit exceeded (code 88)');
  });

  it('a refused bearer token is an auth problem without the token in the message; health reads usage', async () => {
    const server = await serve(new World(3));
    const error = await collectAll(new XAdapter(context()), options(server, 'wrong-bearer-999')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe('auth');
    expect((error as Error).message).not.toContain('wrong-bearer-999');
    await expect(new XAdapter(context()).health(options(server))).resolves.toMatchObject({ ok: true });
  });
});
