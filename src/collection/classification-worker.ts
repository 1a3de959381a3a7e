/**
 * The classification thread (see classification-thread.ts): scores pages of new posts for their topics and
 * returns their classification rows as COPY lines, a slice at a time, with what the rollups need.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { classificationCopyLine } from '../classification/classification-rows.js';
import { GroundswellClassifier } from '../classification/groundswell-classifier.js';
import { copyText } from '../database/copy-rows.js';
import { compileTopicModels, SCORING_SLICE, scorePost, type TopicModel } from './page-scoring.js';
import { STANCE_CODES, type PageRequest, type WorkerReply } from './classification-thread.js';

const port = parentPort;
if (!port) throw new Error('classification-worker runs as a worker thread');

const classifier = new GroundswellClassifier();
const classifierVersion = copyText(classifier.version);
let models: { fingerprint: string; topics: TopicModel[] } | undefined;

function reply(message: WorkerReply): void {
  port!.postMessage(message);
}

function score(page: PageRequest): void {
  if (page.topics)
    models = { fingerprint: page.fingerprint, topics: compileTopicModels(page.topics, classifier) };
  if (models?.fingerprint !== page.fingerprint) throw new Error('topics not sent for this fingerprint');
  const { topics } = models;
  const origin = page.originTopicId ?? undefined;
  let lines = '';
  let rollups: number[] = [];
  let rows = 0;
  for (let i = 0; i < page.texts.length; i++) {
    if (!page.deleted[i]) {
      const post = { text: page.texts[i], hashtags: page.hashtags[i], lang: page.langs[i] };
      const createdAt = new Date(page.createdAt[i]);
      for (const s of scorePost(post, topics, origin, classifier)) {
        lines += classificationCopyLine(
          {
            topicId: s.topicId,
            lexiconVersion: s.version,
            postId: page.ids[i],
            result: s.result,
            postCreatedAt: createdAt,
            source: page.sources[i],
            lang: page.langs[i],
            isRepost: page.isRepost[i],
          },
          classifierVersion,
        );
        rollups.push(i, s.topicId, s.version, STANCE_CODES.indexOf(s.result.stance), s.result.sentiment);
        rows++;
      }
    }
    if ((i + 1) % SCORING_SLICE === 0 || i === page.texts.length - 1) {
      reply({ kind: 'slice', page: page.page, lines, rollups });
      lines = '';
      rollups = [];
    }
  }
  reply({ kind: 'done', page: page.page, rows });
}

port.on('message', (page: PageRequest) => {
  try {
    score(page);
  } catch (error) {
    reply({
      kind: 'failed',
      page: page.page,
      message: error instanceof Error ? error.message : String(error),
    });
  }
});

reply({ kind: 'ready', version: classifier.version, threadId });
