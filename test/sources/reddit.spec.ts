import type { SourceBudgets } from '../../src/sources/budget/source-budgets.js';
import { RedditAdapter } from '../../src/sources/reddit/reddit.adapter.js';
import { AdapterError, type AdapterContext } from '../../src/sources/source-adapter.js';
import { adapterContract, collectAll } from './adapter-contract.js';
import {
  REDDIT_CLIENT,
  redditBucketEmptied,
  redditChild,
  redditFixture,
  redditName,
  redditRateLimited,
  type RedditFixture,
} from './fixtures/reddit-fixture.js';
import { FAST_RETRY, RecordingClock } from './support/recording-clock.js';
import { World } from './support/world.js';

const options = (server: { url: string }, extra: Record<string, unknown> = {}) => ({
  baseUrl: server.url,
  authUrl: `${server.url}/api/v1/access_token`,
  ...REDDIT_CLIENT,
  userAgent: 'server:groundswell-test:1.0 (by /u/newsroom)',
  ...extra,
});

adapterContract({
  name: 'reddit',
  create: (context) => new RedditAdapter(context),
  serve: redditFixture,
  options: (server) => options(server),
  externalId: redditName,
  rateLimited: redditRateLimited,
  expectedWait: (s) => [s * 1000 - 100, s * 1000],
  bucketEmptied: () => ({ headers: redditBucketEmptied(), wait: [1500, 2000] }),
  pages: true,
  editTimes: true,
  showsDeletions: true,
  longText: 10000,
});

describe('reddit adapter: its own cases', () => {
  let servers: RedditFixture[] = [];
  let clock: RecordingClock;
  const context = (): AdapterContext => ({ budgets: {} as SourceBudgets, clock, retry: FAST_RETRY });
  const serve = async (world: World) => {
    const s = await redditFixture(world);
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

  it('caches the app token until it expires, then asks for a new one', async () => {
    const world = new World(95);
    const server = await serve(world);
    const adapter = new RedditAdapter(context());
    const first = await collectAll(adapter, options(server));
    expect(server.searches().length).toBe(4);
    expect(server.tokensIssued).toBe(1);
    clock.advance(3600_000);
    world.add(2);
    const second = await collectAll(adapter, options(server), first.cursor);
    expect(second.posts).toHaveLength(2);
    expect(server.tokensIssued).toBe(2);
    const search = server.searches()[0];
    expect(search.headers['user-agent']).toBe('server:groundswell-test:1.0 (by /u/newsroom)');
    expect(Object.fromEntries(search.query)).toMatchObject({
      q: 'juniorcontract',
      sort: 'new',
      raw_json: '1',
      limit: '100',
    });
  });

  it('searches only the given subreddits with restrict_sr', async () => {
    const server = await serve(new World(2));
    await collectAll(
      new RedditAdapter(context()),
      options(server, { subreddits: ['unitedkingdom', 'r/nhs'] }),
    );
    expect(server.searches()[0].path).toBe('/r/unitedkingdom+nhs/search');
    expect(server.searches()[0].query.get('restrict_sr')).toBe('1');
  });

  it('title and HTML body are the text; removed and deleted posts are recognised; edits carry their time', async () => {
    const world = new World(3);
    const server = await serve(world);
    server.children = () => {
      const [a, b, c] = world.newestFirst().map(redditChild) as { data: Record<string, unknown> }[];
      a.data.title = 'Strike &amp; pay';
      a.data.title = 'Strike & pay';
      a.data.selftext = '**Solidarity** with the doctors #juniorcontract';
      a.data.selftext_html =
        '<!-- SC_OFF --><div class="md"><p><strong>Solidarity</strong> with the doctors #juniorcontract</p>\n</div><!-- SC_ON -->';
      a.data.edited = 1763720000.0;
      b.data.selftext = '[removed]';
      b.data.removed_by_category = 'moderator';
      c.data.crosspost_parent = 't3_abc123';
      return [a, b, c];
    };
    const [a, b, c] = (await collectAll(new RedditAdapter(context()), options(server))).posts;
    expect(a.text).toBe('Strike & pay\n\nSolidarity with the doctors #juniorcontract');
    expect(a.editedAt?.toISOString()).toBe(new Date(1763720000_000).toISOString());
    expect(a.url).toMatch(/^https:\/\/www\.reddit\.com\/r\/unitedkingdom\/comments\//);
    expect(b.deletedAt).toBeInstanceOf(Date);
    expect(b.text).toBe('');
    expect(c).toMatchObject({ isRepost: true, repostOf: 't3_abc123' });
  });

  it('a refused client secret is an auth problem without the secret in the message', async () => {
    const server = await serve(new World(2));
    const error = await collectAll(
      new RedditAdapter(context()),
      options(server, { clientSecret: 'wrong-secret-777' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe('auth');
    expect((error as Error).message).not.toContain('wrong-secret-777');
  });
});
