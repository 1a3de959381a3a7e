// Run under the TypeScript loader (`node --import ./test/support/register-ts.mjs …`), as the application's
// child processes are: Jest's own module system cannot start a worker thread on TypeScript sources. Scores
// pages of the bundled sample on the classification thread and on this thread, and prints what it found as
// JSON for classification-thread.spec.ts to judge.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { generateSample } from '../../scripts/sample/juniorcontract-sample.js';
import { classificationCopyLine } from '../../src/classification/classification-rows.js';
import { GroundswellClassifier } from '../../src/classification/groundswell-classifier.js';
import type { StanceConfig } from '../../src/classification/stance-config.js';
import {
  ClassificationThread,
  ClassificationThreadFailed,
  STANCE_CODES,
} from '../../src/collection/classification-thread.js';
import { compileTopicModels, scorePost, type TopicDefinition } from '../../src/collection/page-scoring.js';
import { copyText } from '../../src/database/copy-rows.js';
import type { TopicQuery } from '../../src/sources/topic-query.js';
import { presetDir } from '../../src/topics/preset-loader.js';
import { makePost } from './post-fixtures.js';

const classifier = new GroundswellClassifier();
const preset = JSON.parse(readFileSync(join(presetDir(), 'juniorcontract.json'), 'utf8')) as {
  query: TopicQuery;
  stance: StanceConfig;
};
const definitions: TopicDefinition[] = [
  // The preset under two lexicon versions (as during a rescore), and a topic posts join by keyword.
  {
    id: 7,
    query: preset.query,
    versions: [
      { version: 1, stance: preset.stance },
      { version: 2, stance: { ...preset.stance, oppose: { ...preset.stance.oppose, cues: [] } } },
    ],
  },
  {
    id: 9,
    query: { hashtags: ['juniordoctorsstrike'], keywords: ['strike'], exclude: [], languages: [] },
    versions: [
      {
        version: 1,
        stance: {
          support: { label: 'S', targets: [], cues: [] },
          oppose: { label: 'O', targets: [], cues: [] },
        },
      },
    ],
  },
];
const sample = generateSample();
const page = (from: number) =>
  sample.slice(from, from + 700).map((s, i) =>
    makePost({
      source: i % 3 ? 'mastodon' : 'archive:\\tab\tname',
      externalId: `${from + i}`,
      text: s.text,
      lang: s.lang ?? null,
      createdAt: new Date(Date.UTC(2016, 3, 26) + (from + i) * 60_000),
      isRepost: s.text.startsWith('RT @'),
      deletedAt: i % 50 === 0 ? new Date(Date.UTC(2016, 4, 1)) : null,
    }),
  );

function onThisThread(posts: ReturnType<typeof page>, ids: number[]) {
  const topics = compileTopicModels(definitions, classifier);
  const version = copyText(classifier.version);
  let lines = '';
  const rollups: number[] = [];
  posts.forEach((p, i) => {
    if (p.deletedAt) return;
    for (const s of scorePost(p, topics, 7, classifier)) {
      lines += classificationCopyLine(
        {
          topicId: s.topicId,
          lexiconVersion: s.version,
          postId: ids[i],
          result: s.result,
          postCreatedAt: p.createdAt,
          source: p.source,
          lang: p.lang,
          isRepost: p.isRepost,
        },
        version,
      );
      rollups.push(i, s.topicId, s.version, STANCE_CODES.indexOf(s.result.stance), s.result.sentiment);
    }
  });
  return { lines, rollups };
}

async function onWorker(thread: ClassificationThread, posts: ReturnType<typeof page>, ids: number[]) {
  let lines = '';
  const rollups: number[] = [];
  let slices = 0;
  const rows = await thread.classify(
    { fingerprint: 'f1', topics: () => definitions, originTopicId: 7, posts, ids },
    (slice) => {
      slices++;
      lines += slice.lines;
      rollups.push(...slice.rollups);
    },
  );
  return { lines, rollups, rows, slices };
}

const thread = await ClassificationThread.start(classifier.version);
if (!thread) throw new Error('the classification thread did not start');
const pages = [0, 700].map((from) => {
  const posts = page(from);
  return { posts, ids: posts.map((_, i) => 1_000_000 + from + i) };
});
const results = [];
for (const { posts, ids } of pages) {
  const expected = onThisThread(posts, ids);
  const got = await onWorker(thread, posts, ids);
  results.push({
    rows: got.rows,
    expectedRows: expected.rollups.length / 5,
    slices: got.slices,
    sameLines: got.lines === expected.lines,
    sameRollups: JSON.stringify(got.rollups) === JSON.stringify(expected.rollups),
  });
}
await thread.close();
const afterClose = await thread
  .classify(
    { fingerprint: 'f1', topics: () => definitions, originTopicId: 7, posts: [], ids: [] },
    () => undefined,
  )
  .then(
    () => 'resolved',
    (error: unknown) =>
      error instanceof ClassificationThreadFailed ? 'ClassificationThreadFailed' : String(error),
  );
const wrongVersion = await ClassificationThread.start(`${classifier.version}-other`);
process.stdout.write(
  `${JSON.stringify({
    pages: results,
    workerThreadId: thread.threadId,
    mainThread: isMainThread ? threadId : -1,
    afterClose,
    wrongVersion: wrongVersion === undefined ? 'refused' : 'started',
  })}\n`,
);
