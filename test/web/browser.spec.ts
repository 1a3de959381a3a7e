import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../src/project-root.js';
import { createTopic, many, seedPosts } from '../series/series-fixtures.js';
import { engine } from '../support/databases.js';
import { ADMIN_KEY, createTestApp, type TestApp } from '../support/test-app.js';

/** Debian's chromium (CI installs it when missing); playwright-core drives it, nothing is downloaded. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(projectRoot(), 'artifacts', 'screenshots');
/** The page-side DOM the predicates below read (this Node project does not load the DOM's types). */
declare const document: {
  querySelector(
    selector: string,
  ): { complete: boolean; naturalWidth: number; style: { height: string } } | null;
};

const SCRIPT_TEXT =
  '<script>window.__pwned = true</script><img src=x onerror="window.__pwned=true"> #juniorcontract';

describe(`dashboard and widget in a real browser (${engine})`, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let host: Server;
  let hostOrigin: string;
  const view = 'from=2016-04-25&to=2016-04-28&tz=Europe%2FLondon';

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await createTestApp();
    const topicId = await createTopic(t, 'jc', {
      name: "Junior doctors' contract",
      description: 'Support for the junior doctors in their 2016 contract dispute.',
      timezone: 'Europe/London',
    });
    const posts = [];
    // Three days of hourly posts from two sources: busy days, quiet nights (too few to read), a dip in support.
    for (let h = 0; h < 72; h++) {
      const at = new Date(Date.parse('2016-04-24T23:00:00Z') + h * 3_600_000 + 600_000).toISOString();
      const night = h % 24 < 6;
      const support = night ? 3 : 22 + Math.round(9 * Math.cos(h / 7));
      const oppose = night ? 2 : 9 + (h % 5);
      posts.push(...many(`s${h}`, support, at, 'support', { source: h % 3 === 0 ? 'bluesky' : 'mastodon' }));
      posts.push(...many(`o${h}`, oppose, at, 'oppose'));
      posts.push(...many(`n${h}`, 2, at, 'neutral', { isRepost: h % 2 === 0 }));
    }
    posts.push({
      id: 'xss',
      at: '2016-04-27T10:00:00Z',
      stance: 'support' as const,
      confidence: 0.99,
      text: SCRIPT_TEXT,
      explanation: [{ text: '<b>cue</b>', weight: 2, rule: 'cue', side: 'support' }],
    });
    await seedPosts(t, topicId, posts);
    await t.http
      .post('/api/v1/topics/jc/annotations')
      .set(t.admin)
      .send({ at: '2016-04-26T08:00:00+01:00', label: 'Strike begins 08:00' });

    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    // Another origin (another port) embedding the widget with the published snippet.
    host = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html><body style="margin:0;font-family:sans-serif">
        <h1 style="font-size:16px">A newsroom page</h1>
        <div style="width:340px" id="narrow"><div data-groundswell-topic="jc" data-from="2016-04-25" data-to="2016-04-28"></div></div>
        <div style="width:720px;margin-top:16px" id="wide"><div data-groundswell-topic="jc" data-interval="day" data-from="2016-04-20" data-to="2016-04-28" data-theme="dark"></div></div>
        <script src="${base}/embed.js"></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => host?.close(resolve));
    await t?.close();
  });

  async function openPage(
    width = 1280,
    height = 1000,
  ): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    page.on('response', (r) => {
      // Hand-coding agreement is another area's route: the dashboard says so when it is missing.
      if (r.status() >= 400 && !r.url().includes('/agreement')) errors.push(`${r.status()} ${r.url()}`);
    });
    return { page, requests, errors };
  }

  async function waitForChartQuery(page: Page, part: string): Promise<void> {
    await page.waitForSelector(`#chart[data-query*="${part}"]`);
  }

  async function chartQuery(page: Page): Promise<string> {
    await page.waitForFunction(() => {
      const img = document.querySelector('#chart');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    return (await page.getAttribute('#chart', 'data-query')) ?? '';
  }

  it('draws the chart from real data, and the filters change it', async () => {
    const { page, requests, errors } = await openPage();
    await page.goto(`${base}/#/topics/jc?${view}`);
    const first = await chartQuery(page);
    expect(first).toContain('interval=hour');
    expect(await page.getAttribute('#chart', 'data-buckets')).toBe('72');
    await page.waitForSelector('#posts article.post');
    await page.waitForSelector('#coverage .coverage-row');
    expect(await page.textContent('#headline-share')).toMatch(/^\d+(\.\d)?%$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    // The chart itself beside the screenshots (docs/chart-example.svg in the README is one of these).
    const chart = await t.http
      .get('/api/v1/topics/jc/chart.svg')
      .query({ from: '2016-04-25', to: '2016-04-28', tz: 'Europe/London', width: 720, height: 420 });
    writeFileSync(join(SCREENSHOTS, 'chart.svg'), chart.body as Buffer);

    await page.selectOption('#filters select[name="interval"]', 'day');
    await waitForChartQuery(page, 'interval=day');
    expect(await chartQuery(page)).toContain('interval=day');
    expect(await page.getAttribute('#chart', 'data-buckets')).toBe('3');

    // Excluding a source redraws the chart for the other.
    await page.uncheck('#filters input[name="source"][value="bluesky"]');
    await waitForChartQuery(page, 'sources=mastodon');
    // The unticked source stays on offer, so it can be ticked again.
    expect(await page.isChecked('#filters input[name="source"][value="bluesky"]')).toBe(false);
    expect(await page.isChecked('#filters input[name="source"][value="mastodon"]')).toBe(true);
    await page.selectOption('#filters select[name="reposts"]', 'exclude');
    await waitForChartQuery(page, 'reposts=exclude');
    expect(page.url()).toContain('reposts=exclude');

    expect(
      requests.filter((u) => !u.startsWith(base) && !u.startsWith('blob:') && !u.startsWith('data:')),
    ).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a post whose text is a script tag as text', async () => {
    const { page } = await openPage();
    await page.goto(`${base}/#/topics/jc?${view}`);
    const post = page.locator('#posts article.post', { hasText: '<script>' });
    await post.first().waitFor();
    expect(await post.first().locator('.text').textContent()).toBe(SCRIPT_TEXT);
    expect(await post.first().locator('.why strong').first().textContent()).toBe('<b>cue</b>');
    expect(await post.first().evaluate(() => (globalThis as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(await page.locator('#posts script, #posts img, #posts b').count()).toBe(0);
    await page.context().close();
  });

  it('downloads a valid series CSV and PNG from the export buttons', async () => {
    const { page } = await openPage();
    await page.goto(`${base}/#/topics/jc?${view}`);
    await chartQuery(page);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    expect(csv.suggestedFilename()).toMatch(/^jc_hour_Europe-London_20160425T0000-20160428T0000_v1_.*\.csv$/);
    const rows: string[][] = parse(readFileSync(await csv.path(), 'utf8'));
    expect(rows[0][0]).toBe('start (Europe/London)');
    expect(rows).toHaveLength(73);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
    expect(
      readFileSync(await png.path())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(await page.inputValue('#embed-code')).toContain(`<script src="${base}/embed.js"></script>`);
    await page.context().close();
  });

  it('creates a topic with the admin key', async () => {
    const { page } = await openPage();
    await page.goto(`${base}/#/new`);
    await page.fill('#api-key', ADMIN_KEY);
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#topic-form');
    await page.fill('#topic-form [name="slug"]', 'nurses-pay');
    await page.fill('#topic-form [name="name"]', 'Nurses pay');
    await page.fill('#topic-form [name="hashtags"]', '#nursespay, paynurses');
    await page.fill('#topic-form [name="keywords"]', 'nurses pay');
    await page.fill('#topic-form [name="support.targets"]', 'Nurses: nurses, rcn');
    await page.fill('#topic-form [name="support.cues"]', '#paynurses 2');
    await page.fill('#topic-form [name="oppose.cues"]', 'back to work 1.5');
    // A source, with its option form drawn from GET /api/v1/adapters (the secret token as a password field).
    await page.selectOption('#add-adapter', 'mastodon');
    await page.click('#add-source');
    await page.fill(
      '#source-list [data-adapter="mastodon"] [name="opt.instance"]',
      'https://mastodon.example',
    );
    expect(
      await page.getAttribute('#source-list [data-adapter="mastodon"] [name="opt.accessToken"]', 'type'),
    ).toBe('password');
    await page.fill('#source-list [data-adapter="mastodon"] [name="opt.accessToken"]', 'secret-token-123');
    await page.click('#topic-form button[type="submit"]');
    await page.waitForURL(/#\/topics\/nurses-pay/);
    await page.waitForSelector('h1:text("Nurses pay")');
    const created = await t.http.get('/api/v1/topics/nurses-pay');
    expect(created.status).toBe(200);
    expect(created.body.query.hashtags).toEqual(['nursespay', 'paynurses']);
    expect(created.body.stance.support.targets).toEqual([{ name: 'Nurses', aliases: ['nurses', 'rcn'] }]);
    expect(created.body.stance.oppose.cues).toEqual([{ term: 'back to work', weight: 1.5 }]);
    expect(created.body.sources).toMatchObject([
      { adapter: 'mastodon', options: { instance: 'https://mastodon.example' }, secretsSet: ['accessToken'] },
    ]);
    expect(await page.locator('#topic-list a', { hasText: 'Nurses pay' }).count()).toBe(1);
    await page.context().close();
  });

  it('renders the widget in iframes on another origin, narrow and wide', async () => {
    const { page, errors } = await openPage(900, 700);
    await page.goto(hostOrigin);
    const narrow = page.frameLocator('#narrow iframe');
    const wide = page.frameLocator('#wide iframe');
    await expect(narrow.locator('.gs-share').textContent()).resolves.toMatch(/^\d+%$/);
    await expect(wide.locator('.gs-share').textContent()).resolves.toMatch(/^\d+%$/);
    expect(await narrow.locator('.gs-interval').textContent()).toMatch(/^95% interval \d+%–\d+%$/);
    expect(await narrow.locator('.gs-trend').getAttribute('data-direction')).toMatch(
      /^(rising|falling|steady)$/,
    );
    expect(await narrow.locator('.gs-line').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L/);
    expect(await wide.locator('html').getAttribute('data-theme')).toBe('dark');
    const src = await page.getAttribute('#narrow iframe', 'src');
    expect(new URL(src!).origin).toBe(base);
    // The iframe grows to fit its content (the widget reports its height to embed.js).
    await page.waitForFunction(() => {
      const frame = document.querySelector('#narrow iframe');
      return frame !== null && frame.style.height !== '190px';
    });
    // Narrow: number above the sparkline; wide: beside it.
    const narrowBox = await narrow.locator('.gs-spark').boundingBox();
    const narrowNow = await narrow.locator('.gs-now').boundingBox();
    expect(narrowBox!.y).toBeGreaterThan(narrowNow!.y + narrowNow!.height - 1);
    const wideBox = await wide.locator('.gs-spark').boundingBox();
    const wideNow = await wide.locator('.gs-now').boundingBox();
    expect(wideBox!.x).toBeGreaterThan(wideNow!.x + wideNow!.width - 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'widget.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('serves the widget page self-contained: same-origin assets only, under a strict CSP', async () => {
    const res = await t.http.get('/embed/jc').query({ from: '2016-04-25', to: '2016-04-28' });
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-frame-options']).toBeUndefined();
    const urls = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls.filter((u) => /^(https?:)?\/\//.test(u))).toEqual([]);
    expect(res.text).toMatch(/<span class="gs-share" data-field="share">\d+%<\/span>/);
    // What the page polls: an ETag, and 304 while nothing changed.
    const data = await t.http.get('/embed/jc/data.json').query({ from: '2016-04-25', to: '2016-04-28' });
    expect(data.status).toBe(200);
    expect(data.body).toMatchObject({ topic: 'jc', interval: 'hour', tz: 'Europe/London', sample: false });
    const again = await t.http
      .get('/embed/jc/data.json')
      .query({ from: '2016-04-25', to: '2016-04-28' })
      .set('If-None-Match', data.headers.etag);
    expect(again.status).toBe(304);
    const bad = await t.http.get('/embed/jc').query({ theme: 'neon', refresh: '5' });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
      'refresh',
      'theme',
    ]);
    const badSeries = await t.http.get('/embed/jc').query({ interval: 'fortnight' });
    expect(badSeries.status).toBe(400);
    expect(badSeries.body.errors.map((e: { field: string }) => e.field)).toEqual(['interval']);
  });

  it('keeps the widget public when reads need a key', async () => {
    const keyed = await createTestApp({ env: { READ_API_KEYS: 'read-key-0123456789abcdef' } });
    try {
      await createTopic(keyed, 'jc');
      expect((await keyed.http.get('/api/v1/topics/jc/series.csv')).status).toBe(401);
      expect((await keyed.http.get('/embed/jc')).status).toBe(200);
      expect((await keyed.http.get('/embed/jc/data.json')).status).toBe(200);
      expect((await keyed.http.get('/embed.js')).status).toBe(200);
      const dashboard = await keyed.http.get('/');
      expect(dashboard.status).toBe(200);
      expect(dashboard.text).toContain('<meta name="groundswell-read-keys" content="required"');
      expect((await keyed.http.get('/assets/dashboard.js')).status).toBe(200);
      expect((await keyed.http.get('/assets/missing.js')).status).toBe(404);
    } finally {
      await keyed.close();
    }
  });
});
