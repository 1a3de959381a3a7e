import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../../src/project-root.js';
import { ImportService } from '../../src/sources/archives/import.service.js';
import { rollupVersusRaw } from '../support/rollup-check.js';
import { ADMIN_KEY, createTestApp, type TestApp } from '../support/test-app.js';
import { fixture, jsonl } from './archive-support.js';

/** The #juniorcontract preset's query and stance, as a topic of its own. */
function presetTopic(slug: string) {
  const { annotations: _annotations, ...topic } = JSON.parse(
    readFileSync(join(projectRoot(), 'config', 'presets', 'juniorcontract.json'), 'utf8'),
  ) as Record<string, unknown>;
  return { ...topic, slug };
}

function line(i: number): string {
  return JSON.stringify({
    id: `gen-${i}`,
    text: `Post ${i}: solidarity with the junior doctors #juniorcontract`,
    created_at: new Date(Date.UTC(2016, 3, 26, 8) + i * 1000).toISOString(),
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('archive imports through the API', () => {
  let t: TestApp;
  let imports: ImportService;
  let topicId: number;

  beforeAll(async () => {
    t = await createTestApp();
    imports = t.app.get(ImportService);
    const res = await t.http.post('/api/v1/topics').set(t.admin).send(presetTopic('jc'));
    expect(res.status).toBe(201);
    topicId = res.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function upload(query: string, body: Buffer | string, type = 'application/x-ndjson', slug = 'jc') {
    const res = await t.http
      .post(`/api/v1/topics/${slug}/imports?${query}`)
      .set(t.admin)
      .set('Content-Type', type)
      .send(Buffer.from(body));
    return res;
  }

  /** Imports a body and returns the run, which has ended by the time the answer is complete. */
  async function importBody(query: string, body: Buffer | string, type?: string) {
    const res = await upload(query, body, type);
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/api/v1/runs/${res.body.id}`);
    expect(res.body.status).not.toBe('running');
    return res.body;
  }

  const countPosts = async (source?: string): Promise<number> =>
    (
      await t.db.query(`SELECT count(*)::int AS n FROM post WHERE $1::text IS NULL OR source = $1`, [
        source ?? null,
      ])
    )[0].n;

  it('imports each format, classifies the posts into the topic and keeps the rollups equal to the rows', async () => {
    const twarc = await importBody('format=twarc&filename=search.jsonl', fixture('twarc-responses.jsonl'));
    expect(twarc).toMatchObject({
      kind: 'import',
      adapter: 'import:twarc',
      status: 'partial',
      sample: false,
      fetched: 5,
      inserted: 4,
      duplicates: 1,
      rejected: 2,
      progress: expect.objectContaining({
        format: 'twarc',
        source: 'x',
        fileName: 'search.jsonl',
        linesRead: 5,
      }),
    });
    // The same tweets in twarc's flattened form are the same posts.
    const flat = await importBody('format=twarc', fixture('twarc-flat.jsonl'));
    expect(flat).toMatchObject({ status: 'succeeded', inserted: 0, duplicates: 3 });

    const fourcat = await importBody('format=4cat&source=x', fixture('4cat-twitter.csv'), 'text/csv');
    expect(fourcat).toMatchObject({ adapter: 'import:4cat', inserted: 3, rejected: 1, status: 'partial' });
    const tcat = await importBody('format=tcat', fixture('tcat-export.csv'), 'text/csv');
    expect(tcat).toMatchObject({ inserted: 4, rejected: 0, status: 'succeeded' });
    const tcatTsv = await importBody('format=tcat', fixture('tcat-export.tsv'), 'text/tab-separated-values');
    expect(tcatTsv).toMatchObject({ inserted: 0, duplicates: 4 });
    const csv = await importBody(
      'format=csv&source=forum&map=id:tweet_id,text:body,created_at:posted&map=author:user',
      fixture('generic-mapped.csv'),
      'text/csv',
    );
    expect(csv).toMatchObject({ adapter: 'import:csv', inserted: 2, rejected: 1 });
    const generic = await importBody(
      'format=jsonl',
      jsonl(
        {
          id: 'j1',
          text: 'Get back to work, greedy doctors #juniorcontract',
          created_at: '2016-04-26T09:00:00Z',
        },
        {
          id: 'j2',
          text: 'Grève des médecins #juniorcontract',
          created_at: '2016-04-26T09:00:00Z',
          lang: 'fr',
        },
      ),
      'application/octet-stream',
    );
    expect(generic).toMatchObject({ inserted: 2, status: 'succeeded' });

    const bySource = await t.db.query(`SELECT source, count(*)::int AS n FROM post GROUP BY 1 ORDER BY 1`);
    expect(bySource).toEqual([
      { source: 'archive', n: 2 },
      { source: 'forum', n: 2 },
      { source: 'x', n: 11 },
    ]);
    // Every imported English post joins the topic; the French one is stored but outside its languages.
    const [{ n: classified }] = await t.db.query(
      `SELECT count(*)::int AS n FROM classification WHERE topic_id = $1`,
      [topicId],
    );
    expect(classified).toBe(14);
    const { rollup, raw } = await rollupVersusRaw(t.db, topicId);
    expect(rollup).toEqual(raw);
    expect(raw.support).toBeGreaterThan(0);
    expect(raw.oppose).toBeGreaterThan(0);
  });

  it("lists a run's rejected lines with line numbers, a page at a time", async () => {
    const body = [
      line(1),
      'oops',
      line(2),
      '{"id": "x"}',
      '{"id": "y", "text": "t", "created_at": "soon"}',
      line(3),
    ].join('\n');
    const run = await importBody('format=jsonl', body);
    expect(run).toMatchObject({ status: 'partial', inserted: 3, rejected: 3 });
    const first = await t.http.get(`/api/v1/runs/${run.id}/rejected?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(3);
    expect(first.body.items.map((i: { lineNumber: number }) => i.lineNumber)).toEqual([2, 4]);
    expect(first.body.items[1]).toMatchObject({
      reason: 'missing text',
      raw: '{"id": "x"}',
      source: 'archive',
    });
    const second = await t.http.get(
      `/api/v1/runs/${run.id}/rejected?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(
      second.body.items.map((i: { lineNumber: number; reason: string }) => [i.lineNumber, i.reason]),
    ).toEqual([[5, 'created_at "soon" is not an ISO-8601 date-time']]);
    expect(second.body.nextCursor).toBeNull();
    expect((await t.http.get('/api/v1/runs/999999/rejected')).status).toBe(404);
    expect((await t.http.get(`/api/v1/runs/${run.id}/rejected?limit=0`)).body.errors[0].field).toBe('limit');
  });

  it('adds nothing when the same file is imported again', async () => {
    const body = fixture('twarc-responses.jsonl');
    const posts = await countPosts();
    const before = await rollupVersusRaw(t.db, topicId);
    const again = await importBody('format=twarc', body);
    expect(again).toMatchObject({ inserted: 0, duplicates: 5, rejected: 2 });
    expect(await countPosts()).toBe(posts);
    expect(await rollupVersusRaw(t.db, topicId)).toEqual(before);
  });

  it('reports an empty file as a run with nothing imported', async () => {
    const run = await importBody('format=jsonl', '');
    expect(run).toMatchObject({ status: 'succeeded', fetched: 0, inserted: 0, rejected: 0 });
    expect(run.progress.note).toBe('The file is empty: there was nothing to import.');
    const headerOnly = await importBody(
      'format=tcat',
      'id,time,created_at,from_user_name,text\n',
      'text/csv',
    );
    expect(headerOnly).toMatchObject({ status: 'succeeded', fetched: 0 });
    expect(headerOnly.progress.note).toBe('The file has no records: nothing was imported.');
  });

  it('fails a run whose file is not what the format says, storing nothing', async () => {
    const posts = await countPosts();
    const csvAsTwarc = await importBody(
      'format=twarc',
      fixture('4cat-twitter.csv'),
      'application/octet-stream',
    );
    expect(csvAsTwarc.status).toBe('failed');
    expect(csvAsTwarc.error).toMatch(
      /^This file does not look like twarc .*: none of its first 7 records could be read \(line 1: broken JSON/,
    );
    expect(csvAsTwarc).toMatchObject({ fetched: 0, inserted: 0, rejected: 0 });

    const jsonlAs4cat = await importBody(
      'format=4cat',
      jsonl({ id: 1, text: 't', created_at: '2016-01-12T08:00:00Z' }),
      'text/csv',
    );
    expect(jsonlAs4cat.status).toBe('failed');
    expect(jsonlAs4cat.error).toMatch(/4cat/);

    const twarcAsJsonl = await importBody('format=jsonl', fixture('twarc-responses.jsonl'));
    expect(twarcAsJsonl.status).toBe('failed');
    expect(twarcAsJsonl.error).toMatch(/does not look like jsonl/);
    expect(await countPosts()).toBe(posts);
  });

  it('answers bad requests before reading the body', async () => {
    const unknown = await upload('format=xlsx', 'x');
    expect(unknown.status).toBe(400);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unknown.body.errors).toEqual([
      { field: 'format', message: expect.stringContaining('jsonl, csv, twarc, 4cat, tcat') },
    ]);
    expect((await upload('', 'x')).body.errors[0].field).toBe('format');
    expect((await upload('format=jsonl&map=text:body', 'x')).body.errors).toEqual([
      { field: 'map', message: 'a column mapping applies to format=csv only' },
    ]);
    expect((await upload('format=csv&map=colour:c', 'x')).body.errors[0]).toMatchObject({ field: 'map' });
    expect((await upload('format=jsonl&source=sample', 'x')).body.errors).toEqual([
      { field: 'source', message: '"sample" is reserved for the bundled sample' },
    ]);
    expect((await upload('format=jsonl&source=Not OK', 'x')).body.errors[0].field).toBe('source');
    expect((await upload('format=jsonl', 'x', 'application/x-ndjson', 'nope')).status).toBe(404);
    expect((await upload('format=jsonl', '{"a": 1}', 'application/json')).status).toBe(415);
    const anonymous = await t.http
      .post('/api/v1/topics/jc/imports?format=jsonl')
      .set('Content-Type', 'application/x-ndjson')
      .send('x');
    expect(anonymous.status).toBe(401);
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM collection_run WHERE status = 'running'`,
    );
    expect(n).toBe(0);
  });

  it('reads gzip-compressed bodies', async () => {
    const run = await importBody(
      'format=jsonl',
      gzipSync(Buffer.from(`${line(100)}\n${line(101)}\n`)),
      'application/gzip',
    );
    expect(run).toMatchObject({ status: 'succeeded', inserted: 2 });
  });

  describe('streaming', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = t.app.getHttpServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    interface OpenUpload {
      req: ClientRequest;
      /** Status and headers, which come before the body has been sent. */
      head: Promise<{ status: number; runId: number }>;
      /** The run, which comes when the whole body has been read. */
      run: Promise<Record<string, unknown> | undefined>;
    }

    function open(query: string): OpenUpload {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/topics/jc/imports?${query}`,
        headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/x-ndjson' },
      });
      let gotBody: (run: Record<string, unknown> | undefined) => void = () => undefined;
      const run = new Promise<Record<string, unknown> | undefined>((resolve) => (gotBody = resolve));
      const head = new Promise<{ status: number; runId: number }>((resolve, reject) => {
        req.on('response', (res: IncomingMessage) => {
          resolve({
            status: res.statusCode ?? 0,
            runId: Number(String(res.headers.location).split('/').pop()),
          });
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => gotBody(text ? JSON.parse(text) : undefined));
          res.on('error', () => gotBody(undefined));
        });
        req.on('error', reject);
      });
      return { req, head, run };
    }

    const write = (req: ClientRequest, from: number, to: number) => {
      const lines: string[] = [];
      for (let i = from; i < to; i++) lines.push(line(i));
      req.write(`${lines.join('\n')}\n`);
    };

    const runAt = async (id: number) => (await t.http.get(`/api/v1/runs/${id}`)).body;

    it('stores a large body while it is still arriving, with the run named before the upload ends', async () => {
      const upload = open('format=jsonl&filename=large.jsonl');
      write(upload.req, 10_000, 13_000);
      // Status and Location come while the client has not finished sending.
      const { status, runId } = await upload.head;
      expect(status).toBe(202);
      // Batches are stored before the rest of the body exists: the server is not buffering the whole request.
      const partway = await waitFor(async () => {
        const run = await runAt(runId);
        return run.inserted >= 2000 ? run : undefined;
      }, 'the first batches of an unfinished upload');
      expect(partway).toMatchObject({ status: 'running', topic: 'jc', kind: 'import' });
      expect(partway.progress.linesRead).toBeLessThanOrEqual(3000);
      expect(partway.progress.bytesRead).toBeGreaterThan(0);
      expect(partway.progress.postsPerSecond).toBeGreaterThan(0);
      for (let from = 13_000; from < 30_000; from += 2500)
        write(upload.req, from, Math.min(from + 2500, 30_000));
      upload.req.end();
      const done = await upload.run;
      expect(done).toMatchObject({ id: runId, status: 'succeeded', fetched: 20_000, inserted: 20_000 });
      expect(done?.progress).toMatchObject({
        linesRead: 20_000,
        postsRead: 20_000,
        note: 'Imported every record.',
      });
      expect(await runAt(runId)).toMatchObject({ status: 'succeeded', inserted: 20_000 });
    });

    it('fails an interrupted upload, keeps what was stored, and a re-import stores only the rest', async () => {
      const upload = open('format=jsonl');
      upload.req.on('error', () => undefined);
      write(upload.req, 40_000, 42_500);
      const { runId } = await upload.head;
      await waitFor(async () => ((await runAt(runId)).inserted >= 2000 ? true : undefined), 'stored batches');
      upload.req.destroy();
      await imports.settled(runId);
      const failed = await waitFor(async () => {
        const run = await runAt(runId);
        return run.status === 'running' ? undefined : run;
      }, 'the run to end');
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(
        /^The upload was interrupted after \d+ bytes .*importing the file again skips their posts as duplicates/,
      );
      const stored = failed.inserted;
      expect(stored).toBeGreaterThanOrEqual(2000);
      expect(stored).toBeLessThan(2500);

      const lines: string[] = [];
      for (let i = 40_000; i < 42_500; i++) lines.push(line(i));
      const again = await importBody('format=jsonl', lines.join('\n'));
      expect(again).toMatchObject({
        status: 'succeeded',
        fetched: 2500,
        inserted: 2500 - stored,
        duplicates: stored,
      });
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM post WHERE external_id LIKE 'gen-4____'`,
      );
      expect(n).toBe(2500);
    });

    it('answers a file of the wrong format once the client has sent it all', async () => {
      const upload = open('format=4cat');
      write(upload.req, 50_000, 52_000);
      const { runId } = await upload.head;
      write(upload.req, 52_000, 54_000);
      upload.req.end();
      const run = await upload.run;
      expect(run).toMatchObject({ id: runId, status: 'failed', inserted: 0 });
      expect(run?.error).toMatch(/^Not a 4cat file: not a 4CAT export/);
    });
  });

  it('documents the route in OpenAPI', async () => {
    const doc = (await t.http.get('/docs/openapi.json')).body;
    const op = doc.paths['/api/v1/topics/{slug}/imports'].post;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['202', '400', '404', '415']));
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['slug', 'format', 'source', 'map']),
    );
    expect(Object.keys(op.requestBody.content)).toContain('application/x-ndjson');
    expect(doc.paths['/api/v1/runs/{id}/rejected'].get.responses['200']).toBeDefined();
    expect(doc.components.schemas.RunView.properties.sample).toBeDefined();
  });
});
