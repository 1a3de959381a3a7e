import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { GroundswellClassifier } from '../../classification/groundswell-classifier.js';
import type { CompiledStance, PostClassifier } from '../../classification/post-classifier.js';
import type { StanceConfig } from '../../classification/stance-config.js';
import { TopicsService } from '../../topics/topics.service.js';
import { service, withAppContext } from '../cli-context.js';

export interface ClassifyStreamOutcome {
  lines: number;
  classified: number;
  errors: number;
}

/**
 * JSONL in, JSONL out: each input line is an object with `text` (and optionally `id`, `hashtags`, anything
 * else, which is passed through); each output line adds `stance`, `confidence`, `stanceScore`, `sentiment`,
 * `sentimentLabel`, `explanation` and `classifierVersion`. A line that is not such an object yields
 * `{ line, error }` and the stream goes on.
 */
export async function classifyStream(
  input: Readable,
  output: Writable,
  classifier: PostClassifier,
  stance?: CompiledStance,
  extra: Record<string, unknown> = {},
): Promise<ClassifyStreamOutcome> {
  const outcome: ClassifyStreamOutcome = { lines: 0, classified: 0, errors: 0 };
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const raw of rl) {
    outcome.lines++;
    if (raw.trim() === '') continue;
    let record: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      record = parsed as Record<string, unknown>;
      if (typeof record.text !== 'string') throw new Error('"text" must be a string');
    } catch (error) {
      outcome.errors++;
      const message = error instanceof Error ? error.message : String(error);
      await write(output, `${JSON.stringify({ line: outcome.lines, error: message })}\n`);
      continue;
    }
    const hashtags = Array.isArray(record.hashtags)
      ? record.hashtags.filter((h): h is string => typeof h === 'string')
      : undefined;
    const r = classifier.classify({ text: record.text, hashtags }, stance);
    outcome.classified++;
    await write(
      output,
      `${JSON.stringify({
        ...record,
        ...(stance ? { stance: r.stance, confidence: r.confidence, stanceScore: r.stanceScore } : {}),
        sentiment: r.sentiment,
        sentimentLabel: r.sentimentLabel,
        explanation: r.explanation,
        classifierVersion: classifier.version,
        ...extra,
      })}\n`,
    );
  }
  return outcome;
}

function write(output: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (output.write(chunk)) resolve();
    else {
      output.once('drain', resolve);
      output.once('error', reject);
    }
  });
}

/** `classify [--topic slug | --stance file.json]`: JSONL on stdin, JSONL on stdout, a summary on stderr. */
export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description(
      'Classify JSONL posts from stdin ({"text": …} per line) and write JSONL with stance and reasons',
    )
    .option(
      '--topic <slug>',
      "score stance with this topic's active stance configuration (reads the database)",
    )
    .option(
      '--stance <file>',
      'score stance with a stance configuration (or preset) file, without a database',
    )
    .action(async (opts: { topic?: string; stance?: string }) => {
      let outcome: ClassifyStreamOutcome;
      if (opts.topic) {
        outcome = await withAppContext(async (app) => {
          const topic = await service(app, TopicsService).find(opts.topic as string);
          const classifier = new GroundswellClassifier();
          const stance = classifier.compile(topic.stance);
          return classifyStream(process.stdin, process.stdout, classifier, stance, {
            topic: topic.slug,
            lexiconVersion: topic.stanceVersion,
          });
        });
      } else {
        const classifier = new GroundswellClassifier();
        let stance: CompiledStance | undefined;
        if (opts.stance) {
          const file = JSON.parse(readFileSync(opts.stance, 'utf8')) as {
            stance?: StanceConfig;
          } & StanceConfig;
          stance = classifier.compile(file.stance ?? file);
        }
        outcome = await classifyStream(process.stdin, process.stdout, classifier, stance);
      }
      process.stderr.write(
        `classified ${outcome.classified} of ${outcome.lines} lines${outcome.errors ? `, ${outcome.errors} bad lines` : ''}\n`,
      );
    });
}
