import type { SourceBudgets } from '../../src/sources/budget/source-budgets.js';
import { RssAdapter } from '../../src/sources/rss/rss.adapter.js';
import type { AdapterContext } from '../../src/sources/source-adapter.js';
import { adapterContract, collectAll } from './adapter-contract.js';
import { rssFixture, rssGuid, rssRateLimited, type RssFixture } from './fixtures/rss-fixture.js';
import { FAST_RETRY, RecordingClock } from './support/recording-clock.js';
import { World } from './support/world.js';

const options = (server: { url: string }) => ({ url: `${server.url}/feed.xml` });

adapterContract({
  name: 'rss',
  create: (context) => new RssAdapter(context),
  serve: rssFixture,
  options,
  externalId: rssGuid,
  rateLimited: rssRateLimited,
  expectedWait: (s) => [s * 1000, s * 1000],
  pages: false,
  editTimes: false,
  showsDeletions: false,
  longText: 20000,
});

const GUARDIAN = `<?xml version="1.0" encoding="utf-8"?>
<rss xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
  <channel>
    <title>US news | The Guardian</title>
    <language>en-gb</language>
    <item>
      <title>Trump State of the Union address promised unity but emphasized discord</title>
      <link>https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord</link>
      <description>&lt;p&gt;The president’s ‘new American moment’ speech stirred Republican applause&lt;/p&gt;&lt;p&gt; &lt;span&gt;Related: &lt;/span&gt;&lt;a href="https://www.theguardian.com/x"&gt;Fact check&lt;/a&gt; &lt;/p&gt;</description>
      <category domain="https://www.theguardian.com/us-news/donaldtrump">Donald Trump</category>
      <category domain="https://www.theguardian.com/us-news/us-politics">US politics</category>
      <pubDate>Wed, 31 Jan 2018 07:26:05 GMT</pubDate>
      <guid>https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord</guid>
      <dc:creator>David Smith</dc:creator>
    </item>
  </channel>
</rss>`;

const HEISE = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
    <title>heise developer</title>
    <entry>
        <title type="text">Java-Anwendungsserver: Red Hat gibt WildFly 10 frei</title>
        <id>http://heise.de/-3088438</id>
        <updated>2016-02-01T17:54:50+01:00</updated>
        <published>2016-02-01T17:22:00+01:00</published>
        <link rel="alternate" type="text/html" href="http://www.heise.de/developer/meldung/WildFly-10-3088438.html" />
        <summary type="html">Die nun verfügbare Version 10 des Enterprise-Java-Servers.</summary>
        <content type="html"><![CDATA[
                <a href="http://www.heise.de/developer/meldung/WildFly-10-3088438.html" title="WildFly 10"><img src="http://www.heise.de/wildfly.jpeg" alt="WildFly 10" /></a>
                <p>Die nun verfügbare Version 10 des Enterprise-Java-Servers &amp; mehr.</p>
        ]]></content>
        <author><name>Heise Redaktion</name></author>
    </entry>
</feed>`;

describe('rss adapter: its own cases', () => {
  let servers: RssFixture[] = [];
  const context = (): AdapterContext => ({
    budgets: {} as SourceBudgets,
    clock: new RecordingClock(),
    retry: FAST_RETRY,
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  const serve = async (world: World, document?: string) => {
    const s = await rssFixture(world);
    if (document) s.document = () => document;
    servers.push(s);
    return s;
  };

  it('sends the ETag and Last-Modified back; a 304 is a normal empty page that keeps the cursor', async () => {
    const world = new World(4);
    const server = await serve(world);
    const adapter = new RssAdapter(context());
    const first = await collectAll(adapter, options(server));
    const second = await collectAll(adapter, options(server), first.cursor);
    expect(second.posts).toEqual([]);
    expect(second.cursor).toEqual(first.cursor);
    const conditional = server.searches()[1];
    expect(conditional.headers['if-none-match']).toMatch(/^"[0-9a-f]{16}"$/);
    expect(conditional.headers['if-modified-since']).toBe(world.get(4).createdAt.toUTCString());
  });

  it('reads RSS 2.0 as published: HTML description stripped, categories with a domain, dc:creator, pubDate', async () => {
    const server = await serve(new World(0), GUARDIAN);
    const [post] = (await collectAll(new RssAdapter(context()), options(server))).posts;
    expect(post).toMatchObject({
      externalId:
        'https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord',
      authorHandle: 'David Smith',
      lang: 'en',
      text:
        'Trump State of the Union address promised unity but emphasized discord\n\n' +
        'The president’s ‘new American moment’ speech stirred Republican applause\n\nRelated: Fact check',
    });
    expect(post.createdAt.toISOString()).toBe('2018-01-31T07:26:05.000Z');
    expect(post.hashtags).toEqual(['donaldtrump', 'uspolitics']);
  });

  it('reads Atom: id, alternate link, CDATA HTML content, published and updated (an edit)', async () => {
    const server = await serve(new World(0), HEISE);
    const [post] = (await collectAll(new RssAdapter(context()), options(server))).posts;
    expect(post).toMatchObject({
      externalId: 'http://heise.de/-3088438',
      url: 'http://www.heise.de/developer/meldung/WildFly-10-3088438.html',
      authorHandle: 'Heise Redaktion',
      lang: 'de',
      text: 'Java-Anwendungsserver: Red Hat gibt WildFly 10 frei\n\nDie nun verfügbare Version 10 des Enterprise-Java-Servers & mehr.',
    });
    expect(post.createdAt.toISOString()).toBe('2016-02-01T16:22:00.000Z');
    expect(post.editedAt?.toISOString()).toBe('2016-02-01T16:54:50.000Z');
  });

  it('a feed that changed brings only its new and edited items', async () => {
    const world = new World(5);
    const server = await serve(world);
    const adapter = new RssAdapter(context());
    const first = await collectAll(adapter, options(server));
    world.get(2).text = 'Corrected: post 2 #juniorcontract';
    world.add(1);
    const second = await collectAll(adapter, options(server), first.cursor);
    expect(second.posts.map((p) => p.externalId).sort()).toEqual(
      [rssGuid(world.get(2)), rssGuid(world.get(6))].sort(),
    );
  });
});
