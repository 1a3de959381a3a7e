import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench [name…]`: runs each compiled bench/<name>.bench.js in its own process, one after another,
 * so that no benchmark measures another's garbage. Each prints its figures beside the baseline it measures in
 * the same run.
 */
/**
 * Must match `npm start` in package.json. A larger young generation (32 MB semi-spaces, V8's default is 16 MB
 * at most) lets the short-lived objects of a page (tokens, scores, COPY text) die young: ingestion measured
 * 5 ms less CPU per 1,000 posts with it.
 */
const SERVICE_NODE_FLAGS = ['--max-semi-space-size=32'];
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const wanted = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`No benchmarks match ${wanted.join(', ') || '(any)'} in ${benchDir}\n`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n### ${file.replace(/\.bench\.js$/, '')}\n`);
  // The heap settings the service runs with (`npm start`); --expose-gc lets a benchmark collect between rounds.
  const result = spawnSync(process.execPath, ['--expose-gc', ...SERVICE_NODE_FLAGS, join(benchDir, file)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
