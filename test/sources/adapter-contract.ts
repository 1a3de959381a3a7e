import { IngestionService } from '../../src/collection/ingestion.service.js';
import { SOURCE_BUDGETS, type SourceBudgets } from '../../src/sources/budget/source-budgets.js';
import type { NormalisedPost } from '../../src/sources/normalised-post.js';
import {
  AdapterError,
  type AdapterContext,
  type FetchPageResult,
  type SourceAdapter,
} from '../../src/sources/source-adapter.js';
import type { TopicQuery } from '../../src/sources/topic-query.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';
import type { FixtureServer, Reply } from './support/fixture-server.js';
import { FAST_RETRY, RecordingClock } from './support/recording-clock.js';
import { World, type WorldPost } from './support/world.js';

/** What the contract suite needs to know about one platform and its fixture server. */
export interface ContractPlatform {
  name: string;
  create(context: AdapterContext): SourceAdapter;
  serve(world: World): Promise<FixtureServer>;
  options(server: FixtureServer): Record<string, unknown>;
  /** The external id the adapter must give a world post. */
  externalId(post: WorldPost): string;
  /** A 429 (or the platform's equivalent) that says: try again in `seconds`. */
  rateLimited(seconds: number): Reply;
  /** The wait the adapter should derive from `rateLimited(seconds)`, as [min, max] ms. */
  expectedWait(seconds: number): [number, number];
  /** Headers of a good answer that empty the rate-limit bucket (or ask to slow down), and the wait due. */
  bucketEmptied?(): { headers: Record<string, string>; wait: [number, number] };
  /** Whether the whole world comes in more than one page. */
  pages: boolean;
  /** The platform marks edits with a time (otherwise an edit shows only as changed text). */
  editTimes: boolean;
  /** The platform shows deleted posts as deleted (otherwise they simply vanish). */
  showsDeletions: boolean;
  /** Longest text the platform carries (bytes of UTF-8 are not the limit here, characters are). */
  longText: number;
}

export const QUERY: TopicQuery = { hashtags: ['juniorcontract'], keywords: [], exclude: [], languages: [] };

export interface Collected {
  pages: FetchPageResult[];
  posts: NormalisedPost[];
  cursor: unknown;
}

/** Fetches pages until the adapter says it is exhausted (bounded, so a looping adapter fails the test). */
export async function collectAll(
  adapter: SourceAdapter,
  options: Record<string, unknown>,
  cursor?: unknown,
  extra: { query?: TopicQuery; since?: Date; until?: Date; timeoutMs?: number } = {},
): Promise<Collected> {
  const pages: FetchPageResult[] = [];
  for (let i = 0; i < 50; i++) {
    const page = await adapter.fetchPage({
      options,
      query: extra.query ?? QUERY,
      cursor,
      since: extra.since,
      until: extra.until,
      timeoutMs: extra.timeoutMs ?? 2000,
    });
    pages.push(page);
    cursor = page.nextCursor;
    if (page.exhausted) return { pages, posts: pages.flatMap((p) => p.posts), cursor };
  }
  throw new Error('the adapter never said it was exhausted');
}

