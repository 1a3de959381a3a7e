import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { projectRoot } from '../../src/project-root.js';
import { engine, freshDatabase, type FreshDatabase } from '../support/databases.js';
import { ADMIN_KEY } from '../support/test-app.js';
import { fixturesDir } from './archive-support.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The command line as a user runs it: compiled JavaScript in a child process against a real database. The
 * build is made here (type checking is `npm run check`'s job), in a folder of its own inside the project so
 * that the compiled code finds the project root and node_modules, and so that nothing depends on a prebuilt dist/.
 */
describe('CLI: import', () => {
  const root = projectRoot();
  const buildDir = join(root, 'node_modules', '.cache', `groundswell-cli-test-${process.pid}`);
  const workDir = mkdtempSync(join(tmpdir(), 'gs-cli-'));
  let database: FreshDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(root, 'tsconfig.build.json'),
        '--noCheck',
        '--outDir',
        buildDir,
      ],
      { cwd: root, stdio: 'pipe' },
    );
    if (engine === 'postgres') {
      database = await freshDatabase();
    } else {
      const dir = join(workDir, 'data');
      database = { env: { DATA_DIR: dir }, drop: async () => undefined };
    }
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'silent',
      ...database.env,
    };
  }, 180_000);

  afterAll(async () => {
    await database?.drop();
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  function cli(...args: string[]): Promise<Ran> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(buildDir, 'src', 'cli.js'), ...args],
        { cwd: workDir, env, timeout: 120_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  async function postCount(): Promise<number> {
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return Number((await client.query(`SELECT count(*) AS n FROM post WHERE source = 'x'`)).rows[0].n);
      } finally {
        await client.end();
      }
    }
    const db = await PGlite.create({ dataDir: join(database.env.DATA_DIR, 'pglite') });
    try {
      return Number(
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM post WHERE source = 'x'`)).rows[0].n,
      );
    } finally {
      await db.close();
    }
  }

  it('has help for the program and for the command', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/import \[options\] <file>/);
    const help = await cli('import', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--topic <slug>');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('(choices: "jsonl", "csv", "twarc", "4cat", "tcat")');
    expect(help.stdout).toContain('--map <field:column,...>');
  });

  it('imports a twarc file into the preset topic and prints a summary; a second run adds nothing', async () => {
    const file = join(fixturesDir, 'twarc-responses.jsonl');
    const first = await cli('import', '--topic', 'juniorcontract', '--format', 'twarc', file);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^Import of .*twarc-responses\.jsonl into "juniorcontract" \(run \d+, import:twarc, source "x"\): partial$/m,
    );
    expect(first.stdout).toMatch(/^ {2}lines read +5$/m);
    expect(first.stdout).toMatch(/^ {2}posts read +5$/m);
    expect(first.stdout).toMatch(/^ {2}new posts +4$/m);
    expect(first.stdout).toMatch(/^ {2}already stored +1$/m);
    expect(first.stdout).toMatch(/^ {2}rejected lines +2$/m);
    expect(first.stdout).toContain('line 3: missing created_at (collect with tweet.fields=created_at)');
    expect(first.stdout).toMatch(/line 4: broken JSON/);
    expect(await postCount()).toBe(4);

    const again = await cli('import', '-t', 'juniorcontract', '-f', 'twarc', '--show-rejected', '0', file);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^ {2}new posts +0$/m);
    expect(again.stdout).toMatch(/^ {2}already stored +5$/m);
    expect(again.stdout).not.toContain('line 3');
    expect(await postCount()).toBe(4);
  }, 180_000);

  it('exits 1 with the reason when the import fails or the request is wrong', async () => {
    const wrong = await cli(
      'import',
      '-t',
      'juniorcontract',
      '-f',
      'twarc',
      join(fixturesDir, '4cat-twitter.csv'),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/: failed$/m);
    expect(wrong.stdout).toMatch(/^Failed: This file does not look like twarc/m);

    const noTopic = await cli('import', '-t', 'nope', '-f', 'jsonl', join(fixturesDir, 'twarc-flat.jsonl'));
    expect([noTopic.code, noTopic.stderr.trim()]).toEqual([1, 'No topic with slug "nope".']);
    const badFormat = await cli('import', '-t', 'juniorcontract', '-f', 'xlsx', 'x.xlsx');
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toMatch(/Allowed choices are jsonl, csv, twarc, 4cat, tcat/);
    const mapped = await cli(
      'import',
      '-t',
      'juniorcontract',
      '-f',
      'jsonl',
      '-m',
      'text:body',
      join(fixturesDir, 'twarc-flat.jsonl'),
    );
    expect([mapped.code, mapped.stderr.trim()]).toEqual([
      1,
      '--map: a column mapping applies to format=csv only',
    ]);
    const missing = await cli(
      'import',
      '-t',
      'juniorcontract',
      '-f',
      'jsonl',
      join(workDir, 'missing.jsonl'),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read .*missing\.jsonl/);
  }, 180_000);
});
