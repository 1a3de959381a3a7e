import { MastodonAdapter } from '../../src/sources/mastodon/mastodon.adapter.js';
import { AdapterError, DEFAULT_RETRY_POLICY, type AdapterContext } from '../../src/sources/source-adapter.js';
import type { SourceBudgets } from '../../src/sources/budget/source-budgets.js';
import { adapterContract, collectAll, QUERY } from './adapter-contract.js';
import {
  mastodonBucketEmptied,
  mastodonFixture,
  mastodonRateLimited,
  mastodonStatus,
  mastodonUri,
} from './fixtures/mastodon-fixture.js';
import { RecordingClock } from './support/recording-clock.js';
import { World } from './support/world.js';
import type { FixtureServer } from './support/fixture-server.js';

let servers: FixtureServer[] = [];

adapterContract({
  name: 'mastodon',
  create: (context) => new MastodonAdapter(context),
  serve: async (world) => {
    const s = await mastodonFixture(world);
    servers.push(s);
    return s;
  },
  options: (server) => ({ instance: server.url }),
  externalId: (p) => mastodonUri(servers.at(-1)!.url, p),
  rateLimited: mastodonRateLimited,
  expectedWait: (s) => [s * 1000 - 300, s * 1000 + 300],
  bucketEmptied: () => ({ headers: mastodonBucketEmptied(2), wait: [1500, 2300] }),
  pages: true,
  editTimes: true,
  showsDeletions: false,
  longText: 5000,
});

