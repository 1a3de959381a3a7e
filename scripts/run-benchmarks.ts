import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench [name…]`: runs each compiled bench/<name>.bench.js in its own process, one after another,
 * so that no benchmark measures another's garbage. Each prints its figures beside the baseline it measures in
 * the same run.
 */
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
  const result = spawnSync(process.execPath, ['--expose-gc', join(benchDir, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
