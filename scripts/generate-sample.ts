import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../src/project-root.js';
import { SAMPLE_FILE } from '../src/sources/archives/sample-import.js';
import { generateSample, sampleJsonl } from './sample/juniorcontract-sample.js';

/**
 * `npm run sample`: regenerates samples/juniorcontract-2016.jsonl.gz from the seeded generator. The output is
 * the same on every run; commit it when the templates change.
 */
const file = join(projectRoot(), 'samples', SAMPLE_FILE);
mkdirSync(dirname(file), { recursive: true });
const jsonl = sampleJsonl();
writeFileSync(file, gzipSync(Buffer.from(jsonl), { level: 9 }));
const posts = generateSample();
process.stdout.write(
  `Wrote ${file}: ${posts.length} posts, ${jsonl.length} bytes of JSONL ` +
    `(${posts.filter((p) => p.is_repost).length} reposts, ${posts.filter((p) => p.reply_to).length} replies, ` +
    `${posts.filter((p) => p.lang !== 'en').length} not in English)\n`,
);
