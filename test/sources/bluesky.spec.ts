import { BlueskyAdapter } from '../../src/sources/bluesky/bluesky.adapter.js';
import type { SourceBudgets } from '../../src/sources/budget/source-budgets.js';
import { AdapterError, DEFAULT_RETRY_POLICY, type AdapterContext } from '../../src/sources/source-adapter.js';
import { adapterContract, collectAll, QUERY } from './adapter-contract.js';
import {
  blueskyFixture,
  BSKY_PASSWORD,
  bskyBucketEmptied,
  bskyPostView,
  bskyRateLimited,
  bskyUri,
  type BlueskyFixture,
} from './fixtures/bluesky-fixture.js';
import { RecordingClock } from './support/recording-clock.js';
import { World } from './support/world.js';

const options = (server: { url: string }, password = BSKY_PASSWORD) => ({
  service: server.url,
  identifier: 'newsroom.bsky.social',
  appPassword: password,
});

adapterContract({
  name: 'bluesky',
  create: (context) => new BlueskyAdapter(context),
  serve: blueskyFixture,
  options: (server) => options(server),
  externalId: bskyUri,
  rateLimited: bskyRateLimited,
  expectedWait: (s) => [s * 1000, s * 1000],
  bucketEmptied: () => ({ headers: bskyBucketEmptied(), wait: [1000, 2100] }),
  pages: true,
  editTimes: false,
  showsDeletions: false,
  longText: 300,
});

describe('bluesky adapter: its own cases', () => {
  let servers: BlueskyFixture[] = [];
  const context = (): AdapterContext => ({
    budgets: {} as SourceBudgets,
    clock: new RecordingClock(),
    retry: DEFAULT_RETRY_POLICY,
  });
  const serve = async (world: World) => {
    const s = await blueskyFixture(world);
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it('signs in once per credentials and reuses the session across pages and runs', async () => {
    const world = new World(95);
    const server = await serve(world);
    const adapter = new BlueskyAdapter(context());
    const first = await collectAll(adapter, options(server));
    world.add(3);
    await collectAll(adapter, options(server), first.cursor);
    expect(server.sessionsCreated).toBe(1);
    expect(server.searches().length).toBeGreaterThan(4);
    const search = server.searches()[0];
    expect(search.query.get('sort')).toBe('latest');
    expect(search.query.getAll('tag')).toEqual(['juniorcontract']);
    expect(server.searches().at(-1)!.query.get('since')).toBe(world.get(95).createdAt.toISOString());
  });

  it('refreshes an expired session once and carries on', async () => {
    const server = await serve(new World(5));
    const adapter = new BlueskyAdapter(context());
    await collectAll(adapter, options(server));
    server.expireNext = true;
    const run = await collectAll(adapter, options(server));
    expect(run.posts).toHaveLength(5);
    expect(server.refreshes).toBe(1);
    expect(server.sessionsCreated).toBe(1);
  });

  it('a wrong app password is an auth problem, and the password is never in the message', async () => {
    const server = await serve(new World(5));
    const error = await collectAll(
      new BlueskyAdapter(context()),
      options(server, 'zzzz-zzzz-zzzz-zzzz'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe('auth');
    expect((error as Error).message).toContain('Invalid identifier or password');
    expect((error as Error).message).not.toContain('zzzz-zzzz');
  });

  it('reads hashtags from facets by UTF-8 byte offsets and from record.tags; builds the post URL; marks quotes and replies', async () => {
    const world = new World(1);
    const server = await serve(world);
    const text = '😷👩🏽‍⚕️ Strike day #NotFairNotSafe';
    const start = Buffer.byteLength('😷👩🏽‍⚕️ Strike day ');
    server.views = () => {
      const v = bskyPostView(world.get(1));
      v.record = {
        $type: 'app.bsky.feed.post',
        createdAt: '2026-11-20T09:00:00.000Z',
        text,
        langs: ['en-GB'],
        // A facet without its tag: the adapter reads it from the bytes.
        facets: [
          {
            index: { byteStart: start, byteEnd: start + Buffer.byteLength('#NotFairNotSafe') },
            features: [{ $type: 'app.bsky.richtext.facet#tag' }],
          },
        ],
        tags: ['JuniorContract'],
        reply: {
          root: { uri: 'at://did:plc:x/app.bsky.feed.post/root', cid: 'c1' },
          parent: { uri: 'at://did:plc:x/app.bsky.feed.post/parent', cid: 'c2' },
        },
        embed: {
          $type: 'app.bsky.embed.record',
          record: { uri: 'at://did:plc:y/app.bsky.feed.post/quoted', cid: 'c3' },
        },
      };
      return [v];
    };
    const [post] = (await collectAll(new BlueskyAdapter(context()), options(server))).posts;
    expect(post.hashtags).toEqual(['notfairnotsafe', 'juniorcontract']);
    expect(post.url).toBe(
      `https://bsky.app/profile/doc1.bsky.social/post/${bskyUri(world.get(1)).split('/').pop()}`,
    );
    expect(post).toMatchObject({
      authorId: 'did:plc:doc1',
      lang: 'en',
      isReply: true,
      replyTo: 'at://did:plc:x/app.bsky.feed.post/parent',
      isQuote: true,
      quoteOf: 'at://did:plc:y/app.bsky.feed.post/quoted',
      text,
    });
  });

  it('searches each hashtag and keyword on its own (tags AND together on Bluesky)', async () => {
    const server = await serve(new World(2));
    await collectAll(new BlueskyAdapter(context()), options(server), undefined, {
      query: { ...QUERY, hashtags: ['juniorcontract', 'nhs'], keywords: ['junior doctors'] },
    });
    expect(server.searches().map((r) => [r.query.get('q'), r.query.getAll('tag').join(',')])).toEqual([
      ['#juniorcontract', 'juniorcontract'],
      ['#nhs', 'nhs'],
      ['"junior doctors"', ''],
    ]);
  });

  it('health signs in and names the account', async () => {
    const server = await serve(new World(0));
    await expect(new BlueskyAdapter(context()).health(options(server))).resolves.toMatchObject({
      ok: true,
      detail: 'signed in as newsroom.bsky.social',
    });
  });
});
