import { gzipSync } from 'node:zlib';
import { parseCsvMapping } from '../../src/sources/archives/archive-format.js';
import { ArchiveFormatError } from '../../src/sources/archives/archive-input.js';
import { MAX_LINE_BYTES } from '../../src/sources/archives/line-reader.js';
import { parseIsoDateTime } from '../../src/sources/archives/post-fields.js';
import { fixture, jsonl, readArchive } from './archive-support.js';

describe('archive importers (no database)', () => {
  describe('generic JSONL', () => {
    it('maps the required and optional fields to the normalised post', async () => {
      const { posts, rejected } = await readArchive(
        'jsonl',
        jsonl(
          {
            id: 'a1',
            text: '  Solidarity   with the juniors #NotFairNotSafe #juniorcontract ',
            created_at: '2016-01-12T09:00:00+01:00',
            author: '@kestrel_reg',
            url: 'https://example.org/posts/a1',
            lang: 'en-GB',
            is_repost: false,
          },
          {
            id: 42,
            text: 'RT @kestrel_reg: Solidarity',
            created_at: '2016-01-12T10:00:00Z',
            repost_of: 'a1',
            source: 'mastodon',
          },
          { id: 'a3', text: 'Reply', created_at: '2016-01-12 11:00:00', reply_to: 'a1', is_repost: true },
        ),
      );
      expect(rejected).toEqual([]);
      expect(posts[0]).toMatchObject({
        source: 'archive',
        externalId: 'a1',
        text: 'Solidarity with the juniors #NotFairNotSafe #juniorcontract',
        createdAt: new Date('2016-01-12T08:00:00Z'),
        authorHandle: 'kestrel_reg',
        url: 'https://example.org/posts/a1',
        lang: 'en-gb',
        isRepost: false,
        hashtags: ['notfairnotsafe', 'juniorcontract'],
      });
      expect(posts[0].contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(posts[1]).toMatchObject({
        source: 'mastodon',
        externalId: '42',
        isRepost: true,
        repostOf: 'a1',
      });
      expect(posts[2]).toMatchObject({
        isReply: true,
        replyTo: 'a1',
        isRepost: true,
        createdAt: new Date('2016-01-12T11:00:00Z'),
      });
    });

    it('rejects bad lines with their line numbers and reasons, and goes on', async () => {
      const good = (id: string) =>
        JSON.stringify({ id, text: `post ${id}`, created_at: '2016-03-09T08:00:00Z' });
      const data = Buffer.concat([
        Buffer.from(`${good('g1')}\r\n`),
        Buffer.from('{"id": "b2", "text": "cut off\r\n'),
        Buffer.from('{"id": "b3", "created_at": "2016-03-09T08:00:00Z"}\n'),
        Buffer.from('{"id": "b4", "text": "t", "created_at": "2016-02-30T10:00:00Z"}\n'),
        Buffer.from('{"id": "b5", "text": "caf'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('", "created_at": "2016-03-09T08:00:00Z"}\n'),
        Buffer.from('{"id": 9000000000000000123, "text": "t", "created_at": "2016-03-09T08:00:00Z"}\n'),
        Buffer.from('[1, 2]\n'),
        Buffer.from('   \n'),
        Buffer.from('{"id": "b9", "text": "t", "created_at": "2016-03-09T08:00:00Z", "source": "sample"}\n'),
        Buffer.from('{"id": "b10", "text": "t", "created_at": "yesterday"}\n'),
        Buffer.from(`${good('g11')}\n`),
        Buffer.from(good('g12')), // no final line break
      ]);
      const { posts, rejected, counters } = await readArchive('jsonl', data);
      expect(posts.map((p) => p.externalId)).toEqual(['g1', 'g11', 'g12']);
      expect(rejected.map((r) => [r.line, r.reason])).toEqual([
        [2, expect.stringMatching(/^broken JSON: /)],
        [3, 'missing text'],
        [4, 'created_at "2016-02-30T10:00:00Z" is not an ISO-8601 date-time'],
        [5, 'invalid UTF-8'],
        [6, expect.stringMatching(/id 9000000000000000000 is too large .* write it as a string/)],
        [7, 'expected a JSON object'],
        [9, 'source "sample" is reserved for the bundled sample'],
        [10, 'created_at "yesterday" is not an ISO-8601 date-time'],
      ]);
      expect(rejected[3].raw).toContain('caf\ufffd(');
      expect(counters.lines).toBe(12);
      expect(counters.bytes).toBe(data.length);
    });

    it('reads gzip-compressed files and strips a byte-order mark', async () => {
      const body = `\ufeff${jsonl({ id: 'z1', text: 'zipped #juniorcontract', created_at: '2016-04-26T08:00:00Z' })}`;
      const gz = gzipSync(Buffer.from(body));
      const { posts, rejected, counters } = await readArchive('jsonl', gz);
      expect(rejected).toEqual([]);
      expect(posts.map((p) => p.externalId)).toEqual(['z1']);
      expect(counters.bytes).toBe(gz.length);
    });

    it('refuses a file whose "line" is longer than any record instead of buffering it', async () => {
      const huge = Buffer.alloc(MAX_LINE_BYTES + 1024, 0x61);
      await expect(readArchive('jsonl', huge, { chunkSize: 1024 * 1024 })).rejects.toThrow(
        ArchiveFormatError,
      );
    });
  });

  describe('X API v2 / twarc2', () => {
    it('reads one API response per line: includes, retweets completed, replies, quotes, entities decoded', async () => {
      const { posts, rejected } = await readArchive('twarc', fixture('twarc-responses.jsonl'));
      expect(posts.map((p) => p.externalId)).toEqual([
        '9000000000000000101',
        '9000000000000000102',
        '9000000000000000103',
        '9000000000000000104',
        '9000000000000000101',
      ]);
      const [original, retweet, reply, quote] = posts;
      expect(original).toMatchObject({
        source: 'x',
        text: 'Solidarity with the junior doctors & nurses on the picket line this morning #juniorcontract',
        authorHandle: 'bleep_holder_t1',
        authorId: '9100000000000000001',
        createdAt: new Date('2016-01-12T08:15:02Z'),
        lang: 'en',
        url: 'https://x.com/bleep_holder_t1/status/9000000000000000101',
        engagement: { likes: 40, reposts: 12, replies: 1, quotes: 1 },
        isRepost: false,
      });
      expect(retweet).toMatchObject({
        isRepost: true,
        repostOf: '9000000000000000100',
        authorHandle: 'canal_reader_t2',
        // The truncated "RT …" text is replaced by the retweeted tweet's full, decoded text.
        text: 'RT @kestrel_nurse_t3: Tired doctors make mistakes & patients pay. Not fair, not safe. #notfairnotsafe #juniorcontract',
      });
      expect(retweet.hashtags).toEqual(expect.arrayContaining(['notfairnotsafe', 'juniorcontract']));
      expect(reply).toMatchObject({ isReply: true, replyTo: '9000000000000000101', isRepost: false });
      expect(quote).toMatchObject({
        isQuote: true,
        quoteOf: '9000000000000000101',
        text: expect.stringContaining('This <3 for'),
      });
      expect(rejected.map((r) => [r.line, r.reason])).toEqual([
        [3, 'missing created_at (collect with tweet.fields=created_at)'],
        [4, expect.stringMatching(/^broken JSON/)],
      ]);
      expect(rejected[0].raw).toContain('9000000000000000105');
    });

    it('reads flattened tweets (twarc2 flatten) with the same result', async () => {
      const flat = await readArchive('twarc', fixture('twarc-flat.jsonl'));
      const paged = await readArchive('twarc', fixture('twarc-responses.jsonl'));
      expect(flat.rejected).toEqual([]);
      const strip = (p: (typeof flat.posts)[number]) => ({ ...p, engagement: undefined });
      expect(flat.posts.map(strip)).toEqual(paged.posts.slice(0, 3).map(strip));
    });

    it('rejects every line of a file that is not JSON', async () => {
      const { posts, rejected } = await readArchive('twarc', fixture('generic-mapped.csv'));
      expect(posts).toEqual([]);
      expect(rejected.map((r) => r.line)).toEqual([1, 2, 3, 4]);
    });
  });

  describe('4CAT', () => {
    it('reads a 4CAT X/Twitter dataset export', async () => {
      const { posts, rejected } = await readArchive('4cat', fixture('4cat-twitter.csv'), { source: 'x' });
      expect(posts.map((p) => p.externalId)).toEqual([
        '9000000000000000201',
        '9000000000000000202',
        '9000000000000000204',
      ]);
      expect(posts[0]).toMatchObject({
        source: 'x',
        text: 'Picket line in the rain & still smiling.\nSupport the doctors #notfairnotsafe #juniorcontract',
        createdAt: new Date('2016-02-10T08:05:00Z'),
        authorHandle: 'lantern_medic_t5',
        authorId: '9100000000000000005',
        url: 'https://twitter.com/lantern_medic_t5/status/9000000000000000201',
        lang: 'en',
        engagement: { likes: 22, reposts: 4, replies: 0, quotes: 0 },
        hashtags: ['notfairnotsafe', 'juniorcontract'],
      });
      expect(posts[1]).toMatchObject({ isRepost: true });
      expect(posts[2]).toMatchObject({ isReply: true, isRepost: false });
      // The first row spans two physical lines, so the bad row is on line 6.
      expect(rejected.map((r) => [r.line, r.reason])).toEqual([[6, 'timestamp "not a date" is not a date']]);
    });

    it('stops at a header without the 4CAT columns', async () => {
      await expect(readArchive('4cat', fixture('generic-mapped.csv'))).rejects.toThrow(
        /not a 4CAT export: no column "id", "author", "timestamp" or "unix_timestamp"/,
      );
    });
  });

  describe('DMI-TCAT', () => {
    it('reads the tweet export as CSV and as TSV (with its byte-order mark) alike', async () => {
      const csv = await readArchive('tcat', fixture('tcat-export.csv'));
      const tsv = await readArchive('tcat', fixture('tcat-export.tsv'));
      expect(csv.rejected).toEqual([]);
      expect(tsv.posts).toEqual(csv.posts);
      const [original, retweet, reply, quote] = csv.posts;
      expect(original).toMatchObject({
        source: 'x',
        externalId: '9000000000000000301',
        createdAt: new Date('2016-03-09T08:00:00Z'),
        authorHandle: 'thistle_doc_t8',
        authorId: '9100000000000000008',
        text: expect.stringContaining("mistakes & we won't accept"),
        engagement: { reposts: 3, likes: 10 },
        isRepost: false,
        isReply: false,
      });
      expect(retweet).toMatchObject({ isRepost: true });
      expect(reply).toMatchObject({ isReply: true, replyTo: '9000000000000000301' });
      expect(reply.hashtags).toEqual(expect.arrayContaining(['juniorcontract', 'backhunt']));
      expect(quote).toMatchObject({ isQuote: true, quoteOf: '9000000000000000301', isReply: false });
    });
  });

  describe('generic CSV', () => {
    it('reads columns through a mapping, with ISO or Unix-seconds dates', async () => {
      const parsed = parseCsvMapping([
        'id:tweet_id,text:body',
        'created_at:posted',
        'author:user,lang:language',
      ]);
      expect('mapping' in parsed).toBe(true);
      const mapping = 'mapping' in parsed ? parsed.mapping : {};
      const { posts, rejected } = await readArchive('csv', fixture('generic-mapped.csv'), { mapping });
      expect(posts.map((p) => [p.externalId, p.createdAt.toISOString(), p.authorHandle])).toEqual([
        ['g1', '2016-04-26T08:00:00.000Z', 'orchard_reader_t12'],
        ['g2', '2016-04-26T09:00:00.000Z', 'bramble_walker_t13'],
      ]);
      expect(posts[0].text).toBe('Full walkout today. Solidarity, "stand with" the juniors #juniorcontract');
      expect(rejected.map((r) => [r.line, r.reason])).toEqual([[4, 'missing text']]);
    });

    it('names the missing columns when there is no mapping', async () => {
      await expect(readArchive('csv', fixture('generic-mapped.csv'))).rejects.toThrow(
        /no column "id", "text", "created_at".*map=text:body/,
      );
    });

    it('rejects rows with invalid UTF-8 or the wrong number of cells, by line', async () => {
      const data = Buffer.concat([
        Buffer.from('id,text,created_at\n1,ok,2016-01-12T08:00:00Z\n2,"caf'),
        Buffer.from([0xe9]),
        Buffer.from('",2016-01-12T08:00:00Z\n3,too,many,cells\n4,"café ☕",2016-01-12T08:00:00Z\n'),
      ]);
      const { posts, rejected } = await readArchive('csv', data, { chunkSize: 5 });
      expect(posts.map((p) => [p.externalId, p.text])).toEqual([
        ['1', 'ok'],
        ['4', 'café ☕'],
      ]);
      expect(rejected.map((r) => [r.line, r.reason])).toEqual([
        [3, 'invalid UTF-8'],
        [4, expect.stringMatching(/Invalid Record Length/)],
      ]);
    });

    it('rejects malformed mappings', () => {
      expect(parseCsvMapping(['text=body', 'colour:c'])).toEqual({
        problems: ['"text=body" is not field:column', expect.stringMatching(/^unknown field "colour"/)],
      });
    });
  });

  it('parses ISO-8601 date-times strictly', () => {
    expect(parseIsoDateTime('2016-04-26T08:00:00Z')?.toISOString()).toBe('2016-04-26T08:00:00.000Z');
    expect(parseIsoDateTime('2016-04-26T08:00:00.5+01:00')?.toISOString()).toBe('2016-04-26T07:00:00.500Z');
    expect(parseIsoDateTime('2016-04-26 08:00')?.toISOString()).toBe('2016-04-26T08:00:00.000Z');
    expect(parseIsoDateTime('2016-02-29T00:00:00Z')?.toISOString()).toBe('2016-02-29T00:00:00.000Z');
    for (const bad of [
      '2015-02-29T00:00:00Z',
      '2016-13-01T00:00:00Z',
      '2016-04-26',
      '26/04/2016 08:00',
      '2016-04-26T24:00:00Z',
    ]) {
      expect([bad, parseIsoDateTime(bad)]).toEqual([bad, undefined]);
    }
  });
});