describe('mastodon adapter: its own cases', () => {
  const context = (): AdapterContext => ({
    budgets: {} as SourceBudgets,
    clock: new RecordingClock(),
    retry: DEFAULT_RETRY_POLICY,
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  const serve = async (...args: Parameters<typeof mastodonFixture>) => {
    const s = await mastodonFixture(...args);
    servers.push(s);
    return s;
  };

  it('strips the HTML content: entities decoded, breaks and paragraphs kept, link text whole', async () => {
    const server = await serve(new World(), {
      statuses: (base) => {
        const s = mastodonStatus(base, new World(1).get(1));
        s.content =
          '<p>Doctors &amp; nurses &lt;3<br />Line two <a href="https://example.org/long/path" rel="nofollow noopener" target="_blank">' +
          '<span class="invisible">https://</span><span class="ellipsis">example.org/long</span><span class="invisible">/path</span></a></p>' +
          `<p><a href="${base}/tags/juniorcontract" class="mention hashtag" rel="tag">#<span>JuniorContract</span></a></p>`;
        s.tags = [{ name: 'juniorcontract', url: `${base}/tags/juniorcontract` }];
        return [s];
      },
    });
    const run = await collectAll(new MastodonAdapter(context()), { instance: server.url });
    expect(run.posts[0].text).toBe(
      'Doctors & nurses <3\nLine two https://example.org/long/path\n\n#JuniorContract',
    );
    expect(run.posts[0].hashtags).toEqual(['juniorcontract']);
  });

  it('marks a boost as a repost pointing at the original status', async () => {
    const world = new World(2);
    const server = await serve(world, {
      statuses: (base) => {
        const original = mastodonStatus(base, world.get(1));
        const boost = mastodonStatus(base, world.get(2));
        boost.content = '';
        boost.reblog = original;
        return [boost];
      },
    });
    const [post] = (await collectAll(new MastodonAdapter(context()), { instance: server.url })).posts;
    expect(post).toMatchObject({ isRepost: true, repostOf: mastodonUri(server.url, world.get(1)) });
    expect(post.text).toBe(world.get(1).text);
  });

  it('compares status ids as big integers, not as strings or numbers', async () => {
    const world = new World(2);
    const server = await serve(world, {
      statuses: (base) => {
        const [a, b] = [mastodonStatus(base, world.get(1)), mastodonStatus(base, world.get(2))];
        a.id = '99999999999999999';
        b.id = '100000000000000001';
        return [b, a];
      },
    });
    const run = await collectAll(new MastodonAdapter(context()), { instance: server.url });
    expect(run.cursor).toEqual({ pending: [], lanes: { juniorcontract: { minId: '100000000000000001' } } });
    await collectAll(new MastodonAdapter(context()), { instance: server.url }, run.cursor);
    expect(server.searches().at(-1)!.query.get('min_id')).toBe('100000000000000001');
  });

  it('follows the Link header back in time on a first run, then reads forward with min_id', async () => {
    const world = new World(85);
    const server = await serve(world);
    const adapter = new MastodonAdapter(context());
    const run = await collectAll(adapter, { instance: server.url });
    const [first, second, third] = server.searches();
    expect(first.query.get('max_id')).toBeNull();
    expect(second.query.get('max_id')).toBe(await firstPageOldestId(server));
    expect(third.query.get('max_id')).not.toBeNull();
    await collectAll(adapter, { instance: server.url }, run.cursor);
    expect(server.searches().at(-1)!.query.get('min_id')).toMatch(/^\d{17,19}$/);
  });

  it('asks one timeline for up to five hashtags with any[]', async () => {
    const server = await serve(new World(3));
    const query = {
      ...QUERY,
      hashtags: ['juniorcontract', 'notfairnotsafe', 'juniordoctors', 'saveournhs', 'bma', 'nhs'],
    };
    await collectAll(new MastodonAdapter(context()), { instance: server.url }, undefined, { query });
    const paths = server.searches().map((r) => `${r.path}?${r.query.getAll('any[]').join(',')}`);
    expect(paths).toEqual([
      '/api/v1/timelines/tag/juniorcontract?notfairnotsafe,juniordoctors,saveournhs,bma',
      '/api/v1/timelines/tag/nhs?',
    ]);
  });

  it('the same status seen through two instances has one external id (its URI)', async () => {
    const world = new World(1);
    const origin = await serve(world);
    const status = mastodonStatus(origin.url, world.get(1));
    const mirror = await serve(world, {
      statuses: () => [
        { ...status, id: '110000000000000000', url: 'https://other.example/@doc1@origin/110000000000000000' },
      ],
    });
    const a = await collectAll(new MastodonAdapter(context()), { instance: origin.url });
    const b = await collectAll(new MastodonAdapter(context()), { instance: mirror.url });
    expect(a.posts[0].externalId).toBe(b.posts[0].externalId);
    expect(b.posts[0].authorHandle).toBe(`doc1@${new URL(origin.url).host}`);
  });

  it('an unknown hashtag (404 Record not found) is an empty page, not a failure', async () => {
    const server = await serve(new World(3));
    const run = await collectAll(new MastodonAdapter(context()), { instance: server.url }, undefined, {
      query: { ...QUERY, hashtags: ['nosuchtag'] },
    });
    expect(run.posts).toEqual([]);
  });

  it('sends the access token and reports a refused one as auth, without echoing it', async () => {
    const server = await serve(new World(3), { token: 'good-token-123' });
    const ok = await collectAll(new MastodonAdapter(context()), {
      instance: server.url,
      accessToken: 'good-token-123',
    });
    expect(ok.posts).toHaveLength(3);
    const error = await collectAll(new MastodonAdapter(context()), {
      instance: server.url,
      accessToken: 'bad-token-456',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe('auth');
    expect((error as Error).message).not.toContain('bad-token-456');
    const health = await new MastodonAdapter(context()).health({
      instance: server.url,
      accessToken: 'good-token-123',
    });
    expect(health).toMatchObject({ ok: true, detail: expect.stringContaining('4.6.4') });
  });
});

async function firstPageOldestId(server: FixtureServer): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/timelines/tag/juniorcontract?limit=40`);
  const body = (await res.json()) as { id: string }[];
  return body.at(-1)!.id;
}
