import { spawnSync } from 'node:child_process';
import { IngestionService } from '../../src/collection/ingestion.service.js';
import { engine } from '../support/databases.js';
import { makePost } from '../support/post-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { topicBody } from '../support/topic-fixtures.js';

/**
 * The classification thread, started for real (under the TypeScript loader the application's child processes
 * use): its COPY lines and rollup figures must equal classifying on the main thread, byte for byte, including
 * a second page scored with the topics it already holds, deleted posts, reposts and a source name that needs
 * escaping. A worker on another classifier version is refused, and a closed thread fails its pages.
 */
describe('classification thread', () => {
  it('scores pages exactly as the main thread does', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', './test/support/register-ts.mjs', 'test/support/classification-thread-check.ts'],
      { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000 },
    );
    expect(child.stderr).toBe('');
    const report = JSON.parse(child.stdout) as {
      pages: {
        rows: number;
        expectedRows: number;
        slices: number;
        sameLines: boolean;
        sameRollups: boolean;
      }[];
      workerThreadId: number;
      mainThread: number;
      afterClose: string;
      wrongVersion: string;
    };
    expect(report.pages).toHaveLength(2);
    for (const page of report.pages) {
      expect(page.rows).toBeGreaterThan(500);
      expect(page.rows).toBe(page.expectedRows);
      expect(page.slices).toBe(7); // 700 posts, slices of 100
      expect(page.sameLines).toBe(true);
      expect(page.sameRollups).toBe(true);
    }
    expect(report.workerThreadId).not.toBe(report.mainThread);
    expect(report.afterClose).toBe('ClassificationThreadFailed');
    expect(report.wrongVersion).toBe('refused');
  }, 180_000);
});

describe('classification thread unavailable', () => {
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
  });

  // Jest's module system cannot start the worker on TypeScript sources: the app must notice and classify on
  // its main thread. (On PGlite the fast path, and so the thread, is never used.)
  (engine === 'postgres' ? it : it.skip)(
    'an app whose thread cannot start classifies on the main thread',
    async () => {
      t = await createTestApp({ env: { CLASSIFIER_THREAD: 'true' } });
      const created = await t.http
        .post('/api/v1/topics')
        .set(t.admin)
        .send(
          topicBody({
            slug: 'jc',
            query: { hashtags: ['juniorcontract'], keywords: [], exclude: [], languages: [] },
          }),
        );
      const out = await t.app.get(IngestionService).ingest({
        posts: [makePost({ externalId: 't1' }), makePost({ externalId: 't2' })],
        originTopicId: created.body.id,
      });
      expect(out).toMatchObject({ inserted: 2, classified: 2 });
      const metrics = (await t.http.get('/metrics')).text;
      expect(metrics).toContain('groundswell_pages_classified_total{thread="main"} 1');
      expect(metrics).not.toContain('thread="worker"');
    },
  );
});