/** The shared contract every adapter passes against its platform's fixture server. */
export function adapterContract(platform: ContractPlatform): void {
  describe(`${platform.name} adapter contract`, () => {
    let t: TestApp;
    let budgets: SourceBudgets;
    let clock: RecordingClock;
    let servers: FixtureServer[] = [];

    const adapterFor = () => platform.create({ budgets, clock, retry: FAST_RETRY });
    const serve = async (world: World) => {
      const server = await platform.serve(world);
      servers.push(server);
      return server;
    };
    const ids = (posts: NormalisedPost[]) => posts.map((p) => p.externalId);
    const truth = (world: World, includeDeleted = false) =>
      world
        .newestFirst(includeDeleted)
        .filter((p) => !p.malformed && !p.repostOf)
        .map((p) => platform.externalId(p));

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

    it('pages to the end and gives every post once, with a stable external id', async () => {
      const world = new World(95);
      const server = await serve(world);
      const run = await collectAll(adapterFor(), platform.options(server));
      expect(new Set(ids(run.posts))).toEqual(new Set(truth(world)));
      expect(run.posts).toHaveLength(95);
      if (platform.pages) expect(run.pages.length).toBeGreaterThan(1);
      for (const p of run.posts) {
        expect(p.source).toBe(platform.name);
        expect(p.hashtags).toContain('juniorcontract');
        expect(p.text).toMatch(/^Post \d+ about the contract #juniorcontract$/);
        expect(p.contentHash).toMatch(/^[0-9a-f]{64}$/);
      }
      // JSON all the way: the cursor is stored as jsonb.
      expect(JSON.parse(JSON.stringify(run.cursor))).toEqual(run.cursor);
    });

    it('resumes from its cursor and fetches only newer posts', async () => {
      const world = new World(60);
      const server = await serve(world);
      const adapter = adapterFor();
      const first = await collectAll(adapter, platform.options(server));
      const newestBefore = Math.max(...first.posts.map((p) => p.createdAt.getTime()));
      const added = world.add(7, (seq) => `Newer post ${seq} #juniorcontract`);
      const second = await collectAll(adapter, platform.options(server), first.cursor);
      const fresh = new Set(added.map((p) => platform.externalId(p)));
      expect(
        ids(second.posts)
          .filter((id) => fresh.has(id))
          .sort(),
      ).toEqual([...fresh].sort());
      // Anything else is at most the post the cursor stands on (inclusive `since` on some platforms).
      for (const p of second.posts.filter((x) => !fresh.has(x.externalId))) {
        expect(p.createdAt.getTime()).toBeGreaterThanOrEqual(newestBefore);
      }
      const third = await collectAll(adapter, platform.options(server), second.cursor);
      expect(
        third.posts.filter((p) => !fresh.has(p.externalId) && p.createdAt.getTime() < newestBefore),
      ).toEqual([]);
    });

    it('an empty result is an exhausted page with no posts', async () => {
      const server = await serve(new World(0));
      const run = await collectAll(adapterFor(), platform.options(server));
      expect(run.posts).toEqual([]);
      expect(run.pages.at(-1)!.exhausted).toBe(true);
      expect(run.pages.flatMap((p) => p.rejected)).toEqual([]);
    });

    it(`honours a rate limit in ${platform.name}'s own headers: waits, then carries on`, async () => {
      const world = new World(10);
      const server = await serve(world);
      server.faults.push(platform.rateLimited(1));
      const run = await collectAll(adapterFor(), platform.options(server));
      expect(run.posts).toHaveLength(10);
      const [min, max] = platform.expectedWait(1);
      expect(clock.sleeps).toHaveLength(1);
      expect(clock.sleeps[0]).toBeGreaterThanOrEqual(min);
      expect(clock.sleeps[0]).toBeLessThanOrEqual(max);
      expect(run.pages[0].rateLimit?.waitedMs).toBe(clock.sleeps[0]);
    });

    it('hands a long rate-limit wait back to collection as rate_limited, with the wait', async () => {
      const server = await serve(new World(5));
      server.faults.push(platform.rateLimited(3600));
      const error = await collectAll(adapterFor(), platform.options(server)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdapterError);
      expect((error as AdapterError).kind).toBe('rate_limited');
      expect((error as AdapterError).retryAfterMs).toBeGreaterThan(3_500_000);
      expect(clock.sleeps).toEqual([]);
    });

    if (platform.bucketEmptied) {
      const emptied = () => platform.bucketEmptied!();
      it('waits for the reset before the next request when the bucket is empty', async () => {
        const world = new World(95);
        const server = await serve(world);
        const { headers, wait } = emptied();
        server.extraHeaders = headers;
        const run = await collectAll(adapterFor(), platform.options(server));
        expect(run.posts.length).toBeGreaterThanOrEqual(95);
        expect(clock.sleeps).toHaveLength(1);
        expect(clock.sleeps[0]).toBeGreaterThanOrEqual(wait[0]);
        expect(clock.sleeps[0]).toBeLessThanOrEqual(wait[1]);
        expect(run.pages[1].rateLimit?.waitedMs).toBe(clock.sleeps[0]);
      });
    }

    it('retries a 500 with backoff, then succeeds', async () => {
      const server = await serve(new World(12));
      server.faults.push({ status: 500, body: 'Internal Server Error' }, { status: 503, body: '' });
      const run = await collectAll(adapterFor(), platform.options(server));
      expect(run.posts).toHaveLength(12);
      expect(clock.sleeps).toHaveLength(2);
      expect(clock.sleeps[1]).toBeGreaterThan(clock.sleeps[0]);
    });

    it('retries a timeout and a connection reset', async () => {
      const server = await serve(new World(12));
      server.faults.push('hang', 'reset');
      const run = await collectAll(adapterFor(), platform.options(server), undefined, { timeoutMs: 300 });
      expect(run.posts).toHaveLength(12);
      expect(clock.sleeps).toHaveLength(2);
    });

    it('fails the page as temporary after bounded retries, and a later fetch carries on', async () => {
      const world = new World(12);
      const server = await serve(world);
      server.faults.push('hang', { status: 502, body: 'Bad Gateway' }, 'reset');
      const adapter = adapterFor();
      const error = await collectAll(adapter, platform.options(server), undefined, { timeoutMs: 300 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AdapterError);
      expect((error as AdapterError).kind).toBe('temporary');
      expect((error as Error).message).not.toMatch(/token|secret|password/i);
      const run = await collectAll(adapter, platform.options(server));
      expect(run.posts).toHaveLength(12);
    });

    it('a malformed page raises malformed with the raw body for quarantine', async () => {
      const server = await serve(new World(3));
      server.faults.push('garbage');
      const error = await collectAll(adapterFor(), platform.options(server)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdapterError);
      expect((error as AdapterError).kind).toBe('malformed');
      expect((error as AdapterError).details.raw).toContain('Bad gateway');
    });

    it('a malformed item is rejected with its reason; the rest of the page is kept', async () => {
      const world = new World(8);
      world.get(4).malformed = true;
      const server = await serve(world);
      const run = await collectAll(adapterFor(), platform.options(server));
      const rejected = run.pages.flatMap((p) => p.rejected);
      expect(rejected).toHaveLength(1);
      expect(rejected[0].reason.length).toBeGreaterThan(3);
      expect(rejected[0].raw.length).toBeGreaterThan(2);
      expect(new Set(ids(run.posts))).toEqual(new Set(truth(world)));
    });

    it('keeps emoji, right-to-left text and very long text intact', async () => {
      const world = new World(0);
      const long =
        `${'Doctors are exhausted and the contract is unsafe. '.repeat(Math.ceil(platform.longText / 50))}`
          .slice(0, platform.longText - 20)
          .trim();
      const texts = [
        'Solidarity with our doctors 👩🏽‍⚕️💉🏥 #juniorcontract',
        'نحن ندعم الأطباء المبتدئين ‏#juniorcontract',
        `${long} #juniorcontract`,
      ];
      world.add(3, (seq) => texts[seq - 1]);
      const server = await serve(world);
      const run = await collectAll(adapterFor(), platform.options(server));
      const bySeq = new Map(run.posts.map((p) => [p.externalId, p]));
      for (const post of world.posts) {
        const got = bySeq.get(platform.externalId(post));
        expect(got?.text).toBe(post.text);
        expect(got?.hashtags).toContain('juniorcontract');
      }
    });

    it('shows an edited post with its new text (and edit time where the platform gives one)', async () => {
      const world = new World(5);
      const server = await serve(world);
      const adapter = adapterFor();
      const before = await collectAll(adapter, platform.options(server));
      const target = world.get(3);
      target.text = 'Changed my mind: get back to work #juniorcontract';
      target.editedAt = new Date(target.createdAt.getTime() + 600_000);
      const again = await collectAll(adapter, platform.options(server));
      const old = before.posts.find((p) => p.externalId === platform.externalId(target))!;
      const edited = again.posts.find((p) => p.externalId === platform.externalId(target))!;
      expect(edited.text).toBe(target.text);
      expect(edited.contentHash).not.toBe(old.contentHash);
      if (platform.editTimes) expect(edited.editedAt?.toISOString()).toBe(target.editedAt.toISOString());
    });

    it(
      platform.showsDeletions
        ? 'marks a deleted post as deleted'
        : 'a deleted post no longer comes back; the others do',
      async () => {
        const world = new World(6);
        world.get(2).deleted = true;
        const server = await serve(world);
        const run = await collectAll(adapterFor(), platform.options(server));
        const gone = run.posts.find((p) => p.externalId === platform.externalId(world.get(2)));
        if (platform.showsDeletions) {
          expect(gone?.deletedAt).toBeInstanceOf(Date);
          expect(gone?.text).not.toContain('Post 2');
        } else {
          expect(gone).toBeUndefined();
        }
        expect(run.posts.filter((p) => !p.deletedAt)).toHaveLength(5);
      },
    );

    it('end to end: every page stored once through ingestion; replaying adds nothing', async () => {
      const slug = `e2e-${platform.name}`;
      const topic = await t.http
        .post('/api/v1/topics')
        .set(t.admin)
        .send(topicBody({ slug, query: QUERY }));
      expect(topic.status).toBe(201);
      const world = new World(90);
      world.duplicateAcrossPages = true;
      world.get(17).malformed = true;
      const server = await serve(world);
      const run = await collectAll(adapterFor(), platform.options(server));
      const ingestion = t.app.get(IngestionService);
      let inserted = 0;
      let duplicates = 0;
      let rejected = 0;
      for (const page of run.pages) {
        const out = await ingestion.ingest({
          posts: page.posts,
          rejected: page.rejected.map((r) => ({ ...r, source: platform.name })),
          originTopicId: topic.body.id,
        });
        inserted += out.inserted;
        duplicates += out.duplicates;
        rejected += out.rejected;
      }
      const groundTruth = truth(world).length;
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM post WHERE source = $1`, [
        platform.name,
      ]);
      expect(n).toBe(groundTruth);
      expect(inserted).toBe(groundTruth);
      expect(rejected).toBe(1);
      // Each page after the first repeated one post of the page before it.
      expect(duplicates).toBe(run.posts.length - groundTruth);
      if (platform.pages) expect(duplicates).toBeGreaterThan(0);
      const [{ c }] = await t.db.query(
        `SELECT count(*)::int AS c FROM classification WHERE topic_id = $1 AND source = $2`,
        [topic.body.id, platform.name],
      );
      expect(c).toBe(groundTruth);

      let replayed = 0;
      for (const page of run.pages) {
        replayed += (await ingestion.ingest({ posts: page.posts, originTopicId: topic.body.id })).inserted;
      }
      expect(replayed).toBe(0);
      const [{ n: after }] = await t.db.query(`SELECT count(*)::int AS n FROM post WHERE source = $1`, [
        platform.name,
      ]);
      expect(after).toBe(groundTruth);
    });
  });
}
