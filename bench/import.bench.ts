import 'reflect-metadata';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { AppModule } from '../src/app.module.js';
import { ARCHIVE_IMPORTERS } from '../src/sources/archives/archive-importers.js';
import { openArchive, type ReadCounters } from '../src/sources/archives/archive-input.js';
import { ImportService } from '../src/sources/archives/import.service.js';

/**
 * Imports a large generated JSONL file on real PostgreSQL and prints posts/s and peak memory, beside a baseline
 * measured in the same process: reading and parsing the same file without storing it. Memory is sampled during
 * each phase; flat memory means the import's peak stays near the baseline's however large the file.
 *
 *   npm run bench import                    (1,000,000 lines)
 *   BENCH_IMPORT_LINES=2000000 npm run bench import
 */
const LINES = Number(process.env.BENCH_IMPORT_LINES ?? 1_000_000);
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const SUPPORT = [
  'Solidarity with the junior doctors on the picket line #juniorcontract #notfairnotsafe',
  'Tired doctors make mistakes, this unsafe contract is not safe #juniordoctorsstrike',
  'I stand with the junior doctors #juniorcontract',
];
const OPPOSE = [
  'Get back to work, operations cancelled again #juniorcontract',
  'Greedy doctors holding patients to ransom #juniordoctorsstrike',
  'Stand firm, the BMA is militant #juniorcontract #7daynhs',
];
const NEUTRAL = [
  'Strike day: is the clinic in Leeds open today? #juniorcontract',
  'Talks at Acas this week on the junior doctors contract',
];

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function generate(file: string): Promise<void> {
  const out = createWriteStream(file);
  const start = Date.UTC(2016, 0, 1);
  const span = Date.UTC(2016, 4, 1) - start;
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < LINES; i++) {
    const r = rand();
    const pool = r < 0.55 ? SUPPORT : r < 0.8 ? OPPOSE : NEUTRAL;
    const line = JSON.stringify({
      id: `bench-${i}`,
      text: `${pool[Math.floor(rand() * pool.length)]} (${i})`,
      created_at: new Date(start + Math.floor((i / LINES) * span)).toISOString(),
      author: `author_${Math.floor(rand() * 50_000)}`,
      lang: 'en',
      is_repost: rand() < 0.2,
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Samples RSS while a phase runs; returns the phase's result, its duration and its peak. */
async function measure<T>(
  phase: () => Promise<T>,
): Promise<{ result: T; seconds: number; startRss: number; peakRss: number; samples: number[] }> {
  (globalThis as { gc?: () => void }).gc?.();
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  const samples: number[] = [];
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    peakRss = Math.max(peakRss, rss);
    samples.push(rss);
  }, 50);
  const t0 = performance.now();
  try {
    const result = await phase();
    return { result, seconds: (performance.now() - t0) / 1000, startRss, peakRss, samples };
  } finally {
    clearInterval(timer);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-bench-import-'));
  const file = join(dir, 'posts.jsonl');
  const dbName = `gs_bench_import_${process.pid}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(SERVER);
  url.pathname = `/${dbName}`;
  Object.assign(process.env, {
    DATABASE_URL: url.toString(),
    LOG_LEVEL: 'warn',
    ENABLE_SCHEDULER: 'false',
    LOAD_PRESETS: 'true',
    IMPORT_SAMPLE: 'false',
    ADMIN_API_KEY: 'bench-admin-key-0123456789',
  });
  try {
    process.stdout.write(`Generating ${LINES.toLocaleString('en-GB')} lines… `);
    await generate(file);
    const size = statSync(file).size;
    process.stdout.write(`${mb(size)}\n`);

    const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
    try {
      const imports = app.get(ImportService);

      const baseline = await measure(async () => {
        const counters: ReadCounters = { bytes: 0, lines: 0 };
        let posts = 0;
        const input = await openArchive(createReadStream(file), counters);
        for await (const item of ARCHIVE_IMPORTERS.jsonl.read(input, { source: 'bench' }, counters)) {
          if ('post' in item) posts++;
        }
        return posts;
      });

      const along: string[] = [];
      const stored = await measure(async () => {
        const prepared = await imports.prepare({
          topic: 'juniorcontract',
          format: 'jsonl',
          source: 'bench',
          totalBytes: size,
        });
        const run = await imports.begin(prepared);
        let next = 10;
        return imports.execute(run.id, prepared, createReadStream(file), {
          onProgress: (p) => {
            if (p.percent !== null && p.percent >= next) {
              along.push(`${next}%: ${mb(process.memoryUsage.rss())}`);
              next += 40;
            }
          },
        });
      });
      const run = stored.result.run;
      if (run.status === 'failed') throw new Error(`Import failed: ${run.error}`);

      const rows: [string, string, string, string][] = [
        ['phase', 'posts/s', 'peak RSS', 'RSS at start'],
        [
          'baseline: read + parse, no storage',
          Math.round(baseline.result / baseline.seconds).toLocaleString('en-GB'),
          mb(baseline.peakRss),
          mb(baseline.startRss),
        ],
        [
          'import: + classify + store on PostgreSQL',
          Math.round(run.fetched / stored.seconds).toLocaleString('en-GB'),
          mb(stored.peakRss),
          mb(stored.startRss),
        ],
      ];
      const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
      process.stdout.write(`\n${LINES.toLocaleString('en-GB')} lines, ${mb(size)} of JSONL\n`);
      for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join('  ')}\n`);
      process.stdout.write(
        `import: ${run.inserted.toLocaleString('en-GB')} posts stored in ${stored.seconds.toFixed(1)} s; ` +
          `RSS along the way ${along.join(', ')}\n`,
      );
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
